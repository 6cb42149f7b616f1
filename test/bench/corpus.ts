/**
 * The benchmark corpus, written under `.bench/` (git-ignored, never committed). Records come from
 * the test suite's seeded generator (`test/helpers/flow-log-corpus.ts`: realistic ports, status,
 * NAT, IPv6, NODATA), one line at a time through a gzip stream, so a 2 GB object never sits in
 * memory. Same seed, same bytes.
 */
import { createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { createGzip } from 'node:zlib';
import type { FlowLogRecord } from '../../functions/core/line-decoder.js';
import {
  CORPUS_FORMATS, createOrg, formatLine, formatVersion, objectKey, pick, randomRecord, seededRandom,
} from '../helpers/flow-log-corpus.js';

/** The v10 custom format with encryption-status (25 fields, ~230 bytes a line). */
export const V10 = CORPUS_FORMATS[0]!;

export interface BenchObjectSpec {
  readonly records: number;
  readonly seed: number;
  readonly accountId: string;
  readonly region: string;
  /** Epoch seconds of the object's first record; records spread over `spanSeconds`. */
  readonly startSec: number;
  readonly spanSeconds: number;
  /** Interfaces of the object's account (thousands across the corpus). */
  readonly interfaces: number;
  /**
   * Draw records from a pool of this many generated records, each re-timed within the span (the
   * generator makes ~30k records/s; a pool makes multi-GB objects in reasonable time).
   */
  readonly pool?: number;
}

export interface BenchObject {
  readonly path: string;
  readonly records: number;
  readonly textBytes: number;
  readonly gzipBytes: number;
}

/** Writes one gzip object of `records` v10 records plus its header line under `root`. */
export async function writeBenchObject(root: string, spec: BenchObjectSpec): Promise<BenchObject> {
  const random = seededRandom(spec.seed);
  const vpcs = 4;
  const org = createOrg(random, {
    accounts: [{ accountId: spec.accountId, region: spec.region }], vpcsPerAccount: vpcs,
    interfacesPerVpc: Math.ceil(spec.interfaces / vpcs),
  });
  const enis = org.interfaces;
  const fields = V10.fields;
  const version = formatVersion(fields);
  const key = objectKey(V10, spec.accountId, spec.region, `fl-0b${spec.seed.toString(16).padStart(15, '0')}`,
    spec.startSec * 1000, spec.seed.toString(16).padStart(8, '0'));
  const path = join(root, key);
  await mkdir(dirname(path), { recursive: true });
  const gzip = createGzip({ level: 6, chunkSize: 1 << 20 });
  const file = createWriteStream(path);
  gzip.pipe(file);
  let gzipBytes = 0;
  gzip.on('data', (chunk: Buffer) => (gzipBytes += chunk.length));
  let textBytes = 0;
  const write = async (text: string) => {
    textBytes += text.length;
    if (!gzip.write(text, 'latin1')) await once(gzip, 'drain');
  };
  // Busy interfaces talk more: a skewed pick, as in real fleets.
  const record = (start: number): FlowLogRecord => {
    const eni = random() < 0.5 ? enis[Math.floor(random() ** 3 * enis.length)]! : pick(random, enis);
    return { ...randomRecord(random, eni, start), version };
  };
  const pool = Array.from({ length: spec.pool ?? 0 }, () => record(spec.startSec));
  let batch = fields.join(' ') + '\n';
  for (let n = 0; n < spec.records; n++) {
    const start = spec.startSec + Math.floor(random() * spec.spanSeconds);
    const r = pool.length > 0 ? pick(random, pool) : record(start);
    if (pool.length > 0) {
      const duration = Number(r.end) - Number(r.start);
      batch += formatLine({ ...r, start, end: start + duration }, fields) + '\n';
    } else {
      batch += formatLine(r, fields) + '\n';
    }
    if (batch.length > 1 << 16) {
      await write(batch);
      batch = '';
    }
  }
  await write(batch);
  gzip.end();
  await once(file, 'close');
  return { path, records: spec.records, textBytes, gzipBytes };
}

/**
 * Writes the objects of a corpus once under `root` and remembers them in `<root>.json`; later runs
 * reuse the files when the specs are unchanged.
 */
export async function ensureCorpus(root: string, specs: readonly BenchObjectSpec[],
  log: (line: string) => void = () => undefined): Promise<BenchObject[]> {
  const manifest = `${root}.json`;
  const wanted = JSON.stringify(specs);
  if (existsSync(manifest)) {
    const saved = JSON.parse(readFileSync(manifest, 'utf8')) as { specs: string; objects: BenchObject[] };
    if (saved.specs === wanted && saved.objects.every((o) => existsSync(o.path))) return saved.objects;
  }
  const objects: BenchObject[] = [];
  for (const spec of specs) {
    const started = Date.now();
    const object = await writeBenchObject(root, spec);
    log(`  generated ${object.path}: ${spec.records.toLocaleString('en-US')} records, ` +
      `${(object.textBytes / 1e6).toFixed(0)} MB text, ${(object.gzipBytes / 1e6).toFixed(0)} MB gzip ` +
      `(${((Date.now() - started) / 1000).toFixed(1)} s)`);
    objects.push(object);
  }
  writeFileSync(manifest, JSON.stringify({ specs: wanted, objects }, null, 2));
  return objects;
}

const T0 = 1763719200; // 2025-11-21T10:00:00Z

/** The main corpus: 8 objects × 250k records (2M) from 8 accounts × 1,000 interfaces, 10 minutes each. */
export const MAIN_CORPUS: readonly BenchObjectSpec[] = Array.from({ length: 8 }, (_, i) => ({
  records: 250_000, seed: 1000 + i, accountId: String(111111111111 * ((i % 8) + 1)).padStart(12, '0'),
  region: ['us-east-1', 'eu-west-1'][i % 2]!, startSec: T0 + 300 * i, spanSeconds: 600, interfaces: 1000,
}));

/** One object of about `megabytes` MB of text (~231 bytes a record), spread over an hour. */
export const bigObject = (megabytes: number): BenchObjectSpec => ({
  records: Math.round((megabytes * 1e6) / 231), seed: 7000 + megabytes, accountId: '999999999999', region: 'us-east-1',
  startSec: T0, spanSeconds: 3600, interfaces: 4000, pool: 400_000,
});
