/**
 * `report --html` opened in a real browser: Debian's Chromium (`/usr/bin/chromium`, or
 * CHROMIUM_PATH) driven by playwright-core, which downloads nothing. For the samples and for a
 * generated 14-day corpus, both through the real ingest: no console error, no request but the
 * file itself, every chart drawn with one mark per figure the DuckDB queries give, the headline
 * figures equal totals computed here over the Parquet files, and a screenshot in out/.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../helpers/cli.js';
import { Oracle, parquetTable } from '../helpers/duckdb.js';
import { tempDir } from '../helpers/sources.js';
import { writeTrendCorpus } from '../helpers/trend-corpus.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const dir = tempDir('html');
let browser: Browser;
let oracle: Oracle;

interface Rendered {
  readonly tables: string;
  readonly html: string;
}
const corpora: Record<'samples' | 'multi-day', Rendered> = {
  samples: { tables: join(dir.path, 'samples'), html: join(dir.path, 'samples.html') },
  'multi-day': { tables: join(dir.path, 'trend'), html: join(dir.path, 'trend.html') },
};

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (.ci/run does), or set CHROMIUM_PATH`);
  }
  const trend = writeTrendCorpus(join(dir.path, 'logs'), { days: 14, lastDay: '2025-11-30' });
  const policy = join(dir.path, 'trend-boundaries.json');
  writeFileSync(policy, JSON.stringify(trend.policy));
  const logs = {
    samples: ['samples/flow-logs', 'samples/boundaries.json'],
    'multi-day': [join(dir.path, 'logs'), policy],
  };
  await Promise.all(
    Object.entries(corpora).map(async ([name, c]) => {
      const [input, boundaries] = logs[name as keyof typeof corpora];
      const ingest = await runCli(['ingest', input!, '--out', c.tables, '--boundaries', boundaries!, '--quiet']);
      expect(ingest.code).toBe(name === 'samples' ? 1 : 0); // one sample object is a truncated gzip
      const result = await runCli(['report', c.tables, '--html', c.html]);
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(`wrote ${c.html}`);
    }),
  );
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  oracle = await Oracle.open();
});

afterAll(async () => {
  await browser?.close();
  oracle?.close();
  dir.remove();
});

const query = async (tables: string, name: string) => {
  const result = await runCli(['query', tables, name, '--format', 'json']);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Record<string, string | number | null>[];
};
const positive = (v: unknown) => v !== null && v !== undefined && Number(v) > 0;
/**
 * Run in the page (as text: the project's type-check has no DOM library). Per chart section: the
 * size of its SVG, the kind of each data mark, and how many marks have a non-empty box.
 */
const CHART_MARKS = `Object.fromEntries([...document.querySelectorAll('section.figure-block')].map((s) => {
  const box = s.querySelector('svg.chart')?.getBoundingClientRect();
  const marks = [...s.querySelectorAll('[data-mark]')];
  const drawn = marks.filter((m) => { const b = m.getBBox(); return b.width > 0 || b.height > 0; }).length;
  return [s.id, { width: box?.width ?? 0, height: box?.height ?? 0, marks: marks.map((m) => m.getAttribute('data-mark')), drawn }];
}))`;
/** The headline figures: raw value and the text a reader sees. */
const HEADLINE_FIGURES = `Object.fromEntries([...document.querySelectorAll('[data-figure][data-value]')].map((e) =>
  [e.getAttribute('data-figure'), { value: e.getAttribute('data-value'), text: e.textContent }]))`;
const STATUSES = ['cleartext', 'nitro', 'application', 'both', 'unknown', 'no_status_field'];

describe.each(Object.keys(corpora) as (keyof typeof corpora)[])('report --html of %s in Chromium', (name) => {
  it('is one self-contained file: no console error, no request but the page itself', async () => {
    const c = corpora[name];
    const text = readFileSync(c.html, 'utf8');
    expect(text).not.toMatch(/<script|<link|@import|url\((?!#)|src=|https?:\/\/(?!www\.w3\.org)/i);
    const page = await browser.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(c.html).href, { waitUntil: 'load' });
    expect(errors).toEqual([]);
    expect(requests).toEqual([pathToFileURL(c.html).href]);
    await page.close();
  });

  it('draws every chart with one mark per figure of the named queries', async () => {
    const c = corpora[name];
    const [byVpc, byPath, talkers, trend] = await Promise.all([
      query(c.tables, 'coverage_by_vpc'),
      query(c.tables, 'coverage_by_path'),
      query(c.tables, 'top_cleartext_talkers'),
      query(c.tables, 'coverage_trend_by_vpc'),
    ]);
    const page = await browser.newPage();
    await page.goto(pathToFileURL(c.html).href);
    const charts: Record<string, { width: number; height: number; marks: string[]; drawn: number }> =
      await page.evaluate(CHART_MARKS);
    const vpcsWithBytes = byVpc.filter((r) => positive(r.bytes));
    const segments = vpcsWithBytes.flatMap((r) => STATUSES.filter((s) => positive(r[`${s}_bytes_pct`])));
    const points = trend.filter((r) => positive(r.bytes) && r.encrypted_bytes_pct !== null);
    const expected: Record<string, string[]> = {
      'chart-status-by-vpc': segments,
      // A line per VPC with two days or more, a point per VPC and day.
      'chart-trend': [
        ...[...new Set(points.map((r) => r.vpc_id))]
          .filter((vpc) => points.filter((r) => r.vpc_id === vpc).length > 1)
          .map(() => 'line'),
        ...points.map(() => 'point'),
      ],
      'chart-cleartext-by-path': byPath.filter((r) => positive(r.cleartext_bytes)).map(() => 'bar'),
      'chart-top-talkers': talkers
        .filter((r) => positive(r.bytes))
        .slice(0, 12)
        .map(() => 'bar'),
    };
    expect(Object.keys(charts).sort()).toEqual(Object.keys(expected).sort());
    for (const [id, marks] of Object.entries(expected)) {
      const chart = charts[id]!;
      expect(marks.length, id).toBeGreaterThan(0);
      expect([...chart.marks].sort(), id).toEqual([...marks].sort());
      expect(chart.drawn, id).toBe(marks.length);
      expect(chart.width, id).toBeGreaterThan(300);
      expect(chart.height, id).toBeGreaterThan(20);
    }
    await page.close();
  });

  it('shows headline figures equal to the totals DuckDB computes over the Parquet files', async () => {
    const c = corpora[name];
    const summary = parquetTable(c.tables, 'summary');
    const [totals] = await oracle.query(`SELECT
        round(100 * sum(bytes) FILTER (WHERE encryption_status IN (1, 2, 3)) / sum(bytes), 1) AS enc_bytes,
        round(100 * sum(flows) FILTER (WHERE encryption_status IN (1, 2, 3)) / sum(flows), 1) AS enc_flows,
        CAST(sum(bytes) FILTER (WHERE encryption_status = 0) AS VARCHAR) AS clear_bytes,
        CAST(count(DISTINCT vpc_id) AS VARCHAR) AS vpcs
      FROM ${summary}`);
    const [violations] = await oracle.query(`SELECT count(*) AS n FROM (SELECT DISTINCT vpc_id, interface_id, rule,
        CASE WHEN flow_direction = 'ingress' THEN srcaddr ELSE dstaddr END, protocol, port
      FROM ${parquetTable(c.tables, 'findings')} WHERE classification = 'violation')`);
    const run = JSON.parse(readFileSync(join(c.tables, 'ingest-report.json'), 'utf8')).totals;
    const page = await browser.newPage();
    await page.goto(pathToFileURL(c.html).href);
    const figures: Record<string, { value: string; text: string }> = await page.evaluate(HEADLINE_FIGURES);
    expect(figures.encrypted_bytes_pct).toEqual({
      value: String(totals!.enc_bytes),
      text: `${Number(totals!.enc_bytes).toFixed(1)} %`,
    });
    expect(figures.encrypted_flows_pct!.value).toBe(String(totals!.enc_flows));
    expect(figures.cleartext_bytes!.value).toBe(totals!.clear_bytes);
    expect(figures.cleartext_bytes!.text).toMatch(/^\d+(\.\d)? (KB|MB|GB)$/);
    expect(figures.vpcs!.value).toBe(totals!.vpcs);
    expect(figures.violations!.value).toBe(String(violations!.n));
    expect(Number(figures.violations!.value)).toBeGreaterThan(0);
    expect(figures.rejected!.value).toBe(String(run.rejected));
    expect(figures.objects!.value).toBe(String(run.accepted));
    await page.close();
  });

  it('writes a screenshot for a person to look at, on screen and as print media', async () => {
    const c = corpora[name];
    const out = join(REPO_ROOT, 'out');
    mkdirSync(out, { recursive: true });
    const png = join(out, name === 'samples' ? 'report.png' : 'report-multi-day.png');
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(pathToFileURL(c.html).href);
    await page.screenshot({ path: png, fullPage: true });
    expect(statSync(png).size).toBeGreaterThan(20_000);
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await page.close();
  });
});
