import { FINDINGS_TABLE } from '../../schemas/tables.js';
import type { FindingsWriter } from '../core/alerts/alert-ports.js';
import type { ParquetTableSink } from './parquet-sink.js';

/** The `findings` table of the Parquet sink: one object's rows replace what its earlier runs wrote. */
export function findingsWriter(sink: ParquetTableSink): FindingsWriter {
  return { write: (origin, rows) => sink.writeTable(FINDINGS_TABLE, origin.identity, origin.object, rows) };
}
