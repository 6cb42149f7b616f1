-- Cleartext crossing enforced boundaries: paging violations by VPC, ENI, peer and service port.
SELECT
  account_id,
  region,
  vpc_id,
  interface_id,
  rule,
  severity,
  CASE WHEN flow_direction = 'ingress' THEN srcaddr ELSE dstaddr END AS peer,
  protocol,
  port,
  sum(flows) AS flows,
  sum(packets) AS packets,
  sum(bytes) AS bytes,
  min(first_seen) AS first_seen,
  max(last_seen) AS last_seen
FROM findings
WHERE classification = 'violation'
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END,
  bytes DESC, flows DESC, vpc_id, interface_id, peer, port
LIMIT 100
