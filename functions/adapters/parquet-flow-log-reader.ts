import { type AsyncBuffer, cachedAsyncBuffer, parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { findFlowLogField } from '../../schemas/flow-log-fields.js';
import { type FlowLogAggregator, ObjectRejectedError } from '../core/flow-log-aggregator.js';
import type { ParquetFlowLogReader } from '../core/ingest-object.js';
import type { SourceObject } from '../core/ports.js';
import type { TextStreamStats } from '../core/text-stream.js';

/**
 * Reads an AWS Parquet-format flow-log object (https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-path.html) row group by row group with range
 * reads, so memory is bounded by one row group, not the object. Columns carry AWS's underscore
 * names (`log_status`), mapped through the field catalog. Each row is handed to the aggregator as
 * the equivalent text record after a header line of the column names, so Parquet and text objects
 * share every rule of decoding and aggregation. Malformed-line numbers count that header as line 1.
 */
export const readParquetFlowLog: ParquetFlowLogReader = async (object, aggregator) => {
  const stats: TextStreamStats = { encoding: 'parquet', bytesIn: 0, bytesText: 0 };
  const ioErrors = new WeakSet<object>();
  const isFormatError = (err: unknown) =>
    err instanceof Error && !(err instanceof ObjectRejectedError) && !ioErrors.has(err);
  const file = await asyncBufferOf(object, stats, ioErrors);
  let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (err) {
    if (!isFormatError(err)) throw err;
    throw new ObjectRejectedError(`unreadable Parquet footer: ${(err as Error).message}`);
  }
  const columns = parquetSchema(metadata).children.map((c) => c.element.name);
  const unknown = columns.find((name) => !findFlowLogField(name));
  if (unknown !== undefined) throw new ObjectRejectedError(`unknown flow-log field "${unknown}" in the Parquet schema`);
  push(aggregator, stats, columns.join(' '));

  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    try {
      await parquetRead({
        file,
        metadata,
        columns,
        rowStart,
        rowEnd,
        compressors,
        rowFormat: 'array',
        onComplete: (rows: unknown[][]) => {
          for (const row of rows) push(aggregator, stats, row.map(token).join(' '));
        },
      });
    } catch (err) {
      if (!isFormatError(err)) throw err;
      throw new ObjectRejectedError(`unreadable Parquet row group at row ${rowStart}: ${(err as Error).message}`);
    }
    rowStart = rowEnd;
  }
  return stats;
};

function push(aggregator: FlowLogAggregator, stats: TextStreamStats, line: string): void {
  stats.bytesText += line.length + 1;
  aggregator.pushLine(line, 0, line.length);
}

const decoder = new TextDecoder();

function token(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  if (value instanceof Uint8Array) return decoder.decode(value) || '-';
  return String(value);
}

/** Range reads over the object; their errors are remembered as I/O errors (retryable), not format errors. */
async function asyncBufferOf(
  object: SourceObject,
  stats: TextStreamStats,
  ioErrors: WeakSet<object>,
): Promise<AsyncBuffer> {
  if (object.readRange && object.size !== undefined) {
    const readRange = object.readRange.bind(object);
    return cachedAsyncBuffer({
      byteLength: object.size,
      slice: async (start: number, end?: number) => {
        let bytes: Uint8Array;
        try {
          bytes = await readRange(start, end ?? object.size!);
        } catch (err) {
          if (typeof err === 'object' && err !== null) ioErrors.add(err);
          throw err;
        }
        stats.bytesIn += bytes.length;
        return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      },
    });
  }
  // No random access (an in-memory test object): hold the object once.
  const chunks: Uint8Array[] = [];
  for await (const chunk of await object.open()) chunks.push(chunk);
  const whole = Buffer.concat(chunks);
  stats.bytesIn = whole.length;
  return {
    byteLength: whole.length,
    slice: (start, end) =>
      whole.buffer.slice(whole.byteOffset + start, whole.byteOffset + (end ?? whole.length)) as ArrayBuffer,
  };
}
