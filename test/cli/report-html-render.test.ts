/** renderReportHtml on hand-made report data: escaping, the plan-verdict hook, empty sections. */
import { describe, expect, it } from 'vitest';
import { STATUS_LEGEND } from '../../functions/core/encryption-status.js';
import { renderReportHtml } from '../../functions/report/html/report-html.js';
import type { ReportData } from '../../functions/report/report-data.js';

const base: ReportData = {
  generatedAt: '2025-12-01T00:00:00.000Z',
  window: { since: null, fromDay: null, lastDay: '2025-11-30' },
  legend: STATUS_LEGEND,
  evidence: {
    period: { start: '2025-11-30 00:00:00+00', end: '2025-11-30 01:00:00+00', days: 1 },
    objectsInTables: 2,
    lastIngestRun: {
      objects: 3,
      accepted: 2,
      rejected: 1,
      malformedLines: 0,
      rejectedObjects: [{ name: 'x<y>.gz', reason: 'corrupt & "bad"' }],
    },
    quarantined: 0,
  },
  totals: { bytes: '1000', flows: '2', encrypted_bytes_pct: 50, cleartext_bytes: '500', vpcs: '1' },
  byVpc: [{ vpc_id: 'vpc-1', flows: '2', bytes: '1000', cleartext_bytes_pct: 50, nitro_bytes_pct: 50 }],
  byPath: [],
  topCleartextTalkers: [],
  trend: { byVpcDay: [], newCleartextPairs: [] },
};

describe('renderReportHtml', () => {
  it('escapes every text that comes from the data (object names, reasons, VPC names)', () => {
    const html = renderReportHtml(
      {
        ...base,
        boundaries: {
          vpcs: [{ id: 'vpc-1', name: '<script>alert(1)</script>', mode: 'monitor' }],
          monitorVpcs: [{ id: 'vpc-1', name: '<script>alert(1)</script>' }],
          violations: [],
          blocked: [],
          readiness: [],
        },
      },
      { source: 'dir/<b>' },
    );
    expect(html).not.toMatch(/<script|<b>|x<y>/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; · vpc-1');
    expect(html).toContain('x&lt;y&gt;.gz');
    expect(html).toContain('corrupt &amp; &quot;bad&quot;');
  });

  it('adds a plan-verdict column to the readiness table when verdicts are given, and only then', () => {
    const report: ReportData = {
      ...base,
      boundaries: {
        vpcs: [{ id: 'vpc-1', mode: 'monitor' }],
        monitorVpcs: [{ id: 'vpc-1' }],
        violations: [],
        blocked: [],
        readiness: [
          {
            vpc_id: 'vpc-1',
            interface_id: 'eni-1',
            peer: '10.0.0.1',
            protocol: 6,
            port: 80,
            flows: '1',
            bytes: '10',
            last_seen: '2025-11-30 00:10:00+00',
          },
        ],
      },
    };
    const without = renderReportHtml(report, { source: 'd' });
    expect(without).not.toContain('plan verdict');
    expect(without).toContain('1 ENI/peer pairs would be blocked');
    const withPlan = renderReportHtml(report, {
      source: 'd',
      planVerdicts: new Map([['vpc-1', { verdict: 'blocked', blocking: ['i-0abc (m4.large, not Nitro)'] }]]),
    });
    expect(withPlan).toContain('<th scope="col">plan verdict</th>');
    expect(withPlan).toContain('blocked: i-0abc (m4.large, not Nitro)');
  });

  it('says what is missing instead of drawing empty charts', () => {
    const html = renderReportHtml(base, { source: 'd' });
    expect(html).toContain('No day with bytes in the tables.');
    expect(html).toContain('No cleartext bytes.');
    expect(html).toContain('The ingest run had no boundary policy');
    expect(html.match(/data-mark="/g)).toHaveLength(2); // the two shares of vpc-1
  });
});
