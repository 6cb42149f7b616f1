import { statSync } from 'node:fs';
import { compactTables } from '../adapters/local-compaction.js';
import { UsageError } from '../core/errors.js';
import type { CompactOptionValues } from './commands.js';
import { EXIT } from './exit-codes.js';

/** `ciphertrail compact <dir>`: one file per table and day (functions/adapters/local-compaction.ts). */
export async function runCompactCommand(dir: string, options: CompactOptionValues): Promise<number> {
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory())
    throw new UsageError(`${dir} is not a folder: give the --out folder of an ingest run`);
  const started = Date.now();
  const report = await compactTables(dir);
  const elapsedMs = Date.now() - started;
  if (options.json) console.log(JSON.stringify({ ...report, elapsedMs }, null, 2));
  else
    console.log(
      `${report.days} table days compacted: ${report.filesBefore} files → ${report.filesAfter}, ${report.rows} rows rewritten` +
        `${report.recovered ? ' (an interrupted compaction was finished first)' : ''} in ${(elapsedMs / 1000).toFixed(1)} s`,
    );
  return EXIT.ok;
}
