/**
 * Many small objects (issue 10, point 11): what most of a real bucket holds. 500 flow logs, one
 * per VPC (50 accounts × 10 VPCs, 3 regions, 6 ENIs each), each delivering one object per
 * 5-minute period; object `i` is flow log `i % 500`, period `⌊i / 500⌋` (50,000 objects: 100
 * periods, 01:00 to 09:20 of one day). Each object holds 1–100 records (skewed: median ~13, mean ~25)
 * of its VPC's ENIs from the realistic traffic model of `corpus.ts`, in the v10 format with a
 * header line, gzip, under AWS key names. Objects are generated in order from one seed, so the
 * first n of a larger set are the n-object set.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  createOrg,
  formatLine,
  formatVersion,
  type Interface,
  objectKey,
  randomInt,
  seededRandom,
} from '../helpers/flow-log-corpus.js';
import { realisticTraffic, V10 } from './corpus.js';

export interface SmallObjects {
  readonly dir: string;
  readonly objects: number;
  readonly records: number;
  readonly textBytes: number;
  readonly gzipBytes: number;
}

const FLOW_LOGS = 500;
const T0 = 1763686800; // 2025-11-21T01:00:00Z: the first records start up to 10 minutes earlier, still the same day
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];

/** Writes `objects` small objects under `dir` once (a manifest beside it remembers them). */
export function ensureSmallObjects(dir: string, objects: number, log: (line: string) => void): SmallObjects {
  const manifest = `${dir}.json`;
  const spec = JSON.stringify({ objects, seed: 11, version: 1 });
  if (existsSync(manifest)) {
    const saved = JSON.parse(readFileSync(manifest, 'utf8')) as { spec: string; set: SmallObjects };
    if (saved.spec === spec && existsSync(dir)) return saved.set;
  }
  rmSync(dir, { recursive: true, force: true });
  const started = Date.now();
  const random = seededRandom(11);
  const accounts = Array.from({ length: 50 }, (_, a) => ({
    accountId: String(100000000000 + a * 7919),
    region: REGIONS[a % 3]!,
  }));
  const org = createOrg(random, { accounts, vpcsPerAccount: 10, interfacesPerVpc: 6 });
  const byVpc = new Map<string, Interface[]>();
  for (const eni of org.interfaces) byVpc.set(eni.vpcId, [...(byVpc.get(eni.vpcId) ?? []), eni]);
  const vpcs = [...byVpc.values()];
  const traffic = realisticTraffic(random);
  const fields = V10.fields;
  const version = formatVersion(fields);
  let records = 0;
  let textBytes = 0;
  let gzipBytes = 0;
  for (let i = 0; i < objects; i++) {
    const enis = vpcs[i % FLOW_LOGS]!;
    const period = T0 + 300 * Math.floor(i / FLOW_LOGS);
    const { accountId, region } = enis[0]!;
    const count = 1 + Math.floor(random() ** 3 * 100);
    let text = `${fields.join(' ')}\n`;
    for (let n = 0; n < count; n++) {
      // As in the realistic corpus: the record ends in the delivery period, starts up to 10 minutes earlier.
      const end = period + Math.floor(random() * 300);
      const start = end - (random() < 0.8 ? randomInt(random, 0, 60) : randomInt(random, 0, 600));
      text += `${formatLine({ ...traffic(enis[Math.floor(random() * enis.length)]!, start, end), version }, fields)}\n`;
    }
    const flowLogId = `fl-0c${(i % FLOW_LOGS).toString(16).padStart(15, '0')}`;
    const path = join(
      dir,
      objectKey(V10, accountId, region, flowLogId, period * 1000, i.toString(16).padStart(8, '0')),
    );
    mkdirSync(dirname(path), { recursive: true });
    const gzip = gzipSync(text);
    writeFileSync(path, gzip);
    records += count;
    textBytes += text.length;
    gzipBytes += gzip.length;
  }
  const set: SmallObjects = { dir, objects, records, textBytes, gzipBytes };
  writeFileSync(manifest, JSON.stringify({ spec, set }, null, 2));
  log(
    `  generated ${objects.toLocaleString('en-US')} small objects in ${dir}: ${records.toLocaleString('en-US')} records, ` +
      `${(textBytes / 1e6).toFixed(1)} MB text, ${(gzipBytes / 1e6).toFixed(1)} MB gzip (${((Date.now() - started) / 1000).toFixed(0)} s)`,
  );
  return set;
}
