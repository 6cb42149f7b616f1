/**
 * End to end: a seeded corpus of gzip flow-log objects (four formats, four S3 key layouts, two
 * UTC days, IPv6, int64 values above 2^53) goes through the real CLI; DuckDB reads the Parquet
 * back and every number is compared with the generator's own records.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowLogRecord } from '../../functions/core/line-decoder.js';
import {
  type ColumnType,
  SUMMARY_TABLE,
  stagedColumns,
  type TableSpec,
  UNENCRYPTED_TABLE,
} from '../../schemas/tables.js';
import { runCli } from '../helpers/cli.js';
import { Oracle, parquetTable } from '../helpers/duckdb.js';
import { type CorpusObject, generateCorpus, type Measures, totalsBy, writeCorpus } from '../helpers/flow-log-corpus.js';
import { tempDir } from '../helpers/sources.js';

const START = Date.UTC(2025, 10, 21, 23, 30) / 1000; // records span 23:30–00:30 UTC: two dt partitions
const corpus = generateCorpus({
  seed: 20251121,
  objects: 8,
  recordsPerObject: 600,
  startSec: START,
  spanSeconds: 3600,
  org: { vpcsPerAccount: 2, interfacesPerVpc: 60, ipv6Share: 0.25 },
  records: { noDataShare: 0.02, bigValueShare: 0.005 },
});
const WINDOW = 300;
const dir = tempDir('e2e');
const input = join(dir.path, 'in');
const out = join(dir.path, 'out');
let oracle: Oracle;

/** Every record with the object it came from: the truth the output is compared with. */
const records = corpus.objects.flatMap((object) => object.records.map((record) => ({ object, record })));
const isFlow = (r: FlowLogRecord) => r.log_status === undefined || r.log_status === null || r.log_status === 'OK';
const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

function listFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .sort();
}

/** Which address listens on the service port: the one with the lower port (a request's destination on a tie). */
function serverSide(src: unknown, dst: unknown): string | null {
  const s = typeof src === 'number' ? src : null;
  const d = typeof dst === 'number' ? dst : null;
  if (s === null && d === null) return null;
  return d === null || (s !== null && s < d) ? 'src' : 'dst';
}

/** The unencrypted table as the issue defines it, computed independently from the input records. */
function expectedUnencrypted(): string[] {
  const groups = new Map<string, Measures & { first: number; last: number }>();
  for (const { object, record: r } of records) {
    if (!isFlow(r) || r.encryption_status !== 0) continue;
    const ports = [r.srcport, r.dstport].filter((p): p is number => typeof p === 'number');
    const key = JSON.stringify([
      String(Math.floor(Number(r.start) / WINDOW) * WINDOW * 1000),
      r.account_id ?? object.accountId,
      r.region ?? object.region,
      str(r.vpc_id),
      str(r.interface_id),
      str(r.pkt_srcaddr ?? r.srcaddr),
      str(r.pkt_dstaddr ?? r.dstaddr),
      str(r.protocol),
      ports.length ? String(Math.min(...ports)) : null,
      serverSide(r.srcport, r.dstport),
      str(r.pkt_src_aws_service),
      str(r.pkt_dst_aws_service),
      str(r.traffic_path),
      str(r.flow_direction),
      str(r.action),
      str(r.reject_reason),
      str(r.interface_type),
    ]);
    const g = groups.get(key) ?? { flows: 0n, packets: 0n, bytes: 0n, first: Infinity, last: -Infinity };
    g.flows += 1n;
    g.packets += BigInt(r.packets ?? 0);
    g.bytes += BigInt(r.bytes ?? 0);
    g.first = Math.min(g.first, Number(r.start));
    g.last = Math.max(g.last, Number(r.end ?? r.start));
    groups.set(key, g);
  }
  return [...groups]
    .map(([key, g]) =>
      JSON.stringify([
        ...JSON.parse(key),
        String(g.flows),
        String(g.packets),
        String(g.bytes),
        String(g.first * 1000),
        String(g.last * 1000),
      ]),
    )
    .sort();
}

async function actualUnencrypted(): Promise<string[]> {
  const rows =
    await oracle.query(`SELECT CAST(epoch_ms(window_start) AS VARCHAR), account_id, region, vpc_id, interface_id,
      srcaddr, dstaddr, CAST(protocol AS VARCHAR), CAST(port AS VARCHAR), server_side, pkt_src_aws_service, pkt_dst_aws_service,
      CAST(traffic_path AS VARCHAR), flow_direction, action, reject_reason, interface_type, CAST(flows AS VARCHAR),
      CAST(packets AS VARCHAR), CAST(bytes AS VARCHAR), CAST(epoch_ms(first_seen) AS VARCHAR), CAST(epoch_ms(last_seen) AS VARCHAR)
    FROM ${parquetTable(out, 'unencrypted')}`);
  return rows.map((r) => JSON.stringify(Object.values(r).map(str))).sort();
}

async function sumsByVpcAndStatus(): Promise<Map<string, Measures>> {
  const rows = await oracle.query(`SELECT vpc_id, encryption_status, sum(flows) AS flows, sum(packets) AS packets,
    sum(bytes) AS bytes FROM ${parquetTable(out, 'summary')} GROUP BY ALL`);
  return new Map(
    rows.map((r) => [
      `${str(r.vpc_id)}|${str(r.encryption_status)}`,
      { flows: BigInt(String(r.flows)), packets: BigInt(String(r.packets)), bytes: BigInt(String(r.bytes)) },
    ]),
  );
}

beforeAll(async () => {
  writeCorpus(input, corpus);
  oracle = await Oracle.open();
  await oracle.query("SET TimeZone = 'UTC'");
});
afterAll(() => {
  oracle?.close();
  dir.remove();
});

describe('ingest of a generated corpus, read back with DuckDB', () => {
  let firstRun: { files: string[]; sums: Map<string, Measures> };

  it('the corpus has what the test claims: formats, layouts, two days, IPv6, int64 > 2^53, NODATA', () => {
    const layouts = new Set(corpus.objects.map((o) => o.format.layout));
    expect([...layouts].sort()).toEqual(['hive', 'hive-hourly', 'plain', 'plain-hourly']);
    const flat = records.map((x) => x.record);
    expect(flat.length).toBe(4800);
    expect(new Set(flat.map((r) => r.interface_id)).size).toBeGreaterThan(200);
    expect(new Set(flat.map((r) => new Date(Number(r.start) * 1000).toISOString().slice(0, 10)))).toEqual(
      new Set(['2025-11-21', '2025-11-22']),
    );
    expect(flat.some((r) => String(r.srcaddr).includes(':'))).toBe(true);
    expect(flat.filter((r) => typeof r.bytes === 'bigint').length).toBeGreaterThan(5);
    expect(flat.some((r) => r.log_status === 'NODATA') && flat.some((r) => r.log_status === 'SKIPDATA')).toBe(true);
  });

  it('ingests every object (exit 0) and reports the records it read', async () => {
    const result = await runCli(['ingest', input, '--out', out, '--quiet']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('ciphertrail ingest: 8 objects (8 accepted, 0 rejected)');
    const report = JSON.parse(readFileSync(join(out, 'ingest-report.json'), 'utf8'));
    const flat = records.map((x) => x.record);
    expect(report.totals).toMatchObject({
      objects: 8,
      accepted: 8,
      rejected: 0,
      lines: 4808,
      records: 4800,
      malformed: 0,
      cleartextRecords: flat.filter((r) => isFlow(r) && r.encryption_status === 0).length,
      noDataRecords: flat.filter((r) => r.log_status === 'NODATA').length,
      skipDataRecords: flat.filter((r) => r.log_status === 'SKIPDATA').length,
    });
    firstRun = { files: listFiles(out), sums: await sumsByVpcAndStatus() };
  });

  it('sums of flows, packets and bytes per VPC and status equal the generator totals, exactly', () => {
    const expected = totalsBy(
      records.map((x) => x.record),
      (r) => `${str(r.vpc_id)}|${str(r.encryption_status)}`,
    );
    expect(firstRun.sums).toEqual(expected);
    // The default-format objects have neither vpc-id nor encryption-status: their flows land in null|null.
    expect(expected.get('null|null')!.flows).toBeGreaterThan(0n);
    expect([...expected.values()].some((m) => m.bytes > 2n ** 53n)).toBe(true);
  });

  it('each summary file holds one row per grain key, and sums per ENI and window match the input', async () => {
    // Several objects cover the same window (AWS writes several files per 5 minutes): a grain key is
    // unique within the files of one object, and queries sum across objects.
    const glob = `${out}/summary/**/*.parquet`;
    const dup = await oracle.query(`SELECT count(*) AS n FROM (SELECT 1 FROM read_parquet('${glob}', filename = true)
      GROUP BY filename, ${SUMMARY_TABLE.keyColumns.join(', ')} HAVING count(*) > 1)`);
    expect(Number(dup[0]!.n)).toBe(0);
    const rows =
      await oracle.query(`SELECT interface_id, CAST(epoch_ms(window_start) AS VARCHAR) AS w, sum(flows) AS flows,
      sum(packets) AS packets, sum(bytes) AS bytes FROM ${parquetTable(out, 'summary')} GROUP BY ALL`);
    const actual = new Map(
      rows.map((r) => [
        `${r.interface_id}|${r.w}`,
        { flows: BigInt(String(r.flows)), packets: BigInt(String(r.packets)), bytes: BigInt(String(r.bytes)) },
      ]),
    );
    const expected = totalsBy(
      records.map((x) => x.record),
      (r) => `${r.interface_id}|${Math.floor(Number(r.start) / WINDOW) * WINDOW * 1000}`,
    );
    expect(actual).toEqual(expected);
  });

  it('the unencrypted table equals the status-0 input at its grain (pkt-*addr, lower port, server side)', async () => {
    const expected = expectedUnencrypted();
    expect(expected.length).toBeGreaterThan(500);
    expect(await actualUnencrypted()).toEqual(expected);
  });

  it('partitions by the UTC day of window_start', async () => {
    const rows =
      await oracle.query(`SELECT DISTINCT CAST(dt AS VARCHAR) AS dt, strftime(window_start, '%Y-%m-%d') = CAST(dt AS VARCHAR) AS same
      FROM ${parquetTable(out, 'summary')} ORDER BY 1`);
    expect(rows).toEqual([
      { dt: '2025-11-21', same: true },
      { dt: '2025-11-22', same: true },
    ]);
    expect(
      firstRun.files
        .filter((f) => f.endsWith('.parquet'))
        .every((f) => /^(summary|unencrypted)\/dt=\d{4}-\d{2}-\d{2}\/[^/]+\.parquet$/.test(f)),
    ).toBe(true);
  });

  it.each([SUMMARY_TABLE, UNENCRYPTED_TABLE] as TableSpec[])(
    '$name has the exact columns and types of schemas/tables.ts',
    async (spec) => {
      const duckType: Record<ColumnType, string> = {
        string: 'VARCHAR',
        int32: 'INTEGER',
        int64: 'BIGINT',
        timestamp: 'TIMESTAMP WITH TIME ZONE',
      };
      const glob = `${out}/${spec.name}/**/*.parquet`;
      const columns = await oracle.query(`DESCRIBE SELECT * FROM read_parquet('${glob}', hive_partitioning = false)`);
      expect(columns.map((c) => [c.column_name, c.column_type])).toEqual(
        stagedColumns(spec).map((c) => [c.name, duckType[c.type]]),
      );
      // GZIP from 256 rows up; smaller files are UNCOMPRESSED (zlib costs more than it saves there).
      const physical = await oracle.query(`SELECT DISTINCT compression, row_group_num_rows >= 256 AS large,
          path_in_schema IN ('bytes', 'window_start') AND stats_min_value IS NULL AS missing_stats
        FROM parquet_metadata('${glob}') ORDER BY large`);
      expect(physical.length).toBeGreaterThan(0);
      for (const r of physical) {
        expect(r).toEqual({ compression: r.large ? 'GZIP' : 'UNCOMPRESSED', large: r.large, missing_stats: false });
      }
      if (spec.name === 'summary') expect(physical.some((r) => r.large)).toBe(true);
    },
  );

  it('re-running on the same input overwrites: same files, same sums, no double counts', async () => {
    const again = await runCli(['ingest', input, '--out', out, '--quiet']);
    expect(again.code).toBe(0);
    expect(listFiles(out)).toEqual(firstRun.files);
    expect(await sumsByVpcAndStatus()).toEqual(firstRun.sums);
  });
});

describe('a run with a corrupt object', () => {
  it('exits 1, names the object, and writes the other objects only', async () => {
    const mixed = join(dir.path, 'mixed');
    const [good, bad] = corpus.objects as [CorpusObject, CorpusObject];
    const [goodPath, badPath] = writeCorpus(mixed, { objects: [good, bad] });
    writeFileSync(badPath!, readFileSync(badPath!).subarray(0, 900));
    const target = join(dir.path, 'mixed-out');
    const result = await runCli(['ingest', mixed, '--out', target, '--quiet']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('2 objects (1 accepted, 1 rejected)');
    expect(result.stdout).toMatch(
      new RegExp(
        `REJECTED {5}${badPath!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: corrupt gzip: unexpected end of file within the first [\\d,]+ compressed bytes`,
      ),
    );
    const written = listFiles(target).filter((f) => f.endsWith('.parquet'));
    expect(written.length).toBeGreaterThan(0);
    expect(written.every((f) => f.includes(`_${good.flowLogId}_`))).toBe(true);
    expect(goodPath).toContain(good.flowLogId);
  });
});
