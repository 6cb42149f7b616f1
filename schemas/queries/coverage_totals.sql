-- Headline figures of the period covered: first and last time seen, days, VPCs, flows and bytes, and bytes by encryption status (unknown is status `-`; no_status_field is traffic whose format has no encryption-status field).
SELECT
  min(window_start) AS period_start,
  max(last_seen) AS period_end,
  count(DISTINCT CAST(window_start AS DATE)) AS days,
  count(DISTINCT vpc_id) AS vpcs,
  count(DISTINCT interface_id) AS interfaces,
  sum(flows) AS flows,
  sum(bytes) AS bytes,
  sum(CASE WHEN encryption_status IN (1, 2, 3) THEN bytes ELSE 0 END) AS encrypted_bytes,
  sum(CASE WHEN encryption_status = 0 THEN bytes ELSE 0 END) AS cleartext_bytes,
  sum(CASE WHEN encryption_status = 1 THEN bytes ELSE 0 END) AS nitro_bytes,
  sum(CASE WHEN encryption_status = 2 THEN bytes ELSE 0 END) AS application_bytes,
  sum(CASE WHEN encryption_status = 3 THEN bytes ELSE 0 END) AS both_bytes,
  sum(CASE WHEN encryption_status IS NULL AND coalesce(encryption_status_field, 'present') <> 'absent' THEN bytes ELSE 0 END) AS unknown_bytes,
  sum(CASE WHEN encryption_status_field = 'absent' THEN bytes ELSE 0 END) AS no_status_field_bytes,
  sum(CASE WHEN encryption_status IN (1, 2, 3) THEN flows ELSE 0 END) AS encrypted_flows,
  sum(CASE WHEN encryption_status = 0 THEN flows ELSE 0 END) AS cleartext_flows,
  sum(CASE WHEN encryption_status IS NULL AND coalesce(encryption_status_field, 'present') <> 'absent' THEN flows ELSE 0 END) AS unknown_flows,
  sum(CASE WHEN encryption_status_field = 'absent' THEN flows ELSE 0 END) AS no_status_field_flows,
  round(100 * CAST(sum(CASE WHEN encryption_status IN (1, 2, 3) THEN bytes ELSE 0 END) AS double) / nullif(sum(bytes), 0), 1) AS encrypted_bytes_pct,
  round(100 * CAST(sum(CASE WHEN encryption_status IN (1, 2, 3) THEN flows ELSE 0 END) AS double) / nullif(sum(flows), 0), 1) AS encrypted_flows_pct
FROM summary
