-- Encryption coverage per VPC: share of bytes and flows by encryption status. unknown is status `-` in the record; no_status_field is traffic from objects whose format has no encryption-status field (it cannot say).
SELECT
  coalesce(vpc_id, '(no vpc-id in format)') AS vpc_id,
  sum(flows) AS flows,
  sum(bytes) AS bytes,
  round(100 * CAST(sum(CASE WHEN encryption_status = 0 THEN bytes ELSE 0 END) AS double) / nullif(sum(bytes), 0), 1) AS cleartext_bytes_pct,
  round(100 * CAST(sum(CASE WHEN encryption_status = 1 THEN bytes ELSE 0 END) AS double) / nullif(sum(bytes), 0), 1) AS nitro_bytes_pct,
  round(100 * CAST(sum(CASE WHEN encryption_status = 2 THEN bytes ELSE 0 END) AS double) / nullif(sum(bytes), 0), 1) AS application_bytes_pct,
  round(100 * CAST(sum(CASE WHEN encryption_status = 3 THEN bytes ELSE 0 END) AS double) / nullif(sum(bytes), 0), 1) AS both_bytes_pct,
  round(100 * CAST(sum(CASE WHEN encryption_status IS NULL AND coalesce(encryption_status_field, 'present') <> 'absent' THEN bytes ELSE 0 END) AS double) / nullif(sum(bytes), 0), 1) AS unknown_bytes_pct,
  round(100 * CAST(sum(CASE WHEN encryption_status_field = 'absent' THEN bytes ELSE 0 END) AS double) / nullif(sum(bytes), 0), 1) AS no_status_field_bytes_pct,
  round(100 * CAST(sum(CASE WHEN encryption_status = 0 THEN flows ELSE 0 END) AS double) / nullif(sum(flows), 0), 1) AS cleartext_flows_pct,
  round(100 * CAST(sum(CASE WHEN encryption_status = 1 THEN flows ELSE 0 END) AS double) / nullif(sum(flows), 0), 1) AS nitro_flows_pct,
  round(100 * CAST(sum(CASE WHEN encryption_status = 2 THEN flows ELSE 0 END) AS double) / nullif(sum(flows), 0), 1) AS application_flows_pct,
  round(100 * CAST(sum(CASE WHEN encryption_status = 3 THEN flows ELSE 0 END) AS double) / nullif(sum(flows), 0), 1) AS both_flows_pct,
  round(100 * CAST(sum(CASE WHEN encryption_status IS NULL AND coalesce(encryption_status_field, 'present') <> 'absent' THEN flows ELSE 0 END) AS double) / nullif(sum(flows), 0), 1) AS unknown_flows_pct,
  round(100 * CAST(sum(CASE WHEN encryption_status_field = 'absent' THEN flows ELSE 0 END) AS double) / nullif(sum(flows), 0), 1) AS no_status_field_flows_pct
FROM summary
GROUP BY 1
ORDER BY bytes DESC, vpc_id
