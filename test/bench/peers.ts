/**
 * The side-by-side comparison of issue 11: the CLI, started as a user starts it, against DuckDB,
 * Polars (nodejs-polars) and ClickHouse (chdb) doing the same job on the same gzip objects (see
 * tasks/peer-job.ts), each a whole child process (start-up included) pinned to one core and then
 * to two (CLI `--jobs 2`, peers with 2 threads), medians of interleaved rounds, all in one run.
 * Every tool's output is checked against the CLI's afterwards (table-digest.ts).
 *
 * DuckDB is a dependency of the project; Polars and chdb are large and are installed only by
 * `npm run bench -- --peers`, into `.bench/peers/` (git-ignored), with npm from the registry and
 * `--ignore-scripts`, so nothing is downloaded from anywhere else; a peer that does not load
 * after that is reported as not installable here.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { build, cliCommand, log, median, ROOT, runProcess } from './harness.js';
import { digestTables, type TableDigest } from './table-digest.js';
import { PEERS_DIR } from './tasks/peer-job.js';

/**
 * The versions `--peers` installs. nodejs-polars 0.25.x and later ship their Linux binary with
 * `engines.node >= 22`, so on Node 20 npm skips it and the package cannot load: 0.24.1 is the
 * newest that runs here. chdb 3.4.0 brings libchdb (ClickHouse 26.7) in @chdb/lib-linux-x64-gnu.
 */
const PEER_PACKAGES = { 'nodejs-polars': '0.24.1', chdb: '3.4.0' } as const;
type PeerPackage = keyof typeof PEER_PACKAGES;

/** The version in `<base>/<name>/package.json` (name '' for the package at `base` itself). */
const installedVersion = (name: string, base = join(PEERS_DIR, 'node_modules')): string | undefined => {
  const manifest = join(base, name, 'package.json');
  return existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version : undefined;
};

/** `--peers`: installs the pinned peers into `.bench/peers/` unless they are there already. */
export function installPeers(): void {
  const missing = Object.entries(PEER_PACKAGES).filter(([name, version]) => installedVersion(name) !== version);
  if (missing.length === 0) {
    log(
      `peers: ${Object.entries(PEER_PACKAGES)
        .map(([n, v]) => `${n}@${v}`)
        .join(', ')} already in ${PEERS_DIR}`,
    );
    return;
  }
  mkdirSync(PEERS_DIR, { recursive: true });
  writeFileSync(
    join(PEERS_DIR, 'package.json'),
    `${JSON.stringify(
      {
        name: 'ciphertrail-bench-peers',
        private: true,
        description: 'Written by npm run bench -- --peers',
        dependencies: PEER_PACKAGES,
      },
      null,
      2,
    )}\n`,
  );
  log(
    `peers: npm install ${missing.map(([n, v]) => `${n}@${v}`).join(' ')} into ${PEERS_DIR} (registry only, --ignore-scripts)`,
  );
  const npm = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--save-exact'], {
    cwd: PEERS_DIR,
    stdio: 'inherit',
  });
  if (npm.status !== 0) log(`  npm install failed (${npm.status}); the peers that do not load are skipped below`);
}

/** A peer's version and engine version, or why it cannot run here. */
function probePeer(name: PeerPackage): { version: string; engine: string } | { problem: string } {
  const version = installedVersion(name);
  if (version === undefined) return { problem: 'not installed (npm run bench -- --peers installs it)' };
  if (version !== PEER_PACKAGES[name])
    return { problem: `${version} installed, ${PEER_PACKAGES[name]} pinned: run with --peers` };
  const probe =
    name === 'chdb'
      ? "process.stdout.write(require('chdb').query('SELECT version()', 'TabSeparated').trim())"
      : "require('nodejs-polars'); process.stdout.write('')";
  const child = spawnSync(process.execPath, ['-e', probe], { cwd: PEERS_DIR, encoding: 'utf8' });
  if (child.status !== 0) {
    const error = child.stderr.split('\n').find((l) => /Error/.test(l)) ?? `exit ${child.status}`;
    return { problem: `not installable here: it does not load after npm install (${error.trim()})` };
  }
  return {
    version,
    engine:
      name === 'chdb'
        ? `ClickHouse ${child.stdout}`
        : `binary ${installedVersion(`nodejs-polars-linux-x64-gnu`) ?? '?'}`,
  };
}

interface Tool {
  readonly name: string;
  readonly version: string;
  /** Query plans to try; the faster median counts (`undefined`: the tool has one way). */
  readonly plans: readonly (string | undefined)[];
  command(threads: number, out: string, plan: string | undefined): { argv: string[]; env?: NodeJS.ProcessEnv };
  /** Globs of the tool's summary and unencrypted Parquet files under its `--out`. */
  readonly outputs: (out: string) => [string, string];
}

interface Cell {
  readonly tool: Tool;
  readonly plan: string | undefined;
  readonly cores: 1 | 2;
  readonly out: string;
  readonly ms: number[];
  readonly cpuMs: number[];
  readonly rssMb: number[];
  failed?: string;
}

export interface PeerCorpus {
  readonly dir: string;
  readonly files: readonly string[];
  readonly records: number;
  readonly textBytes: number;
}

const fmtS = (ms: number) => (ms / 1000).toFixed(2);
const ratio = (x: number) => `${x.toFixed(2)}×`;

/** Runs the comparison and prints the table; returns what it measured for results.json. */
export async function peersStep(corpus: PeerCorpus, runs: number, oneCore: string): Promise<Record<string, unknown>> {
  const duckdbVersion = installedVersion('@duckdb/node-api', join(ROOT, 'node_modules')) ?? '?';
  const single = (out: string): [string, string] => [join(out, 'summary.parquet'), join(out, 'unencrypted.parquet')];
  const tools: Tool[] = [
    {
      name: 'ciphertrail CLI',
      version: `${installedVersion('', ROOT) ?? ''} (${cliCommand()
        .slice(1)
        .map((a) => relative(ROOT, a))
        .join(' ')})`,
      plans: [undefined],
      command: (threads, out) => ({
        argv: cliCommand('ingest', corpus.dir, '--out', out, '--quiet', '--jobs', String(threads)),
      }),
      outputs: (out) => [join(out, 'summary/**/*.parquet'), join(out, 'unencrypted/**/*.parquet')],
    },
    {
      name: 'DuckDB',
      version: duckdbVersion,
      plans: ['materialize', 'scan-twice'],
      command: (threads, out, plan) => ({
        argv: [
          process.execPath,
          build('duckdb-rollup.ts'),
          '--out',
          out,
          '--threads',
          String(threads),
          '--mode',
          plan!,
          ...corpus.files,
        ],
      }),
      outputs: single,
    },
  ];
  const skipped: string[] = [];
  const polars = probePeer('nodejs-polars');
  if ('problem' in polars) skipped.push(`Polars (nodejs-polars@${PEER_PACKAGES['nodejs-polars']}): ${polars.problem}`);
  else
    tools.push({
      name: 'Polars',
      version: `nodejs-polars ${polars.version}`,
      plans: [undefined],
      command: (threads, out) => ({
        argv: [
          process.execPath,
          build('polars-rollup.ts'),
          '--out',
          out,
          '--threads',
          String(threads),
          ...corpus.files,
        ],
        env: { ...process.env, POLARS_MAX_THREADS: String(threads) },
      }),
      outputs: single,
    });
  const chdb = probePeer('chdb');
  if ('problem' in chdb) skipped.push(`ClickHouse (chdb@${PEER_PACKAGES.chdb}): ${chdb.problem}`);
  else
    tools.push({
      name: 'ClickHouse (chdb)',
      version: `chdb ${chdb.version}, ${chdb.engine}`,
      plans: ['materialize', 'scan-twice'],
      command: (threads, out, plan) => ({
        argv: [
          process.execPath,
          build('chdb-rollup.ts'),
          '--out',
          out,
          '--threads',
          String(threads),
          '--mode',
          plan!,
          ...corpus.files,
        ],
      }),
      outputs: single,
    });

  const load = loadavg();
  log(
    `\npeers: ${corpus.records.toLocaleString('en-US')} records in ${corpus.files.length} gzip objects (${(corpus.textBytes / 1e6).toFixed(0)} MB text), ` +
      `both tables to Parquet; whole processes (start-up included), ${runs} interleaved round${runs > 1 ? 's' : ''}, medians; ` +
      `1 core = taskset -c ${oneCore}, 2 cores = taskset -c 0,1`,
  );
  for (const line of skipped) log(`  skipped: ${line}`);
  const cells: Cell[] = [];
  for (const cores of [1, 2] as const) {
    for (const tool of tools) {
      for (const plan of tool.plans) {
        const slug = `${tool.name.split(' ')[0]!.toLowerCase()}${plan ? `-${plan}` : ''}-${cores}c`;
        cells.push({ tool, plan, cores, out: join(ROOT, '.bench/out/peers', slug), ms: [], cpuMs: [], rssMb: [] });
      }
    }
  }
  for (let round = 0; round < runs; round++) {
    for (const cell of cells) {
      if (cell.failed) continue;
      rmSync(cell.out, { recursive: true, force: true });
      const { argv, env } = cell.tool.command(cell.cores, cell.out, cell.plan);
      const run = runProcess(cell.cores === 1 ? oneCore : '0,1', argv, env);
      if (run.status !== 0) {
        cell.failed = `exit ${run.status}: ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`;
        log(`  ${cell.tool.name}${cell.plan ? ` ${cell.plan}` : ''}, ${cell.cores} core(s) FAILED: ${cell.failed}`);
        continue;
      }
      cell.ms.push(run.ms);
      cell.cpuMs.push(run.cpuMs);
      cell.rssMb.push(run.maxRssMb);
    }
  }
  const loadAfter = loadavg();

  // Same rows as the CLI, one core: every output checked (values, not just counts).
  const digests = new Map<Cell, Record<'summary' | 'unencrypted', TableDigest>>();
  for (const cell of cells) if (!cell.failed) digests.set(cell, await digestTables(...cell.tool.outputs(cell.out)));
  const reference = digests.get(cells[0]!);
  const same = (cell: Cell) =>
    reference !== undefined && JSON.stringify(digests.get(cell)) === JSON.stringify(reference);

  log('  runs (s):');
  for (const cell of cells) {
    if (cell.failed) continue;
    log(
      `    ${`${cell.tool.name}${cell.plan ? `, ${cell.plan}` : ''}, ${cell.cores} core${cell.cores > 1 ? 's' : ''}`.padEnd(40)} ` +
        `${fmtS(median(cell.ms)).padStart(6)}  (${cell.ms.map(fmtS).join(', ')})  cpu ${fmtS(median(cell.cpuMs))} s  ` +
        `${median(cell.rssMb).toFixed(0).padStart(5)} MB peak RSS` +
        `${same(cell) ? '' : '  OUTPUT DIFFERS FROM THE CLI'}`,
    );
  }
  /** A tool's figure at a core count: the faster plan's median. */
  const best = (tool: Tool, cores: 1 | 2) => {
    const ok = cells.filter((c) => c.tool === tool && c.cores === cores && !c.failed && c.ms.length > 0);
    return ok.length === 0 ? undefined : ok.reduce((a, b) => (median(a.ms) <= median(b.ms) ? a : b));
  };
  const cli = tools[0]!;
  const cli1 = best(cli, 1);
  const cli2 = best(cli, 2);
  log(
    `\n  ${'tool'.padEnd(18)} ${'version'.padEnd(34)} ${'plan 1c / 2c'.padEnd(25)} ${'1 core s'.padStart(8)} ${'2 cores s'.padStart(9)}` +
      `   ${'peer/CLI 1c'.padStart(11)} ${'peer/CLI 2c'.padStart(11)}   ${'1c cpu s'.padStart(8)} ${'cpu ratio 1c'.padStart(12)}   ` +
      `${'peak RSS 1c / 2c'.padStart(17)}   same rows as CLI`,
  );
  const rows: Record<string, unknown>[] = [];
  const ratios: { name: string; one: number | undefined; two: number | undefined }[] = [];
  for (const tool of tools) {
    const one = best(tool, 1);
    const two = best(tool, 2);
    const r1 = one && cli1 && tool !== cli ? median(one.ms) / median(cli1.ms) : undefined;
    const r2 = two && cli2 && tool !== cli ? median(two.ms) / median(cli2.ms) : undefined;
    const rCpu = one && cli1 && tool !== cli ? median(one.cpuMs) / median(cli1.cpuMs) : undefined;
    if (tool !== cli) ratios.push({ name: tool.name, one: r1, two: r2 });
    const plans =
      tool === cli ? '--jobs 1 / --jobs 2' : tool.plans.length > 1 ? `${one?.plan ?? '-'} / ${two?.plan ?? '-'}` : '';
    log(
      `  ${tool.name.padEnd(18)} ${tool.version.padEnd(34)} ${plans.padEnd(25)} ${(one ? fmtS(median(one.ms)) : '-').padStart(8)} ` +
        `${(two ? fmtS(median(two.ms)) : '-').padStart(9)}   ${(r1 ? ratio(r1) : '—').padStart(11)} ${(r2 ? ratio(r2) : '—').padStart(11)}   ` +
        `${(one ? fmtS(median(one.cpuMs)) : '-').padStart(8)} ${(rCpu ? ratio(rCpu) : '—').padStart(12)}   ` +
        `${`${one ? median(one.rssMb).toFixed(0) : '-'} / ${two ? median(two.rssMb).toFixed(0) : '-'} MB`.padStart(17)}   ` +
        `${tool === cli ? (two && same(two) ? '(1 and 2 cores agree)' : '2 cores DIFFER') : [one, two].every((c) => c && same(c)) ? 'yes' : 'NO'}`,
    );
    rows.push({
      tool: tool.name,
      version: tool.version,
      oneCoreMs: one && median(one.ms),
      twoCoresMs: two && median(two.ms),
      planOneCore: one?.plan,
      planTwoCores: two?.plan,
      ratioOneCore: r1,
      ratioTwoCores: r2,
      cpuOneCoreMs: one && median(one.cpuMs),
      cpuRatioOneCore: rCpu,
      rssOneCoreMb: one && median(one.rssMb),
      rssTwoCoresMb: two && median(two.rssMb),
      runsOneCore: one?.ms,
      runsTwoCores: two?.ms,
      sameRows: [one, two].every((c) => c && same(c)),
    });
  }
  const measured1 = ratios.filter((r) => r.one !== undefined);
  const fastest = measured1.reduce<(typeof ratios)[number] | undefined>(
    (a, b) => (a && a.one! <= b.one! ? a : b),
    undefined,
  );
  const measured2 = ratios.filter((r) => r.two !== undefined);
  const slowest2 = measured2.reduce<(typeof ratios)[number] | undefined>(
    (a, b) => (a && a.two! <= b.two! ? a : b),
    undefined,
  );
  log(
    `\n  target, 1 core: ≥ 2.5× faster than the fastest of DuckDB, Polars, ClickHouse: ` +
      (fastest
        ? `${ratio(fastest.one!)} (${fastest.name}) → ${fastest.one! >= 2.5 ? 'met' : 'NOT met'}`
        : 'no peer measured') +
      (ratios.length < 3 ? ' (not every peer ran)' : ''),
  );
  log(
    `  target, 2 cores: ≥ 2× faster than each with 2 threads: ` +
      (slowest2
        ? `${measured2.map((r) => `${r.name} ${ratio(r.two!)}`).join(', ')} → ${slowest2.two! >= 2 ? 'met' : 'NOT met'}`
        : 'no peer measured') +
      (ratios.length < 3 ? ' (not every peer ran)' : ''),
  );
  log(
    '  (targets judge wall time, start-up included, as the issue does; on one pinned core the CPU time moves less with the ' +
      "machine's load, so its ratio is printed beside it)",
  );
  log(
    `  load average before ${load.map((l) => l.toFixed(2)).join(' ')}, after ${loadAfter.map((l) => l.toFixed(2)).join(' ')}`,
  );
  return {
    records: corpus.records,
    objects: corpus.files.length,
    runs,
    loadBefore: load,
    loadAfter,
    rows,
    skipped,
    failed: cells
      .filter((c) => c.failed)
      .map((c) => ({ tool: c.tool.name, plan: c.plan, cores: c.cores, error: c.failed })),
  };
}
