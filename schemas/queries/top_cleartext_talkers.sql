-- The conversations that move the most cleartext bytes (encryption-status 0), accepted or not.
SELECT
  vpc_id,
  interface_id,
  srcaddr,
  dstaddr,
  protocol,
  port,
  action,
  sum(flows) AS flows,
  sum(packets) AS packets,
  sum(bytes) AS bytes,
  min(first_seen) AS first_seen,
  max(last_seen) AS last_seen
FROM unencrypted
GROUP BY vpc_id, interface_id, srcaddr, dstaddr, protocol, port, action
ORDER BY bytes DESC, flows DESC, srcaddr, dstaddr
LIMIT 20
