-- The conversations that move the most cleartext bytes (encryption-status 0), client to server, both directions summed.
-- A conversation's request and reply are two rows of `unencrypted` (each direction on an ENI keeps its own path, which
-- the boundary rules need); server_side says which address of a row listens on the service port, so both rows turn
-- into one client -> server line here.
SELECT
  vpc_id,
  interface_id,
  CASE WHEN server_side = 'src' THEN dstaddr ELSE srcaddr END AS client,
  CASE WHEN server_side = 'src' THEN srcaddr ELSE dstaddr END AS server,
  protocol,
  port,
  action,
  sum(flows) AS flows,
  sum(packets) AS packets,
  sum(bytes) AS bytes,
  min(first_seen) AS first_seen,
  max(last_seen) AS last_seen
FROM unencrypted
GROUP BY 1, 2, 3, 4, 5, 6, 7
ORDER BY bytes DESC, flows DESC, client, server
LIMIT 20
