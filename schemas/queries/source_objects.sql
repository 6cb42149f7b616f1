-- Source objects (flow-log files) whose rows are in the summary table: the evidence behind the figures.
SELECT count(DISTINCT source_object) AS objects
FROM summary
