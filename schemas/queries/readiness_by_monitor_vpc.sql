-- Enforcement readiness per monitor-mode VPC: ENIs and peers still sending cleartext that enforce mode would block.
SELECT
  vpc_id,
  interface_id,
  CASE WHEN flow_direction = 'ingress' THEN srcaddr ELSE dstaddr END AS peer,
  protocol,
  port,
  sum(flows) AS flows,
  sum(bytes) AS bytes,
  min(first_seen) AS first_seen,
  max(last_seen) AS last_seen
FROM findings
WHERE classification = 'readiness'
GROUP BY 1, 2, 3, 4, 5
ORDER BY vpc_id, bytes DESC, flows DESC, interface_id, peer, port
LIMIT 500
