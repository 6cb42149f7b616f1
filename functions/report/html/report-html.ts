import type { QueryRow } from '../../adapters/query-runner.js';
import { trafficPathLabel } from '../../core/encryption-status.js';
import { formatBytes, formatCount, utcMinute } from '../format.js';
import type { ReportData } from '../report-data.js';
import { periodText, service } from '../report-text.js';
import {
  barChart,
  escapeHtml as h,
  lineChart,
  MAX_SERIES,
  STATUS_PATTERNS,
  STATUS_STYLES,
  stackedShareChart,
} from './svg.js';

/**
 * What `plan` (issue 14) says about a monitor-mode VPC: its verdict and what blocks enforcement.
 * `report --html` shows these in the readiness table once a caller passes them; without them the
 * table shows the cleartext evidence only.
 * Filled by `report --html` from `plan` when the run kept a policy snapshot.
 */
export interface PlanVerdict {
  readonly verdict: 'ready' | 'needs exclusions' | 'blocked';
  readonly blocking: readonly string[];
}

export interface HtmlOptions {
  /** The folder the tables came from, as the reader should see it. */
  readonly source: string;
  readonly planVerdicts?: ReadonlyMap<string, PlanVerdict>;
}

/** Rows of the top-talkers and path charts (the named queries cap them too). */
const TOP_BARS = 12;

/**
 * The report as one self-contained HTML page: inline CSS and SVG, no script, no external
 * request. Built from the same ReportData (the same named queries) as the text and JSON reports.
 */
export function renderReportHtml(report: ReportData, options: HtmlOptions): string {
  const names = new Map((report.boundaries?.vpcs ?? []).map((v) => [v.id, v]));
  const vpcLabel = (id: unknown) => {
    const name = names.get(String(id))?.name;
    return name ? `${name} · ${String(id)}` : String(id);
  };
  const body = [
    header(report, options),
    headline(report),
    evidence(report),
    statusByVpc(report, vpcLabel),
    trend(report, vpcLabel, names),
    cleartextByPath(report),
    topTalkers(report, vpcLabel),
    newPairs(report, vpcLabel),
    ...(report.boundaries ? boundarySections(report, vpcLabel, options) : [noPolicy()]),
    footer(report),
  ];
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>ciphertrail coverage report · ${h(periodDays(report))}</title>
<style>${CSS}</style>
</head>
<body>
${STATUS_PATTERNS}
<main>
${body.join('\n')}
</main>
</body>
</html>
`;
}

const pct = (v: unknown) => (v === null || v === undefined ? '–' : `${Number(v).toFixed(1)} %`);
const num = (v: unknown) => (v === null || v === undefined ? '–' : formatCount(Number(v)));
const bytes = (v: unknown) => (v === null || v === undefined ? '–' : formatBytes(v as string));
/** Times in tables: UTC (the footer says so), to the minute. */
const when = (v: unknown) => (v === null || v === undefined ? '–' : utcMinute(String(v)).replace(/ UTC$/, ''));

function periodDays(report: ReportData): string {
  const { start, end } = report.evidence.period;
  if (start === null) return 'no data';
  return `${utcMinute(start).slice(0, 10)} to ${utcMinute(end ?? start).slice(0, 10)}`;
}

function header(report: ReportData, options: HtmlOptions): string {
  return `<header>
<h1>Encryption in transit: coverage report</h1>
<p class="sub">Period covered: <strong data-figure="period">${h(periodText(report))}</strong><br>
Tables: <code>${h(options.source)}</code> · generated ${h(utcMinute(report.generatedAt))} by ciphertrail from VPC Flow Logs <code>encryption-status</code></p>
</header>`;
}

function card(figure: string, value: string, raw: unknown, caption: string, tone = ''): string {
  return `<div class="card${tone}"><div class="figure" data-figure="${figure}" data-value="${h(String(raw ?? ''))}">${h(value)}</div><div class="caption">${caption}</div></div>`;
}

function headline(report: ReportData): string {
  const t = report.totals;
  const violations = report.boundaries?.violations ?? [];
  const violationBytes = violations.reduce((n, r) => n + Number(r.bytes ?? 0), 0);
  const run = report.evidence.lastIngestRun;
  const cards = [
    card(
      'encrypted_bytes_pct',
      pct(t.encrypted_bytes_pct),
      t.encrypted_bytes_pct,
      'of bytes encrypted (nitro, application or both)',
    ),
    card('encrypted_flows_pct', pct(t.encrypted_flows_pct), t.encrypted_flows_pct, 'of flows encrypted'),
    card(
      'cleartext_bytes',
      bytes(t.cleartext_bytes),
      t.cleartext_bytes,
      `cleartext, in ${num(t.cleartext_flows)} flows`,
      ' warn',
    ),
    card(
      'violations',
      report.boundaries ? num(violations.length) : '–',
      report.boundaries ? violations.length : '',
      report.boundaries
        ? `open violations (${h(formatBytes(violationBytes))} across enforced boundaries)`
        : 'violations: no boundary policy given',
      violations.length > 0 ? ' warn' : '',
    ),
    card('vpcs', num(t.vpcs), t.vpcs, vpcModes(report)),
    card(
      'objects',
      report.evidence.objectsInTables === null ? '–' : num(report.evidence.objectsInTables),
      report.evidence.objectsInTables ?? '',
      'source objects in the tables',
    ),
    card(
      'rejected',
      run ? num(run.rejected) : '–',
      run?.rejected ?? '',
      run ? `objects rejected by the last ingest run (of ${num(run.objects)} read)` : 'rejected: no ingest-report.json',
      run && run.rejected > 0 ? ' warn' : '',
    ),
  ];
  return `<section class="cards" aria-label="Headline figures">${cards.join('')}</section>`;
}

function vpcModes(report: ReportData): string {
  if (!report.boundaries) return 'VPCs with traffic';
  const modes = new Map(report.boundaries.vpcs.map((v) => [v.id, v.mode]));
  const counts = { enforce: 0, monitor: 0, none: 0 };
  for (const r of report.byVpc) {
    if (String(r.vpc_id).startsWith('(')) continue;
    const mode = modes.get(String(r.vpc_id));
    if (mode === 'enforce') counts.enforce++;
    else if (mode === 'monitor') counts.monitor++;
    else counts.none++;
  }
  return `VPCs with traffic: <span data-figure="vpcs_enforce">${counts.enforce}</span> enforce · <span data-figure="vpcs_monitor">${counts.monitor}</span> monitor · <span data-figure="vpcs_none">${counts.none}</span> without controls`;
}

function evidence(report: ReportData): string {
  const e = report.evidence;
  const run = e.lastIngestRun;
  const items: string[] = [];
  items.push(
    `<li>${e.objectsInTables === null ? 'An unknown number of' : `<strong>${num(e.objectsInTables)}</strong>`} source objects have rows in these tables (every ingest run).</li>`,
  );
  if (run) {
    items.push(
      `<li>The last ingest run read ${num(run.objects)} objects: ${num(run.accepted)} accepted, <strong>${num(run.rejected)} rejected</strong>, ${num(run.malformedLines)} malformed lines skipped.</li>`,
    );
    for (const r of run.rejectedObjects)
      items.push(`<li class="rejected">Rejected: <code>${h(r.name)}</code>: ${h(r.reason)}</li>`);
  } else
    items.push(
      '<li>No <code>ingest-report.json</code>: rejected objects of the run that wrote these tables are unknown.</li>',
    );
  if (e.quarantined !== null && e.quarantined > 0)
    items.push(`<li>${num(e.quarantined)} objects were quarantined as unreadable (<code>rejects/</code>).</li>`);
  const t = report.totals;
  items.push(
    `<li>Of ${bytes(t.bytes)}, ${bytes(t.unknown_bytes)} have status <code>-</code> (unknown) and ${bytes(t.no_status_field_bytes)} come from logs whose format has no <code>encryption-status</code> field: both are shown apart from encrypted and cleartext traffic.</li>`,
  );
  const legend = report.legend
    .map((s) => {
      const style = STATUS_STYLES.find((x) => x.label.startsWith(s.label));
      return `<div class="legend-row"><dt>${swatch(style?.key ?? '')}<strong>${h(s.label)}</strong>${s.code ? ` <code>${h(s.code)}</code>` : ''}</dt><dd>${h(s.meaning)}</dd></div>`;
    })
    .join('');
  return `<section class="two">
<div><h2>Evidence</h2><ul class="evidence">${items.join('')}</ul></div>
<div><h2>What the statuses mean</h2><dl class="legend">${legend}</dl></div>
</section>`;
}

function swatch(key: string): string {
  const style = STATUS_STYLES.find((s) => s.key === key);
  if (!style) return '';
  return `<svg class="swatch" width="14" height="14" aria-hidden="true"><rect width="14" height="14" fill="${style.fill}" stroke="#555" stroke-width="0.5"/></svg>`;
}

function statusLegend(): string {
  return `<p class="keys">${STATUS_STYLES.map((s) => `<span>${swatch(s.key)}${h(s.label)}</span>`).join('')}</p>`;
}

function statusByVpc(report: ReportData, vpcLabel: (id: unknown) => string): string {
  const rows = report.byVpc.filter((r) => r.bytes !== null && Number(r.bytes) > 0);
  const chart = stackedShareChart(
    'Encryption status by VPC, share of bytes',
    rows.map((r) => ({
      label: vpcLabel(r.vpc_id),
      total: bytes(r.bytes),
      shares: Object.fromEntries(STATUS_STYLES.map((s) => [s.key, Number(r[`${s.key}_bytes_pct`] ?? 0)])),
      detail: (key, share) =>
        `${vpcLabel(r.vpc_id)}: ${STATUS_STYLES.find((s) => s.key === key)!.label} ${share.toFixed(1)} % of ${bytes(r.bytes)}`,
    })),
  );
  const table = dataTable(
    ['VPC', 'flows', 'bytes', ...STATUS_STYLES.map((s) => s.label)],
    report.byVpc.map((r) => [
      vpcLabel(r.vpc_id),
      num(r.flows),
      bytes(r.bytes),
      ...STATUS_STYLES.map((s) => pct(r[`${s.key}_bytes_pct`])),
    ]),
    [1, 2, 3, 4, 5, 6, 7, 8],
  );
  return figure('chart-status-by-vpc', 'Encryption status by VPC (share of bytes)', `${statusLegend()}${chart}`, table);
}

function trend(
  report: ReportData,
  vpcLabel: (id: unknown) => string,
  names: ReadonlyMap<string, { name?: string }>,
): string {
  const rows = report.trend?.byVpcDay ?? [];
  const days = [...new Set(rows.map((r) => String(r.day)))].sort();
  const byVpc = new Map<string, QueryRow[]>();
  for (const r of rows) {
    if (r.bytes === null || Number(r.bytes) === 0) continue;
    byVpc.set(String(r.vpc_id), [...(byVpc.get(String(r.vpc_id)) ?? []), r]);
  }
  const ranked = [...byVpc.entries()].sort((a, b) => sumOf(b[1], 'bytes') - sumOf(a[1], 'bytes')).slice(0, MAX_SERIES);
  const series = ranked.map(([vpc, list]) => ({
    label: names.get(vpc)?.name ?? vpc,
    points: days.map((day) => {
      const r = list.find((x) => x.day === day);
      const value = r && r.encrypted_bytes_pct !== null ? Number(r.encrypted_bytes_pct) : null;
      return {
        day,
        value,
        detail: r
          ? `${vpcLabel(vpc)} ${day}: ${pct(r.encrypted_bytes_pct)} of ${bytes(r.bytes)} encrypted, ${bytes(r.cleartext_bytes)} cleartext, ${num(r.cleartext_pairs)} cleartext pairs`
          : `${day}: no data`,
      };
    }),
  }));
  const marks = series.reduce((n, s) => n + s.points.filter((p) => p.value !== null).length, 0);
  const more =
    byVpc.size > ranked.length
      ? `<p class="note">The ${MAX_SERIES} VPCs with the most bytes are drawn; the table lists all ${byVpc.size}.</p>`
      : '';
  const table = dataTable(
    ['VPC', 'day', 'bytes', 'encrypted', 'cleartext', 'unknown (-)', 'no status field', 'cleartext pairs'],
    rows.map((r) => [
      vpcLabel(r.vpc_id),
      String(r.day),
      bytes(r.bytes),
      pct(r.encrypted_bytes_pct),
      bytes(r.cleartext_bytes),
      bytes(r.unknown_bytes),
      bytes(r.no_status_field_bytes),
      num(r.cleartext_pairs),
    ]),
    [2, 3, 4, 5, 6, 7],
  );
  const chart =
    marks === 0
      ? '<p class="empty">No day with bytes in the tables.</p>'
      : lineChart('Share of bytes encrypted per day and VPC', days, series);
  return figure('chart-trend', 'Daily trend per VPC (share of bytes encrypted)', `${chart}${more}`, table, true);
}

function cleartextByPath(report: ReportData): string {
  const rows = report.byPath.filter((r) => Number(r.cleartext_bytes ?? 0) > 0).slice(0, TOP_BARS);
  const label = (r: QueryRow) =>
    `${String(r.flow_direction)} · ${r.traffic_path === null ? 'path not reported' : `${r.traffic_path} ${trafficPathLabel(Number(r.traffic_path))}`}`;
  const chart =
    rows.length === 0
      ? '<p class="empty">No cleartext bytes.</p>'
      : barChart(
          'Cleartext bytes by traffic path and direction',
          rows.map((r) => ({
            label: label(r),
            value: Number(r.cleartext_bytes),
            valueLabel: `${bytes(r.cleartext_bytes)} (${pct(r.cleartext_bytes_pct)})`,
            detail: `${label(r)}: ${bytes(r.cleartext_bytes)} cleartext in ${num(r.cleartext_flows)} flows, ${pct(r.cleartext_bytes_pct)} of the path's bytes`,
          })),
        );
  return figure('chart-cleartext-by-path', 'Cleartext by path (traffic path × direction)', chart);
}

function topTalkers(report: ReportData, vpcLabel: (id: unknown) => string): string {
  const rows = report.topCleartextTalkers.filter((r) => r.bytes !== null && Number(r.bytes) > 0).slice(0, TOP_BARS);
  const label = (r: QueryRow) => `${String(r.client ?? '?')} → ${String(r.server ?? '?')} ${service(r)}`;
  const chart =
    rows.length === 0
      ? '<p class="empty">No cleartext conversation with bytes.</p>'
      : barChart(
          'Top cleartext conversations by bytes',
          rows.map((r) => ({
            label: label(r),
            value: Number(r.bytes),
            valueLabel: bytes(r.bytes),
            detail: `${label(r)} in ${vpcLabel(r.vpc_id)} (${String(r.interface_id ?? '-')}, ${String(r.action ?? '-')}): ${bytes(r.bytes)} in ${num(r.flows)} flows`,
          })),
        );
  const table = dataTable(
    ['VPC', 'ENI', 'client', 'server', 'service', 'action', 'flows', 'bytes', 'first seen', 'last seen'],
    report.topCleartextTalkers.map((r) => [
      vpcLabel(r.vpc_id ?? '-'),
      String(r.interface_id ?? '–'),
      String(r.client ?? '–'),
      String(r.server ?? '–'),
      service(r),
      String(r.action ?? '–'),
      num(r.flows),
      bytes(r.bytes),
      when(r.first_seen),
      when(r.last_seen),
    ]),
    [6, 7],
  );
  return figure('chart-top-talkers', 'Top cleartext talkers (client → server, both directions)', chart, table);
}

function newPairs(report: ReportData, vpcLabel: (id: unknown) => string): string {
  const rows = report.trend?.newCleartextPairs ?? [];
  const body =
    rows.length === 0
      ? '<p class="empty">None: no cleartext ENI/peer pair appeared in the latest 7 days (or the tables hold 7 days or less, so there is no earlier week to compare with).</p>'
      : dataTable(
          ['VPC', 'ENI', 'peer', 'service', 'flows', 'bytes', 'first seen', 'last seen'],
          rows.map((r) => [
            vpcLabel(r.vpc_id),
            String(r.interface_id ?? '–'),
            String(r.peer ?? '–'),
            service(r),
            num(r.flows),
            bytes(r.bytes),
            when(r.first_seen),
            when(r.last_seen),
          ]),
          [4, 5],
        );
  return `<section id="new-pairs"><h2>New cleartext pairs since the previous week</h2>${body}</section>`;
}

function boundarySections(report: ReportData, vpcLabel: (id: unknown) => string, options: HtmlOptions): string[] {
  const b = report.boundaries!;
  const violations =
    b.violations.length === 0
      ? '<p class="empty">None: no cleartext crossed an enforced boundary.</p>'
      : dataTable(
          [
            'severity',
            'rule',
            'VPC',
            'ENI',
            'peer',
            'service',
            'flows',
            'bytes',
            'first seen',
            'last seen',
            'remediation',
          ],
          b.violations.map((r) => [
            `<span class="sev sev-${h(String(r.severity))}">${h(String(r.severity))}</span>`,
            h(String(r.rule)),
            h(vpcLabel(r.vpc_id)),
            h(String(r.interface_id ?? '–')),
            h(String(r.peer ?? '–')),
            h(service(r)),
            h(num(r.flows)),
            h(bytes(r.bytes)),
            h(when(r.first_seen)),
            h(when(r.last_seen)),
            h(String(r.remediation ?? '–')),
          ]),
          [6, 7],
          true,
        );
  const blocked =
    b.blocked.length === 0
      ? '<p class="empty">None.</p>'
      : dataTable(
          ['VPC', 'ENI', 'source', 'destination', 'service', 'flows', 'bytes', 'first seen', 'last seen'],
          b.blocked.map((r) => [
            vpcLabel(r.vpc_id),
            String(r.interface_id ?? '–'),
            String(r.srcaddr ?? '–'),
            String(r.dstaddr ?? '–'),
            service(r),
            num(r.flows),
            bytes(r.bytes),
            when(r.first_seen),
            when(r.last_seen),
          ]),
          [5, 6],
        );
  const verdicts = options.planVerdicts;
  const readinessRows = b.monitorVpcs.map((vpc) => {
    const rows = b.readiness.filter((r) => r.vpc_id === vpc.id);
    const last = rows
      .map((r) => String(r.last_seen))
      .sort()
      .at(-1);
    const state =
      rows.length === 0
        ? 'no cleartext seen: nothing enforce mode would block'
        : `${rows.length} ENI/peer pairs would be blocked`;
    const cells = [
      h(vpcLabel(vpc.id)),
      rows.length === 0 ? `<span class="ok">${h(state)}</span>` : `<span class="sev sev-low">${h(state)}</span>`,
      h(num(sumOf(rows, 'flows'))),
      h(formatBytes(sumOf(rows, 'bytes'))),
      h(when(last ?? null)),
      h(
        rows
          .slice(0, 5)
          .map((r) => `${String(r.interface_id)} → ${String(r.peer)} ${service(r)}`)
          .join('; ') + (rows.length > 5 ? `; ${rows.length - 5} more` : ''),
      ),
    ];
    // Plan verdicts (issue 14, `ciphertrail plan`) join here, one per VPC, when the caller has them.
    if (verdicts) {
      const v = verdicts.get(vpc.id);
      cells.push(v ? `${h(v.verdict)}${v.blocking.length > 0 ? `: ${h(v.blocking.join(', '))}` : ''}` : '–');
    }
    return cells;
  });
  const readiness =
    b.monitorVpcs.length === 0
      ? '<p class="empty">No monitor-mode VPC in the boundary policy.</p>'
      : dataTable(
          [
            'VPC',
            'readiness',
            'flows',
            'bytes',
            'last cleartext',
            'cleartext pairs',
            ...(verdicts ? ['plan verdict'] : []),
          ],
          readinessRows,
          [2, 3],
          true,
        );
  return [
    `<section id="violations"><h2>Violations: cleartext across enforced boundaries</h2>${violations}</section>`,
    `<section id="blocked"><h2>Blocked by encryption controls (reject-reason EC)</h2><p class="note">Nothing leaked, but a client is failing: it tries cleartext where enforcement drops it.</p>${blocked}</section>`,
    `<section id="readiness"><h2>Enforcement readiness of monitor-mode VPCs</h2>${readiness}</section>`,
  ];
}

function noPolicy(): string {
  return '<section id="violations"><h2>Violations, blocked flows and readiness</h2><p class="empty">The ingest run had no boundary policy (<code>--boundaries</code>): nothing was classified.</p></section>';
}

function footer(report: ReportData): string {
  return `<footer><p>Built from the named queries coverage_totals, coverage_by_vpc, coverage_by_path, top_cleartext_talkers${report.trend ? ', coverage_trend_by_vpc, new_cleartext_pairs' : ''}${report.boundaries ? ', cleartext_crossing_enforced_boundaries, blocked_ec_flows, readiness_by_monitor_vpc' : ''} (<code>schemas/queries/</code>; the same SQL is deployed to Athena). Bytes in decimal units (1 KB = 1,000 bytes); times in UTC.</p></footer>`;
}

function figure(id: string, title: string, chart: string, table?: string, collapsed = false): string {
  const details = table ? `<details${collapsed ? '' : ' open'}><summary>Figures</summary>${table}</details>` : '';
  return `<section id="${id}" class="figure-block"><h2>${h(title)}</h2>${chart}${details}</section>`;
}

/** A table; `numeric` columns align right; `raw` cells are HTML already escaped. */
function dataTable(header: string[], rows: string[][], numeric: number[] = [], raw = false): string {
  const th = header.map((c, i) => `<th${numeric.includes(i) ? ' class="n"' : ''} scope="col">${h(c)}</th>`).join('');
  const tr = rows
    .map(
      (r) =>
        `<tr>${r.map((c, i) => `<td${numeric.includes(i) ? ' class="n"' : ''}>${raw ? c : h(c)}</td>`).join('')}</tr>`,
    )
    .join('');
  return `<div class="table-wrap"><table><thead><tr>${th}</tr></thead><tbody>${tr}</tbody></table></div>`;
}

const sumOf = (rows: readonly QueryRow[], column: string) => rows.reduce((n, r) => n + Number(r[column] ?? 0), 0);

const CSS = `
:root{--ink:#1a1a1a;--muted:#555;--rule:#d0d0d0;--warn:#b34700;--bg:#fff;--panel:#f6f7f9}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg)}
main{max-width:1080px;margin:0 auto;padding:24px 28px 40px}
h1{font-size:26px;margin:0 0 4px}
h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid var(--rule);padding-bottom:4px}
.sub{color:var(--muted);margin:0}
code{font:13px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--panel);padding:0 3px;border-radius:3px;word-break:break-all}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(128px,1fr));gap:10px;margin:20px 0 4px}
.card{background:var(--panel);border:1px solid var(--rule);border-radius:6px;padding:10px 12px}
.card .figure{font-size:24px;font-weight:700}
.card.warn .figure{color:var(--warn)}
.card .caption{font-size:13px;color:var(--muted)}
.two{display:grid;grid-template-columns:1fr 1fr;gap:24px}
.evidence{padding-left:18px;margin:0}
.evidence li{margin:2px 0}
.rejected{color:var(--warn)}
.legend{margin:0}
.legend-row{display:grid;grid-template-columns:170px 1fr;gap:8px;margin:3px 0}
.legend dt{white-space:nowrap}
.legend dd{margin:0;color:var(--muted);font-size:14px}
.swatch{vertical-align:-2px;margin-right:5px}
.keys{margin:0 0 6px;font-size:13px}
.keys span{margin-right:14px;white-space:nowrap}
.chart{display:block;max-width:100%;height:auto;font-size:12px}
.chart text{fill:var(--ink)}
.chart .tick{fill:var(--muted);font-size:11px}
.chart .in-bar{font-size:11px;font-weight:600}
.chart .in-bar.light{fill:#fff}
.chart .grid{stroke:#e3e3e3;stroke-width:1}
details summary{cursor:pointer;color:var(--muted);font-size:13px;margin:6px 0}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--rule);vertical-align:top}
th{background:var(--panel);font-weight:600}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.sev{font-weight:700;padding:0 4px;border-radius:3px;border:1px solid currentColor;white-space:nowrap}
.sev-critical{color:#8b0000}.sev-high{color:#b34700}.sev-medium{color:#6b5200}.sev-low{color:#444}.sev-info{color:#555}
.ok{color:#00603d;font-weight:600}
#violations td:last-child{min-width:220px}
.empty,.note{color:var(--muted);font-size:14px}
footer{margin-top:32px;color:var(--muted);font-size:12px;border-top:1px solid var(--rule);padding-top:8px}
@media (max-width:760px){.two{grid-template-columns:1fr}}
@media print{
  @page{size:A4;margin:14mm}
  body{font-size:11pt}
  main{max-width:none;padding:0}
  *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
  section,.card,tr,svg{break-inside:avoid}
  h2{break-after:avoid}
  details>summary{display:none}
  .table-wrap{overflow:visible}
  table{font-size:8pt}
  th,td{padding:2px 4px}
  td{overflow-wrap:anywhere}
  th,td.n{white-space:nowrap}
  #violations td:last-child{min-width:0;overflow-wrap:normal}
}
`;
