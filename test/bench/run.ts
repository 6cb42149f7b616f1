/**
 * `npm run bench`: ciphertrail against the bare gunzip + split ceiling and against DuckDB on the
 * same gzip files, one core each (`taskset -c 0`: zlib inflates on the libuv pool, so without
 * pinning it would run on the second core), in one run, with the ratios printed. Then memory on
 * one 500 MB and one 2 GB object, and 1 → 2 core scaling of a multi-object run.
 *
 * Two corpora, each measured in full (ceiling, parse, ingest, DuckDB, same run): `realistic` (the
 * primary benchmark: delivery-period objects, bounded per-ENI peers) and `stress` (a random peer
 * per record, ~0.5 output rows a record). See `corpus.ts`.
 *
 * Then the peers (issue 11): the CLI as a user starts it against DuckDB, Polars and ClickHouse
 * (chdb) on one and two cores, whole processes (peers.ts).
 *
 * Options: --runs <n> (repeats per step, median reported; default 3), --no-big (skip the 500 MB
 * and 2 GB objects), --corpus realistic|stress (one corpus only), --scaling-only, --quick (one
 * run, no big objects), --core <n> (the core single-core steps are pinned to; default 0).
 * Focused steps (each runs only itself; they combine):
 *   --peers                install Polars and chdb into .bench/peers/ if missing, run the peers step
 *   --small-objects [N]    ingest and report over N small objects and N/10, ingest over 2N (default 50,000)
 *   --commit-scale [N]     stage N small objects, commit them (local Athena), compact and report (default 10,000)
 *   --fuzz [N]             the kernel against the reference for N cases (default 100,000);
 *                          --fuzz-seed S --fuzz-path P replays a counterexample
 * Data and results live in `.bench/` (git-ignored). Results: `.bench/results.json`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildDist } from '../../scripts/build.js';
import { commitScaleStep } from './commit-scale.js';
import {
  type BenchObject,
  type BenchObjectSpec,
  bigObject,
  ensureCorpus,
  PEERS_CORPUS,
  REALISTIC_CORPUS,
  STRESS_CORPUS,
} from './corpus.js';
import { fuzzStep } from './fuzz.js';
import { BENCH, build, hasTaskset, log, type Measure, median, task } from './harness.js';
import { installPeers, peersStep } from './peers.js';
import { smallObjectsStep } from './small-objects.js';

/** `--small-objects` and `--fuzz` take an optional count (`--fuzz`, `--fuzz 5000`, `--fuzz=5000`). */
const COUNTED = new Map([
  ['--small-objects', 50_000],
  ['--fuzz', 100_000],
  ['--commit-scale', 10_000],
]);
function withCounts(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!COUNTED.has(arg)) out.push(arg);
    else if (/^\d+$/.test(argv[i + 1] ?? '')) out.push(`${arg}=${argv[++i]}`);
    else out.push(`${arg}=${COUNTED.get(arg)}`);
  }
  return out;
}

const { values: opts } = parseArgs({
  args: withCounts(process.argv.slice(2)),
  options: {
    runs: { type: 'string', default: '3' },
    'no-big': { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    'scaling-only': { type: 'boolean', default: false },
    corpus: { type: 'string' },
    core: { type: 'string', default: '0' },
    peers: { type: 'boolean', default: false },
    'small-objects': { type: 'string' },
    'commit-scale': { type: 'string' },
    fuzz: { type: 'string' },
    'fuzz-seed': { type: 'string' },
    'fuzz-path': { type: 'string' },
  },
});
/** The core every single-core step runs on. */
const CORE = String(Number(opts.core));
const RUNS = opts.quick ? 1 : Number(opts.runs);
const BIG = !opts['no-big'] && !opts.quick;
/** `--peers`, `--small-objects` and `--fuzz` run only the steps they name. */
// The CLI steps start the built bin and the --jobs steps its built worker: build first, so a run never measures a stale dist/.
await buildDist({ quiet: true });
const FOCUSED =
  opts.peers || opts['small-objects'] !== undefined || opts.fuzz !== undefined || opts['commit-scale'] !== undefined;

/** `RUNS` repetitions; every numeric field is the median over the runs. */
function repeat(label: string, cpuList: string, script: string, args: readonly string[], tsx = false): Measure {
  const runs: Measure[] = [];
  for (let r = 0; r < RUNS; r++) runs.push(task(cpuList, script, args, tsx));
  const out = { ...runs[0]! };
  for (const key of Object.keys(out)) out[key] = median(runs.map((m) => m[key]!));
  log(
    `  ${label.padEnd(34)} ${(out.ms / 1000).toFixed(2).padStart(6)} s wall  ${(out.cpuMs / 1000).toFixed(2).padStart(6)} s cpu  ` +
      `${out.maxRssMb.toFixed(0).padStart(5)} MB RSS   (runs: ${runs.map((m) => (m.ms / 1000).toFixed(2)).join(', ')})`,
  );
  return out;
}

const rate = (records: number, ms: number) => (records * 1000) / ms;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const mb = (bytes: number) => bytes / 1e6;

async function main(): Promise<number> {
  mkdirSync(BENCH, { recursive: true });
  const cpuModel = cpus()[0]?.model ?? 'unknown';
  log(
    `ciphertrail bench: node ${process.version}, ${cpus().length} × ${cpuModel}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  if (!hasTaskset) log('  WARNING: taskset not found: runs are not pinned to one core');
  if (loadavg()[0]! > cpus().length * 0.5) log('  WARNING: the machine is busy; compare ratios, not absolute figures');
  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    argv: process.argv.slice(2),
    node: process.version,
    cpu: cpuModel,
    cores: cpus().length,
    loadavg: loadavg(),
  };
  if (!FOCUSED) await classicSteps(results);
  if (!FOCUSED || opts.peers) {
    if (opts.peers) installPeers();
    const objects = await ensureCorpus(join(BENCH, 'corpus/peers'), PEERS_CORPUS, log);
    results.peers = await peersStep(
      {
        dir: join(BENCH, 'corpus/peers'),
        files: objects.map((o) => o.path),
        records: objects.reduce((n, o) => n + o.records, 0),
        textBytes: objects.reduce((n, o) => n + o.textBytes, 0),
      },
      RUNS,
      CORE,
    );
  }
  if (opts['small-objects'] !== undefined) results.smallObjects = smallObjectsStep(Number(opts['small-objects']), CORE);
  if (opts['commit-scale'] !== undefined) results.commitScale = await commitScaleStep(Number(opts['commit-scale']));
  let exitCode = 0;
  if (opts.fuzz !== undefined) {
    const fuzz = fuzzStep(Number(opts.fuzz), CORE, opts['fuzz-seed'], opts['fuzz-path']);
    results.fuzz = fuzz;
    if (fuzz.failed) exitCode = 1;
  }
  writeFileSync(join(BENCH, 'results.json'), JSON.stringify(results, null, 2));
  log(`\nresults: ${join(BENCH, 'results.json')}`);
  return exitCode;
}

/** The steps of issue 6: ceiling, parse, ingest and DuckDB per corpus, sizing, scaling, big objects. */
async function classicSteps(results: Record<string, unknown>): Promise<void> {
  log('corpora (generated once into .bench/, seeded):');
  const corpora: Corpus[] = [];
  for (const [name, specs] of [
    ['realistic', REALISTIC_CORPUS],
    ['stress', STRESS_CORPUS],
  ] as const) {
    if (opts.corpus !== undefined && opts.corpus !== name) continue;
    const dir = join(BENCH, `corpus/${name}`);
    const objects = await ensureCorpus(dir, specs as readonly BenchObjectSpec[], log);
    const corpus = {
      name,
      dir,
      files: objects.map((o) => o.path),
      records: objects.reduce((n, o) => n + o.records, 0),
      textBytes: objects.reduce((n, o) => n + o.textBytes, 0),
      gzipBytes: objects.reduce((n, o) => n + o.gzipBytes, 0),
    };
    log(
      `  ${name}: ${objects.length} objects, ${fmt(corpus.records)} records, ${mb(corpus.textBytes).toFixed(0)} MB text, ` +
        `${mb(corpus.gzipBytes).toFixed(0)} MB gzip`,
    );
    corpora.push(corpus);
  }
  if (!opts['scaling-only']) {
    const outcomes: Outcome[] = [];
    for (const corpus of corpora) {
      const outcome = oneCore(corpus);
      outcomes.push(outcome);
      results[corpus.name] = outcome;
    }
    log(`\nsummary (one core, median of ${RUNS}; each ratio against DuckDB in the same run):`);
    log(
      '  corpus       ingest rec/s   DuckDB rec/s   vs DuckDB   parse rec/s   summary rows   unencrypted rows   ingest RSS',
    );
    for (const { corpus, ingest, duck, parse } of outcomes) {
      log(
        `  ${corpus.name.padEnd(10)} ${fmt(rate(corpus.records, ingest.ms)).padStart(14)} ${fmt(rate(corpus.records, duck.ms)).padStart(14)}` +
          `   ${(duck.ms / ingest.ms).toFixed(2).padStart(8)}× ${fmt(rate(corpus.records, parse.ms)).padStart(13)}` +
          ` ${fmt(ingest.summaryRows!).padStart(14)} ${fmt(ingest.unencryptedRows!).padStart(18)} ${ingest.maxRssMb.toFixed(0).padStart(9)} MB`,
      );
    }
    for (const { corpus, ingest, duck } of outcomes) {
      const table = sizing(
        rate(corpus.records, ingest.ms),
        rate(corpus.records, duck.ms),
        corpus.textBytes / corpus.records,
      );
      log(`\n${corpus.name} corpus: ${table}`);
      (results[corpus.name] as Outcome & { sizing?: string }).sizing = table;
    }
  }

  const scaled = corpora[0];
  if (scaled) {
    log(`\nmulti-object scaling (full ingest of the ${scaled.name} corpus):`);
    const one = repeat(
      `--jobs 1 on 1 core (taskset -c ${CORE})`,
      CORE,
      'ingest.ts',
      ['--out', join(BENCH, 'out/jobs1'), '--jobs', '1', scaled.dir],
      true,
    );
    const two = repeat(
      '--jobs 2 on 2 cores (taskset -c 0,1)',
      '0,1',
      'ingest.ts',
      ['--out', join(BENCH, 'out/jobs2'), '--jobs', '2', scaled.dir],
      true,
    );
    const identical = sameTree(join(BENCH, 'out/jobs1'), join(BENCH, 'out/jobs2'));
    const ideal = idealSplit(scaled.files);
    log(`  speedup ${(one.ms / two.ms).toFixed(2)}× on 2 cores; Parquet output identical: ${identical}`);
    log(
      `  what this machine allows: one process ${(ideal.oneMs / 1000).toFixed(2)} s, two independent processes with half ` +
        `the objects each on cores 0 and 1 ${(ideal.twoMs / 1000).toFixed(2)} s: ${(ideal.oneMs / ideal.twoMs).toFixed(2)}× ` +
        `(median of ${RUNS}); --jobs 2 reaches ${((one.ms / two.ms / (ideal.oneMs / ideal.twoMs)) * 100).toFixed(0)} % of it`,
    );
    Object.assign(results, {
      scalingCorpus: scaled.name,
      jobs1: one,
      jobs2: two,
      speedup: one.ms / two.ms,
      identical,
      idealSpeedup: ideal.oneMs / ideal.twoMs,
    });
  }

  if (BIG && !opts['scaling-only']) {
    log('\nmemory: one object, full ingest on one core:');
    for (const size of [500, 2000]) {
      const [object] = (await ensureCorpus(join(BENCH, `corpus/big-${size}`), [bigObject(size)], log)) as [BenchObject];
      const m = task(CORE, 'ingest.ts', ['--out', join(BENCH, `out/big-${size}`), '--jobs', '1', object.path]);
      log(
        `  ${(mb(object.textBytes) / 1000).toFixed(2)} GB text (${fmt(object.records)} records): peak RSS ${m.maxRssMb.toFixed(0)} MB, ` +
          `${fmt(rate(object.records, m.ms))} records/s, summary ${fmt(m.summaryRows!)} + unencrypted ${fmt(m.unencryptedRows!)} rows   target < 256 MB`,
      );
      results[`big${size}`] = { ...m, textBytes: object.textBytes, records: object.records };
    }
  }
}

interface Corpus {
  readonly name: string;
  readonly dir: string;
  readonly files: readonly string[];
  readonly records: number;
  readonly textBytes: number;
  readonly gzipBytes: number;
}

interface Outcome {
  readonly corpus: Corpus;
  readonly ceiling: Measure;
  readonly parse: Measure;
  readonly ingest: Measure;
  readonly duck: Measure;
  readonly ratioWall: number;
  readonly ratioCpu: number;
}

/** Ceiling, parse + aggregate, full ingest and DuckDB on one corpus, one pinned core. */
function oneCore(corpus: Corpus): Outcome {
  const { name, files, records, textBytes } = corpus;
  log(`\n${name} corpus, one core (taskset -c ${CORE}), median of ${RUNS}:`);
  const ceilingBytes = repeat('gunzip + split (bytes)', CORE, 'gunzip-split.ts', ['bytes', ...files]);
  const ceilingText = repeat('gunzip + latin1 + split (strings)', CORE, 'gunzip-split.ts', ['latin1', ...files]);
  const ceiling = ceilingBytes.ms <= ceilingText.ms ? ceilingBytes : ceilingText;
  const parse = repeat('ciphertrail parse + aggregate', CORE, 'parse-aggregate.ts', files);
  const ingest = repeat('ciphertrail full ingest (Parquet)', CORE, 'ingest.ts', [
    '--out',
    join(BENCH, `out/ingest-${name}`),
    '--jobs',
    '1',
    corpus.dir,
  ]);
  const duck1 = (mode: string) => [
    '--out',
    join(BENCH, 'out/duckdb'),
    '--threads',
    '1',
    '--mode',
    mode,
    '--count',
    ...files,
  ];
  const duckA = repeat('DuckDB 1 thread, materialize', CORE, 'duckdb-rollup.ts', duck1('materialize'));
  const duckB = repeat('DuckDB 1 thread, scan twice', CORE, 'duckdb-rollup.ts', duck1('scan-twice'));
  const duck = duckA.ms <= duckB.ms ? duckA : duckB;
  if (ingest.summaryRows !== duck.summaryRows || ingest.unencryptedRows !== duck.unencryptedRows) {
    log(
      `  WARNING: row counts differ: ciphertrail ${ingest.summaryRows}/${ingest.unencryptedRows}, DuckDB ${duck.summaryRows}/${duck.unencryptedRows}`,
    );
  }
  log('\n  step                               records/s   MB/s text   vs ceiling   peak RSS');
  const row = (label: string, m: Measure) =>
    log(
      `  ${label.padEnd(34)} ${fmt(rate(records, m.ms)).padStart(10)} ${(mb(textBytes) / (m.ms / 1000)).toFixed(0).padStart(10)}` +
        `   ${(m.ms / ceiling.ms).toFixed(2).padStart(9)}×  ${m.maxRssMb.toFixed(0).padStart(6)} MB`,
    );
  row('gunzip + split (ceiling)', ceiling);
  row('ciphertrail parse + aggregate', parse);
  row('ciphertrail full ingest', ingest);
  row('DuckDB full rollup', duck);
  const ratioWall = duck.ms / ingest.ms;
  const ratioCpu = duck.cpuMs / ingest.cpuMs;
  log(`\n  full ingest vs DuckDB: ${ratioWall.toFixed(2)}× faster (wall), ${ratioCpu.toFixed(2)}× (cpu)   target ≥ 2×`);
  log(
    `  parse + aggregate: ${fmt(rate(records, parse.ms))} records/s, ${(parse.ms / ceiling.ms).toFixed(2)}× the ceiling   target ≥ 1.5M/s, ≤ 2.5×`,
  );
  log(
    `  output rows: summary ${fmt(ingest.summaryRows!)}, unencrypted ${fmt(ingest.unencryptedRows!)} ` +
      `(${((ingest.summaryRows! + ingest.unencryptedRows!) / records).toFixed(3)} a record; DuckDB ${fmt(duck.summaryRows!)}, ${fmt(duck.unencryptedRows!)})`,
  );
  return { corpus, ceiling, parse, ingest, duck, ratioWall, ratioCpu };
}

/** Lambda sizing from single-core rates: memory → vCPU share → seconds and dollars per TB. */
function sizing(ciphertrailPerSec: number, duckdbPerSec: number, bytesPerRecord: number): string {
  const PRICE = 0.0000133334; // arm64, $ per GB-second
  const lines = [
    'Lambda sizing (arm64 $0.0000133334 per GB-s; 1,769 MB = 1 vCPU; one object per invocation runs on one core):',
    '  memory MB   vCPU   records/s     s per TB text   $ per TB text   DuckDB $ per TB',
  ];
  for (const memory of [512, 1024, 1769, 3008]) {
    const share = Math.min(1, memory / 1769);
    const perSec = ciphertrailPerSec * share;
    const seconds = 1e12 / bytesPerRecord / perSec;
    const dollars = seconds * (memory / 1024) * PRICE;
    const duckDollars = (1e12 / bytesPerRecord / (duckdbPerSec * share)) * (memory / 1024) * PRICE;
    lines.push(
      `  ${String(memory).padStart(9)}   ${(memory / 1769).toFixed(2).padStart(4)}   ${fmt(perSec).padStart(9)}   ` +
        `${fmt(seconds).padStart(13)}   ${dollars.toFixed(2).padStart(13)}   ${duckDollars.toFixed(2).padStart(15)}`,
    );
  }
  return lines.join('\n');
}

/**
 * The scaling ceiling of the machine itself: the bundled ingest task on all objects on one core,
 * against two independent processes with half the objects each, one per core, started together
 * (process start included in both). The two vCPUs share caches and memory bandwidth, so even
 * this split is not 2×; `--jobs 2` is judged against it.
 */
function idealSplit(files: readonly string[]): { oneMs: number; twoMs: number } {
  const bundle = build('ingest.ts');
  const half = Math.ceil(files.length / 2);
  const run = (core: string, out: string, part: readonly string[]) =>
    [
      ...(hasTaskset ? ['taskset', '-c', core] : []),
      process.execPath,
      '--no-warnings',
      bundle,
      '--out',
      join(BENCH, out),
      '--jobs',
      '1',
      ...part,
    ]
      .map((a) => `'${a}'`)
      .join(' ');
  const timed = (command: string) => {
    const started = performance.now();
    execFileSync('bash', ['-c', command], { stdio: 'ignore' });
    return performance.now() - started;
  };
  const one: number[] = [];
  const two: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    one.push(timed(run(CORE, 'out/ideal-all', files)));
    two.push(
      timed(`${run('0', 'out/ideal-a', files.slice(0, half))} & ${run('1', 'out/ideal-b', files.slice(half))}; wait`),
    );
  }
  return { oneMs: median(one), twoMs: median(two) };
}

function sameTree(a: string, b: string): boolean {
  if (!existsSync(a) || !existsSync(b)) return false;
  const sums = (dir: string) =>
    execFileSync('bash', ['-c', `cd '${dir}' && find . -name '*.parquet' -type f | sort | xargs sha256sum`], {
      encoding: 'utf8',
    });
  return sums(a) === sums(b);
}

process.exitCode = await main();
