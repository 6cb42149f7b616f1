-- Accepted cleartext ENI/peer pairs (with protocol and service port) first seen in the latest 7 days of the tables and never before them: what changed since the previous week. Empty until the tables hold more than 7 days.
WITH bounds AS (
  SELECT
    max(CAST(window_start AS DATE)) AS last_day,
    min(CAST(window_start AS DATE)) AS first_day
  FROM unencrypted
),
pairs AS (
  SELECT
    vpc_id,
    interface_id,
    CASE WHEN flow_direction = 'ingress' THEN srcaddr ELSE dstaddr END AS peer,
    protocol,
    port,
    sum(flows) AS flows,
    sum(bytes) AS bytes,
    min(first_seen) AS first_seen,
    max(last_seen) AS last_seen,
    min(CAST(window_start AS DATE)) AS first_day
  FROM unencrypted
  WHERE action = 'ACCEPT'
  GROUP BY 1, 2, 3, 4, 5
)
SELECT
  p.vpc_id,
  p.interface_id,
  p.peer,
  p.protocol,
  p.port,
  p.flows,
  p.bytes,
  p.first_seen,
  p.last_seen
FROM pairs p
CROSS JOIN bounds b
WHERE p.first_day > b.last_day - INTERVAL '7' DAY
  AND b.first_day <= b.last_day - INTERVAL '7' DAY
ORDER BY p.bytes DESC, p.flows DESC, p.vpc_id, p.interface_id, p.peer, p.port
LIMIT 100
