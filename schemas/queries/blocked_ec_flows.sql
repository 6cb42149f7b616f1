-- Flows blocked by encryption controls (reject-reason EC): cleartext that enforcement dropped, usually a broken client.
SELECT
  account_id,
  region,
  vpc_id,
  interface_id,
  srcaddr,
  dstaddr,
  protocol,
  port,
  sum(flows) AS flows,
  sum(packets) AS packets,
  sum(bytes) AS bytes,
  min(first_seen) AS first_seen,
  max(last_seen) AS last_seen
FROM findings
WHERE classification = 'blocked'
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
ORDER BY flows DESC, bytes DESC, vpc_id, interface_id, srcaddr, dstaddr
LIMIT 100
