import {
  type AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type QueryExecution,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import type { SqlResult, SqlRunner } from '../core/tables/sql-runner.js';

export interface AthenaRunnerOptions {
  readonly workGroup: string;
  readonly database: string;
  /** Delay between GetQueryExecution polls (default 500 ms, doubling up to 5 s). */
  readonly pollMs?: number;
  /** Give up on a statement after this long (default 10 minutes); the query is left to Athena's own timeout. */
  readonly timeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** A statement Athena ran and reported FAILED or CANCELLED, or that did not finish in time. */
export class AthenaQueryError extends Error {
  constructor(
    message: string,
    readonly queryId: string,
    readonly state: string,
  ) {
    super(message);
    this.name = 'AthenaQueryError';
  }
}

/** Athena's page size limit for GetQueryResults. */
const PAGE_SIZE = 1000;

/**
 * `SqlRunner` over Athena: StartQueryExecution in the workgroup (which sets the result location,
 * encryption and scan cutoff) with the database as context, GetQueryExecution until a final state,
 * then every page of GetQueryResults. A SELECT's first row is its header (Athena's result format),
 * dropped here so every caller gets data rows only.
 * https://docs.aws.amazon.com/athena/latest/APIReference/API_GetQueryResults.html
 */
export class AthenaSqlRunner implements SqlRunner {
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly client: AthenaClient,
    private readonly options: AthenaRunnerOptions,
  ) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async run(sql: string): Promise<SqlResult> {
    const started = await this.client.send(
      new StartQueryExecutionCommand({
        QueryString: sql,
        WorkGroup: this.options.workGroup,
        QueryExecutionContext: { Database: this.options.database },
      }),
    );
    const queryId = started.QueryExecutionId;
    if (!queryId) throw new Error('Athena StartQueryExecution returned no QueryExecutionId');
    const execution = await this.wait(queryId);
    return this.results(queryId, execution);
  }

  private async wait(queryId: string): Promise<QueryExecution> {
    const deadline = Date.now() + (this.options.timeoutMs ?? 600_000);
    let delay = this.options.pollMs ?? 500;
    for (;;) {
      const { QueryExecution: execution } = await this.client.send(
        new GetQueryExecutionCommand({ QueryExecutionId: queryId }),
      );
      const state = execution?.Status?.State;
      if (state === 'SUCCEEDED') return execution!;
      if (state === 'FAILED' || state === 'CANCELLED') {
        const reason = execution?.Status?.StateChangeReason ?? execution?.Status?.AthenaError?.ErrorMessage;
        throw new AthenaQueryError(`Athena query ${queryId} ${state}: ${reason ?? 'no reason given'}`, queryId, state);
      }
      if (Date.now() >= deadline) {
        throw new AthenaQueryError(
          `Athena query ${queryId} still ${state ?? 'unknown'} after the timeout`,
          queryId,
          state ?? '',
        );
      }
      await this.sleep(delay);
      delay = Math.min(delay * 2, 5_000);
    }
  }

  private async results(queryId: string, execution: QueryExecution): Promise<SqlResult> {
    // A SELECT's result starts with its header row; a MERGE or DDL result has none.
    const isSelect = execution.SubstatementType === 'SELECT';
    let columns: string[] = [];
    let types: string[] = [];
    const rows: Record<string, string | null>[] = [];
    let updateCount: number | undefined;
    let token: string | undefined;
    let first = true;
    do {
      const page = await this.client.send(
        new GetQueryResultsCommand({
          QueryExecutionId: queryId,
          MaxResults: PAGE_SIZE,
          ...(token ? { NextToken: token } : {}),
        }),
      );
      if (first) {
        const info = page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
        columns = info.map((c) => c.Name ?? '');
        types = info.map((c) => c.Type ?? 'varchar');
      }
      if (page.UpdateCount !== undefined) updateCount = page.UpdateCount;
      let data = page.ResultSet?.Rows ?? [];
      if (first && isSelect && data.length > 0 && isHeader(data[0]!.Data ?? [], columns)) data = data.slice(1);
      for (const row of data) {
        const record: Record<string, string | null> = {};
        (row.Data ?? []).forEach((cell, i) => {
          record[columns[i] ?? `_${i}`] = cell.VarCharValue ?? null;
        });
        rows.push(record);
      }
      token = page.NextToken;
      first = false;
    } while (token);
    const scanned = execution.Statistics?.DataScannedInBytes;
    return {
      queryId,
      columns,
      types,
      rows,
      ...(scanned !== undefined ? { bytesScanned: scanned } : {}),
      ...(updateCount !== undefined ? { updateCount } : {}),
    };
  }
}

function isHeader(cells: readonly { VarCharValue?: string | undefined }[], columns: readonly string[]): boolean {
  return cells.length === columns.length && cells.every((cell, i) => cell.VarCharValue === columns[i]);
}
