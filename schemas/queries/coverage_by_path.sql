-- Encryption coverage per path (direction and egress traffic path): share of bytes by status (unknown: status `-`; no_status_field: the format has no encryption-status).
SELECT
  coalesce(flow_direction, '-') AS flow_direction,
  traffic_path,
  sum(flows) AS flows,
  sum(bytes) AS bytes,
  sum(CASE WHEN encryption_status = 0 THEN bytes ELSE 0 END) AS cleartext_bytes,
  sum(CASE WHEN encryption_status = 0 THEN flows ELSE 0 END) AS cleartext_flows,
  round(100 * CAST(sum(CASE WHEN encryption_status = 0 THEN bytes ELSE 0 END) AS double) / nullif(sum(bytes), 0), 1) AS cleartext_bytes_pct,
  round(100 * CAST(sum(CASE WHEN encryption_status = 1 THEN bytes ELSE 0 END) AS double) / nullif(sum(bytes), 0), 1) AS nitro_bytes_pct,
  round(100 * CAST(sum(CASE WHEN encryption_status = 2 THEN bytes ELSE 0 END) AS double) / nullif(sum(bytes), 0), 1) AS application_bytes_pct,
  round(100 * CAST(sum(CASE WHEN encryption_status = 3 THEN bytes ELSE 0 END) AS double) / nullif(sum(bytes), 0), 1) AS both_bytes_pct,
  round(100 * CAST(sum(CASE WHEN encryption_status IS NULL AND coalesce(encryption_status_field, 'present') <> 'absent' THEN bytes ELSE 0 END) AS double) / nullif(sum(bytes), 0), 1) AS unknown_bytes_pct,
  round(100 * CAST(sum(CASE WHEN encryption_status_field = 'absent' THEN bytes ELSE 0 END) AS double) / nullif(sum(bytes), 0), 1) AS no_status_field_bytes_pct,
  round(100 * CAST(sum(CASE WHEN encryption_status = 0 THEN flows ELSE 0 END) AS double) / nullif(sum(flows), 0), 1) AS cleartext_flows_pct
FROM summary
GROUP BY 1, 2
ORDER BY bytes DESC, flow_direction, traffic_path
