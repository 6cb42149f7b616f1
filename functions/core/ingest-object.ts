import { ParquetObjectError } from './errors.js';
import {
  type AggregateBatch,
  type AggregateOptions,
  type CleartextGroup,
  FlowLogAggregator,
  type MalformedSample,
  ObjectRejectedError,
  type ParseStats,
} from './flow-log-aggregator.js';
import type { OutputFile, OutputSink, SourceObject } from './ports.js';
import { parseFlowLogKey } from './s3-key.js';
import { type StreamLimits, streamText, type TextStreamStats } from './text-stream.js';

export interface ObjectReport {
  readonly name: string;
  readonly status: 'accepted' | 'rejected';
  /** Why the object was rejected (names the object's problem, not a stack trace). */
  readonly reason?: string;
  readonly samples?: readonly MalformedSample[];
  readonly parse?: ParseStats;
  readonly stream?: TextStreamStats;
  readonly outputs: readonly OutputFile[];
  /** Cleartext and EC-rejected groups, when `collectCleartext` was set (alert rules classify them). */
  readonly cleartext?: CleartextGroup[];
  readonly elapsedMs: number;
}

export interface IngestOptions extends Omit<AggregateOptions, 'onFlush'>, StreamLimits {
  readonly sink: OutputSink;
  /** Return the object's cleartext and EC-rejected groups in the report (for alert rules). */
  readonly collectCleartext?: boolean;
  /** Reads an object that turned out to be Parquet (AWS Parquet delivery). */
  readonly parquetReader?: ParquetFlowLogReader;
}

/** Feeds the records of a Parquet flow-log object into an aggregator (row group by row group). */
export type ParquetFlowLogReader = (object: SourceObject, aggregator: FlowLogAggregator) => Promise<TextStreamStats>;

/**
 * Ingests one object: stream → decode → aggregate → stage output → commit. A rejected object
 * commits nothing and retracts the output of earlier runs of it; transient read errors
 * (network, permissions) propagate to the caller and leave the earlier output in place.
 */
export async function ingestObject(object: SourceObject, options: IngestOptions): Promise<ObjectReport> {
  const started = Date.now();
  const output = options.sink.begin(object.identity, object.key);
  const cleartext: CleartextGroup[] = [];
  const deliver = (batch: AggregateBatch) => {
    output.add(batch);
    if (options.collectCleartext) for (const group of batch.cleartext) cleartext.push(group);
  };
  const aggregator = new FlowLogAggregator(object.name, parseFlowLogKey(object.key), { ...options, onFlush: deliver });
  try {
    let stream: TextStreamStats;
    try {
      stream = await streamText(await object.open(), (chunk) => aggregator.pushChunk(chunk), options);
    } catch (err) {
      if (err instanceof ParquetObjectError) {
        if (!options.parquetReader)
          throw new ObjectRejectedError('Parquet flow-log objects are not supported by this reader');
        stream = await options.parquetReader(object, aggregator);
      } else {
        throw err;
      }
    }
    deliver(aggregator.finish());
    const outputs = await output.commit();
    return {
      name: object.name,
      status: 'accepted',
      parse: aggregator.stats,
      stream,
      outputs,
      ...(options.collectCleartext ? { cleartext } : {}),
      elapsedMs: Date.now() - started,
    };
  } catch (err) {
    output.abort();
    if (!(err instanceof ObjectRejectedError)) throw err;
    await output.retract?.();
    return {
      name: object.name,
      status: 'rejected',
      reason: err.message,
      samples: err.samples.length ? err.samples : aggregator.stats.malformedSamples,
      parse: aggregator.stats,
      outputs: [],
      elapsedMs: Date.now() - started,
    };
  }
}
