/**
 * Parse + aggregate without Parquet: every object streams through gunzip, the line decoder and
 * the aggregator exactly as in `ingest`, and the groups are drained as columns (what the Parquet
 * writer receives), then dropped.
 *
 * Usage: tsx test/bench/tasks/parse-aggregate.ts <file.gz>...
 * Prints one JSON line: { ms, cpuMs, maxRssMb, records, lines, textBytes, summaryRows, cleartextRows }.
 */

import { listLocalObjects } from '../../../functions/adapters/local-files.js';
import type { AggregateBatch } from '../../../functions/core/flow-log-aggregator.js';
import { ingestObject } from '../../../functions/core/ingest-object.js';
import type { ObjectOutput, OutputSink } from '../../../functions/core/ports.js';
import { startClock } from './clock.js';

let summaryRows = 0;
let cleartextRows = 0;
const counting: OutputSink = {
  begin: (): ObjectOutput => ({
    add: (batch: AggregateBatch) => {
      // The columns, as the Parquet sink reads them (reading `summary` would build row objects).
      summaryRows += batch.columns!.summary.length;
      cleartextRows += batch.columns!.cleartext.length;
    },
    commit: async () => [],
    abort: () => undefined,
  }),
};

const objects = await listLocalObjects(process.argv.slice(2));
let records = 0;
let lines = 0;
let textBytes = 0;
const clock = startClock();
for (const object of objects) {
  const report = await ingestObject(object, { sink: counting });
  if (report.status !== 'accepted') throw new Error(`${object.name}: ${report.reason}`);
  records += report.parse!.records;
  lines += report.parse!.lines;
  textBytes += report.stream!.bytesText;
}
const time = clock();
console.log(JSON.stringify({ ...time, records, lines, textBytes, summaryRows, cleartextRows }));
