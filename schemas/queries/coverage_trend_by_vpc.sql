-- Daily coverage per VPC: bytes and flows by encryption status, share of bytes encrypted, and the accepted cleartext ENI/peer pairs of each day (unknown is status `-`; no_status_field: the format has no encryption-status).
WITH daily AS (
  SELECT
    coalesce(vpc_id, '(no vpc-id in format)') AS vpc_id,
    CAST(CAST(window_start AS DATE) AS VARCHAR) AS day,
    sum(flows) AS flows,
    sum(bytes) AS bytes,
    sum(CASE WHEN encryption_status = 0 THEN bytes ELSE 0 END) AS cleartext_bytes,
    sum(CASE WHEN encryption_status = 1 THEN bytes ELSE 0 END) AS nitro_bytes,
    sum(CASE WHEN encryption_status = 2 THEN bytes ELSE 0 END) AS application_bytes,
    sum(CASE WHEN encryption_status = 3 THEN bytes ELSE 0 END) AS both_bytes,
    sum(CASE WHEN encryption_status IS NULL AND coalesce(encryption_status_field, 'present') <> 'absent' THEN bytes ELSE 0 END) AS unknown_bytes,
    sum(CASE WHEN encryption_status_field = 'absent' THEN bytes ELSE 0 END) AS no_status_field_bytes,
    sum(CASE WHEN encryption_status = 0 THEN flows ELSE 0 END) AS cleartext_flows,
    sum(CASE WHEN encryption_status IN (1, 2, 3) THEN flows ELSE 0 END) AS encrypted_flows,
    sum(CASE WHEN encryption_status IS NULL AND coalesce(encryption_status_field, 'present') <> 'absent' THEN flows ELSE 0 END) AS unknown_flows,
    sum(CASE WHEN encryption_status_field = 'absent' THEN flows ELSE 0 END) AS no_status_field_flows
  FROM summary
  GROUP BY 1, 2
),
pairs AS (
  SELECT
    coalesce(vpc_id, '(no vpc-id in format)') AS vpc_id,
    CAST(CAST(window_start AS DATE) AS VARCHAR) AS day,
    interface_id,
    CASE WHEN flow_direction = 'ingress' THEN srcaddr ELSE dstaddr END AS peer
  FROM unencrypted
  WHERE action = 'ACCEPT'
  GROUP BY 1, 2, 3, 4
),
pair_counts AS (
  SELECT vpc_id, day, count(*) AS cleartext_pairs
  FROM pairs
  GROUP BY 1, 2
)
SELECT
  d.vpc_id,
  d.day,
  d.flows,
  d.bytes,
  d.cleartext_bytes,
  d.nitro_bytes,
  d.application_bytes,
  d.both_bytes,
  d.unknown_bytes,
  d.no_status_field_bytes,
  d.cleartext_flows,
  d.encrypted_flows,
  d.unknown_flows,
  d.no_status_field_flows,
  round(100 * CAST(d.nitro_bytes + d.application_bytes + d.both_bytes AS double) / nullif(d.bytes, 0), 1) AS encrypted_bytes_pct,
  coalesce(p.cleartext_pairs, 0) AS cleartext_pairs
FROM daily d
LEFT JOIN pair_counts p ON p.vpc_id = d.vpc_id AND p.day = d.day
ORDER BY d.vpc_id, d.day
