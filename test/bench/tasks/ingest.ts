/**
 * Full ingest exactly as the CLI runs it (gzip text → summary + unencrypted Parquet), in process,
 * so the clock starts after module loading. Arguments are the CLI's (`--out`, `--jobs`, paths).
 *
 * Usage: tsx test/bench/tasks/ingest.ts <ingest arguments...>
 * Prints one JSON line: { ms, cpuMs, maxRssMb, records, objects, rejected, summaryRows, unencryptedRows, textBytes }.
 */
// As the CLI entry and the ingest Lambda do, first (functions/adapters/gc-tuning.ts).
import { settleBeforeExit } from '../../../functions/adapters/gc-tuning.js';
import { parseIngestArgs, runIngest } from '../../../functions/cli/ingest-command.js';
import { startClock } from './clock.js';

const settings = parseIngestArgs(['--quiet', ...process.argv.slice(2)]);
const clock = startClock();
const { report } = await runIngest(settings);
const time = clock();
const t = report.totals;
console.log(
  JSON.stringify({
    ...time,
    records: t.records,
    objects: t.objects,
    rejected: t.rejected,
    summaryRows: t.outputRows.summary ?? 0,
    unencryptedRows: t.outputRows.unencrypted ?? 0,
    textBytes: t.bytesText,
  }),
);
// As the CLI does before it exits: else the process can hang at exit (gc-tuning.ts).
settleBeforeExit();
