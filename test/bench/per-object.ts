/**
 * Times each object of a list ingested one after another in one process, through `ingestOne` as
 * the CLI's own thread runs it: wall time, CPU (user and system) and minor page faults per object,
 * and the resident size after it. It shows what the first object of a process pays that later ones
 * do not (docs/performance.md, "2026-12-04").
 *
 *   npx tsx test/bench/per-object.ts <out-dir> <object>…      # e.g. under taskset -c 0
 *
 * Pass `--marks` first to print the monotonic clock (µs) at each object's start, for splitting a
 * `node --cpu-prof` profile at the object boundaries.
 */
import { LocalDirStore } from '../../functions/adapters/local-dir-store.js';
import { localObject } from '../../functions/adapters/local-files.js';
import { ParquetTableSink } from '../../functions/adapters/parquet-sink.js';
import { ingestOne } from '../../functions/cli/ingest-one.js';

const args = process.argv.slice(2);
const marks = args[0] === '--marks';
const [out, ...files] = marks ? args.slice(1) : args;
if (!out || files.length === 0) {
  console.error('usage: per-object.ts [--marks] <out-dir> <object>…');
  process.exit(2);
}
const sink = new ParquetTableSink(new LocalDirStore(out));
for (const file of files) {
  const object = await localObject(file, undefined);
  if (marks) console.log(`mark ${process.hrtime.bigint() / 1000n}`);
  const started = performance.now();
  const cpu = process.cpuUsage();
  const faults = process.resourceUsage().minorPageFault;
  const report = await ingestOne(object, { sink });
  const used = process.cpuUsage(cpu);
  console.log(
    `${(performance.now() - started).toFixed(0)} ms (user ${(used.user / 1000).toFixed(0)} ms, system ` +
      `${(used.system / 1000).toFixed(0)} ms, ${process.resourceUsage().minorPageFault - faults} page faults, ` +
      `RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB) ${report.status} ${file}`,
  );
}
