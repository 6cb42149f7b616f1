import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { listLocalObjects } from '../../functions/adapters/local-files.js';
import { ingestObject } from '../../functions/core/ingest-object.js';
import type { ObjectOutput, OutputSink } from '../../functions/core/ports.js';
import { REALISTIC_CORPUS, STRESS_CORPUS, writeBenchObject } from './corpus.js';

// The bench corpora are written by the bench only; this checks their shape on a small object.
const dir = mkdtempSync(join(tmpdir(), 'ciphertrail-bench-corpus-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const nullSink: OutputSink = {
  begin: (): ObjectOutput => ({ add: () => undefined, commit: async () => [], abort: () => undefined }),
};

async function sample(profile: 'realistic' | 'stress') {
  const base = (profile === 'realistic' ? REALISTIC_CORPUS : STRESS_CORPUS)[0]!;
  const spec = { ...base, records: 4000, interfaces: 40 };
  const object = await writeBenchObject(join(dir, profile), spec);
  const [header, ...lines] = gunzipSync(readFileSync(object.path)).toString('latin1').trimEnd().split('\n');
  const names = header!.split(' ');
  const rows = lines.map((line) => Object.fromEntries(line.split(' ').map((v, i) => [names[i]!, v])));
  return { spec, object, rows };
}

describe('bench corpus', () => {
  it('realistic: records end in one 5-minute delivery period, start at most 10 minutes earlier', async () => {
    const { spec, rows } = await sample('realistic');
    expect(rows).toHaveLength(4000);
    for (const r of rows) {
      const start = Number(r.start);
      const end = Number(r.end);
      expect(end).toBeGreaterThanOrEqual(spec.startSec);
      expect(end).toBeLessThan(spec.startSec + 300);
      expect(end - start).toBeGreaterThanOrEqual(0);
      expect(end - start).toBeLessThanOrEqual(600);
    }
  });

  it('realistic: ENIs talk to bounded peer sets, far fewer conversations than the stress profile', async () => {
    const conversations = (rows: Record<string, string>[]) =>
      new Set(
        rows
          .filter((r) => r['log-status'] === 'OK')
          .map((r) =>
            [r['interface-id'], r.srcaddr, r.dstaddr, r.protocol, Math.min(Number(r.srcport), Number(r.dstport))].join(
              '|',
            ),
          ),
      ).size;
    const realistic = conversations((await sample('realistic')).rows);
    const stress = conversations((await sample('stress')).rows);
    expect(realistic).toBeLessThan(stress / 2);
  });

  it('realistic: every line is a valid v10 record for ciphertrail', async () => {
    const { object } = await sample('realistic');
    const [source] = await listLocalObjects([object.path]);
    const report = await ingestObject(source!, { sink: nullSink });
    expect(report.status).toBe('accepted');
    expect(report.parse!.records).toBe(4000);
    expect(report.parse!.malformed).toBe(0);
    expect(report.parse!.cleartextRecords).toBeGreaterThan(0);
  });
});
