/**
 * The re-run replacement planner (functions/core/output-replacement.ts): for each situation a
 * re-run meets, which manifest is claimed before the files, which keys are stale, and what the
 * manifest says at the end. The sink executes these plans; test/e2e and test/s3
 * rerun-stale-output drive the same cases through real directories and the local S3 server.
 */
import { describe, expect, it } from 'vitest';
import {
  isOwnFile,
  manifestKey,
  manifestText,
  parseManifest,
  partFileStem,
  partKeys,
  planReplacement,
  type ReplacementRequest,
  type TableKeys,
} from '../../functions/core/output-replacement.js';

const PREFIX = 'tables/';
const STEM = 'obj-0123456789ab';
const key = (table: string, dt: string, part = 0) => `${PREFIX}${table}/dt=${dt}/${STEM}-${part}.parquet`;
const INGEST = (table: string) => table === 'summary' || table === 'unencrypted';
const ALL = () => true;
const files = (...keys: string[]) =>
  keys.map((k) => ({ table: k.slice(PREFIX.length, k.indexOf('/', PREFIX.length)), key: k }));

const S1 = key('summary', '2025-11-21');
const S2 = key('summary', '2025-11-22');
const S1b = key('summary', '2025-11-21', 1);
const U1 = key('unencrypted', '2025-11-21');
const U2 = key('unencrypted', '2025-11-22');
const F1 = key('findings', '2025-11-21');
const F2 = key('findings', '2025-11-22');

interface Case {
  readonly name: string;
  readonly previous: TableKeys;
  readonly owns: ReplacementRequest['owns'];
  readonly files: ReturnType<typeof files>;
  readonly claim: TableKeys | null;
  readonly stale: readonly string[];
  readonly final: TableKeys | 'delete' | null;
}

const cases: Case[] = [
  {
    name: 'first run: the manifest is claimed before the files and stays',
    previous: {},
    owns: INGEST,
    files: files(S1, U1),
    claim: { summary: [S1], unencrypted: [U1] },
    stale: [],
    final: null,
  },
  {
    name: 'the same run again: nothing to write in the manifest, nothing stale',
    previous: { summary: [S1], unencrypted: [U1] },
    owns: INGEST,
    files: files(S1, U1),
    claim: null,
    stale: [],
    final: null,
  },
  {
    name: 'two days, then one: the other day is stale, the manifest shrinks after the delete',
    previous: { findings: [F1, F2], summary: [S1, S2], unencrypted: [U1, U2] },
    owns: INGEST,
    files: files(S1, U1),
    claim: null,
    stale: [S2, U2],
    final: { findings: [F1, F2], summary: [S1], unencrypted: [U1] },
  },
  {
    name: 'one day, then another: old ∪ new is claimed first, the old day deleted, then only the new',
    previous: { summary: [S1] },
    owns: INGEST,
    files: files(S2),
    claim: { summary: [S1, S2] },
    stale: [S1],
    final: { summary: [S2] },
  },
  {
    name: 'more parts than before: claimed, nothing stale',
    previous: { summary: [S1] },
    owns: INGEST,
    files: files(S1, S1b),
    claim: { summary: [S1, S1b] },
    stale: [],
    final: null,
  },
  {
    name: 'no cleartext any more: unencrypted goes, findings (not owned) stay',
    previous: { findings: [F1], summary: [S1], unencrypted: [U1] },
    owns: INGEST,
    files: files(S1),
    claim: null,
    stale: [U1],
    final: { findings: [F1], summary: [S1] },
  },
  {
    name: 'findings written alone: other tables stay listed',
    previous: { findings: [F1, F2], summary: [S1] },
    owns: (t) => t === 'findings',
    files: files(F2),
    claim: null,
    stale: [F1],
    final: { findings: [F2], summary: [S1] },
  },
  {
    name: 'findings with no rows: its files go, the ingest tables stay',
    previous: { findings: [F1], summary: [S1] },
    owns: (t) => t === 'findings',
    files: [],
    claim: null,
    stale: [F1],
    final: { summary: [S1] },
  },
  {
    name: 'rejected object: every file goes, then the manifest',
    previous: { findings: [F1], summary: [S1, S2], unencrypted: [U1] },
    owns: ALL,
    files: [],
    claim: null,
    stale: [F1, S1, S2, U1],
    final: 'delete',
  },
  {
    name: 'rejected object never written before: nothing at all',
    previous: {},
    owns: ALL,
    files: [],
    claim: null,
    stale: [],
    final: null,
  },
  {
    name: "a manifest naming keys outside the object's own files: they are never deleted, and dropped from the list",
    previous: {
      summary: [
        S1,
        `${PREFIX}summary/dt=2025-11-21/other-0123456789ab-0.parquet`,
        `${PREFIX}summary/../secrets/${STEM}-0.parquet`,
        `${PREFIX}unencrypted/dt=2025-11-21/${STEM}-0.parquet`,
        `elsewhere/summary/dt=2025-11-21/${STEM}-0.parquet`,
        `${PREFIX}summary/dt=2025-11-21/${STEM}-0.json`,
      ],
    },
    owns: INGEST,
    files: files(S2),
    claim: {
      summary: [
        `${PREFIX}summary/../secrets/${STEM}-0.parquet`,
        `${PREFIX}summary/dt=2025-11-21/${STEM}-0.json`,
        `${PREFIX}summary/dt=2025-11-21/other-0123456789ab-0.parquet`,
        S1,
        S2,
        `${PREFIX}unencrypted/dt=2025-11-21/${STEM}-0.parquet`,
        `elsewhere/summary/dt=2025-11-21/${STEM}-0.parquet`,
      ].sort(),
    },
    stale: [S1],
    final: { summary: [S2] },
  },
  {
    name: 'a manifest with duplicated and unsorted keys is rewritten normalized only when the set changes',
    previous: { unencrypted: [U1, U1], summary: [S2, S1] },
    owns: INGEST,
    files: files(S1, S2, U1),
    claim: null,
    stale: [],
    final: null,
  },
];

describe('planReplacement', () => {
  it.each(cases)('$name', ({ previous, owns, files: written, claim, stale, final }) => {
    expect(planReplacement({ prefix: PREFIX, stem: STEM, previous, owns, files: written })).toEqual({
      claim,
      stale,
      final,
    });
  });

  it('never lists a key of this run as stale, whatever the manifest says', () => {
    const previous = { summary: [S1, S2], unencrypted: [U1, U2], findings: [F1] };
    for (const owns of [INGEST, ALL, (t: string) => t === 'summary']) {
      const run = files(S2, U1);
      const plan = planReplacement({ prefix: PREFIX, stem: STEM, previous, owns, files: run });
      expect(plan.stale.filter((k) => run.some((f) => f.key === k))).toEqual([]);
      // Until the deletes, the manifest (claimed or previous) lists every file that exists.
      const listed = Object.values(plan.claim ?? previous).flat();
      for (const k of [...Object.values(previous).flat(), ...run.map((f) => f.key)]) expect(listed).toContain(k);
    }
  });
});

describe('keys and manifest text', () => {
  it('numbers parts per table and day in the order asked', () => {
    const keyOf = partKeys(PREFIX, STEM);
    expect([
      keyOf('summary', '2025-11-21'),
      keyOf('summary', '2025-11-22'),
      keyOf('summary', '2025-11-21'),
      keyOf('unencrypted', '2025-11-21'),
    ]).toEqual([S1, S2, S1b, U1]);
    expect(manifestKey(PREFIX, STEM)).toBe(`tables/_manifests/${STEM}.json`);
    expect(partKeys('', STEM)('findings', '2025-11-21')).toBe(`findings/dt=2025-11-21/${STEM}-0.parquet`);
  });

  it('reads the stem back from the names partKeys gives, and from no other name', () => {
    for (const key of [S1, S2, S1b, U1]) expect(partFileStem(key.slice(key.lastIndexOf('/') + 1))).toBe(STEM);
    expect(partFileStem(`${STEM}-12.parquet`)).toBe(STEM);
    for (const name of [
      'compacted-1a2b3c4d.parquet',
      `${STEM}-0.parquet.4242.tmp`,
      `${STEM}.parquet`,
      'obj-0123456789a-0.parquet',
      `${STEM}-x.parquet`,
    ])
      expect(partFileStem(name), name).toBeUndefined();
  });

  it("keeps deletes to the object's own Parquet files in the table folder", () => {
    expect(isOwnFile(PREFIX, 'summary', STEM, S1)).toBe(true);
    expect(isOwnFile(PREFIX, 'summary', STEM, U1)).toBe(false);
    expect(isOwnFile(PREFIX, 'summary', STEM, `${PREFIX}summary/dt=x/../../${STEM}-0.parquet`)).toBe(false);
    expect(isOwnFile(PREFIX, 'summary', STEM, `${PREFIX}summary/dt=x/${STEM}x-0.parquet`)).toBe(false);
    expect(isOwnFile(PREFIX, 'summary', STEM, `${PREFIX}summary/dt=x/${STEM}-0.parquet.bak`)).toBe(false);
  });

  it('writes sorted, de-duplicated tables without empty ones, and reads them back', () => {
    const text = manifestText('s3://b/k', { unencrypted: [U1, U1], summary: [S2, S1], findings: [] });
    expect(text).toBe(
      `${JSON.stringify({ identity: 's3://b/k', tables: { summary: [S1, S2], unencrypted: [U1] } }, null, 2)}\n`,
    );
    expect(parseManifest(text)).toEqual({ summary: [S1, S2], unencrypted: [U1] });
  });

  it.each([
    ['not JSON', '{', /JSON/],
    ['null', 'null', /no "tables" of key lists/],
    ['no tables', '{"identity":"x"}', /no "tables" of key lists/],
    ['a table that is not a list', '{"tables":{"summary":"a"}}', /no "tables" of key lists/],
    ['a key that is not a string', '{"tables":{"summary":[1]}}', /no "tables" of key lists/],
  ])('refuses a manifest that is %s', (_what, text, message) => {
    expect(() => parseManifest(text)).toThrow(message);
  });
});
