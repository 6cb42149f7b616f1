import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AthenaClient } from '@aws-sdk/client-athena';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { duckDbStagingView, duckDbStatement } from '../../functions/core/tables/athena-dialect.js';
import { OUTPUT_TABLES, stagedColumns, stagingTableName } from '../../schemas/tables.js';
import { QueryApiServer, type QueryRequest, type QueryResponse, TEST_CREDENTIALS } from './query-api-server.js';

interface Execution {
  readonly id: string;
  readonly sql: string;
  state: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  reason?: string;
  columns: { name: string; type: string }[];
  rows: (string | null)[][];
  updateCount?: number;
  /** GetQueryExecution calls answered while running: the first answer is always RUNNING. */
  polls: number;
  done: Promise<void>;
}

export interface AthenaEndpointOptions {
  /** The staged tables' folder (the sink's output): each `<table>_staging` reads `<dir>/<table>/`. */
  readonly stagingDir: string;
  /** The S3 folder `stagingDir` was downloaded from: `"$path"` then spells S3 URLs, as in Athena. */
  readonly stagingLocation?: string;
  /** Decides, before a statement runs, that it fails as Athena would report it (a reason), or runs (undefined). */
  readonly fail?: (sql: string) => string | undefined;
}

const DUCK_TYPES = { string: 'VARCHAR', int32: 'INTEGER', int64: 'BIGINT', timestamp: 'TIMESTAMPTZ' } as const;

/**
 * A local Athena: the JSON protocol (StartQueryExecution, GetQueryExecution, GetQueryResults
 * with pagination) over HTTP for a real `@aws-sdk/client-athena` client, executing every
 * statement on one embedded DuckDB, one at a time (as Athena serialises commits to one Iceberg
 * table). The staging tables are views over the staged Parquet on disk, the tables the DDL
 * creates are DuckDB tables standing in for Iceberg, and every translation is the project's
 * dialect module (functions/core/tables/athena-dialect.ts). No Athena runs locally, so this is
 * the closest real component.
 */
export class AthenaEndpoint {
  readonly executions: Execution[] = [];
  private queue: Promise<void> = Promise.resolve();

  private constructor(
    private readonly server: QueryApiServer,
    private readonly connection: DuckDBConnection,
    private readonly instance: DuckDBInstance,
    private readonly options: AthenaEndpointOptions,
  ) {}

  static async start(options: AthenaEndpointOptions): Promise<AthenaEndpoint> {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    // Athena's timestamps are UTC; DuckDB's session zone decides how TIMESTAMP literals compare.
    await connection.run("SET TimeZone = 'UTC'");
    let self: AthenaEndpoint | undefined;
    const server = await QueryApiServer.start((request) => self!.respond(request));
    self = new AthenaEndpoint(server, connection, instance, options);
    return self;
  }

  get endpoint(): string {
    return this.server.endpoint;
  }

  /** A real Athena client pointed here. */
  client(): AthenaClient {
    return new AthenaClient({
      endpoint: this.endpoint,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
    });
  }

  /**
   * Stands in for what the committer leaves: the tables of `database` (schema-qualified, as the
   * report's window clause names them, and plain) over every staged row.
   */
  async standInCommittedTables(database = 'ciphertrail'): Promise<void> {
    await this.query(`CREATE SCHEMA IF NOT EXISTS ${database}`);
    for (const spec of OUTPUT_TABLES) {
      await this.query(
        `CREATE OR REPLACE VIEW ${database}.${spec.name} AS SELECT * EXCLUDE ("$path") FROM ${stagingTableName(spec)}`,
      );
      await this.query(`CREATE OR REPLACE VIEW ${spec.name} AS SELECT * FROM ${database}.${spec.name}`);
    }
  }

  /** The statements run, in order. */
  statements(): string[] {
    return this.executions.map((e) => e.sql);
  }

  /** Reads the DuckDB database directly (the tests' oracle). */
  async query(sql: string): Promise<Record<string, unknown>[]> {
    await this.queue;
    await this.refreshStaging();
    return (await this.connection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  }

  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    await this.server.close();
    this.connection.closeSync();
    this.instance.closeSync();
  }

  private async respond(request: QueryRequest): Promise<QueryResponse> {
    const body = request.json ?? {};
    switch (request.action) {
      case 'StartQueryExecution': {
        const sql = String(body.QueryString ?? '');
        if (!sql) return error('InvalidRequestException', 'QueryString is required');
        const execution: Execution = {
          id: randomUUID(),
          sql,
          state: 'QUEUED',
          columns: [],
          rows: [],
          polls: 0,
          done: Promise.resolve(),
        };
        execution.done = this.queue = this.queue.then(() => this.execute(execution));
        this.executions.push(execution);
        return json({ QueryExecutionId: execution.id });
      }
      case 'GetQueryExecution': {
        const execution = this.find(body.QueryExecutionId);
        if (!execution)
          return error('InvalidRequestException', `QueryExecution ${String(body.QueryExecutionId)} was not found`);
        // The first poll sees the query running, as a real one would be.
        if (execution.polls++ > 0) await execution.done;
        return json({ QueryExecution: describe(execution) });
      }
      case 'GetQueryResults': {
        const execution = this.find(body.QueryExecutionId);
        if (!execution)
          return error('InvalidRequestException', `QueryExecution ${String(body.QueryExecutionId)} was not found`);
        if (execution.state !== 'SUCCEEDED')
          return error('InvalidRequestException', `Query has not yet finished. Current state: ${execution.state}`);
        return json(resultsPage(execution, Number(body.MaxResults ?? 1000), body.NextToken as string | undefined));
      }
      default:
        return error('UnknownOperationException', `${request.action} is not implemented by the local Athena`);
    }
  }

  private find(id: unknown): Execution | undefined {
    return this.executions.find((e) => e.id === id);
  }

  private async execute(execution: Execution): Promise<void> {
    execution.state = 'RUNNING';
    const failure = this.options.fail?.(execution.sql);
    if (failure) {
      execution.state = 'FAILED';
      execution.reason = failure;
      return;
    }
    try {
      await this.refreshStaging();
      const sql = duckDbStatement(execution.sql);
      if (sql !== null) {
        const reader = await this.connection.runAndReadAll(sql);
        execution.columns = reader
          .columnNames()
          .map((name, i) => ({ name, type: athenaType(String(reader.columnType(i))) }));
        execution.rows = (reader.getRowsJson() as unknown[][]).map((row) =>
          row.map((v) => (v === null ? null : String(v))),
        );
        if (/^\s*MERGE\b/i.test(execution.sql)) execution.updateCount = Number(execution.rows[0]?.[0] ?? 0);
      }
      execution.state = 'SUCCEEDED';
    } catch (err) {
      execution.state = 'FAILED';
      execution.reason = (err as Error).message;
    }
  }

  /** Each staging table as a view over its files now (files come and go between statements). */
  private async refreshStaging(): Promise<void> {
    for (const spec of OUTPUT_TABLES) {
      const folder = join(this.options.stagingDir, spec.name);
      const name = stagingTableName(spec);
      if (hasParquet(folder)) {
        await this.connection.run(
          duckDbStagingView(
            name,
            join(folder, '**', '*.parquet'),
            this.options.stagingLocation
              ? { dir: `${this.options.stagingDir}/`, location: this.options.stagingLocation }
              : undefined,
          ),
        );
      } else {
        const columns = stagedColumns(spec).map((c) => `CAST(NULL AS ${DUCK_TYPES[c.type]}) AS ${c.name}`);
        await this.connection.run(
          `CREATE OR REPLACE VIEW ${name} AS SELECT ${columns.join(', ')}, CAST(NULL AS VARCHAR) AS dt, CAST(NULL AS VARCHAR) AS "$path" WHERE false`,
        );
      }
    }
  }
}

/** Athena classifies a statement after its leading comments (a named query starts with one). */
const withoutLeadingComments = (sql: string) => sql.replace(/^(\s*--[^\n]*\n)*/, '');

function describe(execution: Execution) {
  const state = execution.polls <= 1 && execution.state !== 'FAILED' ? 'RUNNING' : execution.state;
  const code = withoutLeadingComments(execution.sql);
  const type = /^\s*(CREATE|ALTER|DROP)\b/i.test(code)
    ? 'DDL'
    : /^\s*(OPTIMIZE|VACUUM)\b/i.test(code)
      ? 'UTILITY'
      : 'DML';
  const sub = /^\s*(\w+)/.exec(code)?.[1]?.toUpperCase();
  return {
    QueryExecutionId: execution.id,
    Query: execution.sql,
    StatementType: type,
    ...(sub ? { SubstatementType: sub === 'WITH' ? 'SELECT' : sub } : {}),
    Status: { State: state, ...(execution.reason ? { StateChangeReason: execution.reason } : {}) },
    Statistics: { DataScannedInBytes: 0 },
  };
}

/** One page of results: a SELECT's first page starts with the header row, as Athena's does. */
function resultsPage(execution: Execution, maxResults: number, token: string | undefined) {
  const isSelect = /^\s*(SELECT|WITH)\b/i.test(withoutLeadingComments(execution.sql));
  const header = isSelect ? [execution.columns.map((c) => c.name)] : [];
  const all = [...header, ...(isSelect ? execution.rows : [])];
  const from = token ? Number(token) : 0;
  const page = all.slice(from, from + maxResults);
  const next = from + maxResults < all.length ? String(from + maxResults) : undefined;
  return {
    ResultSet: {
      Rows: page.map((row) => ({ Data: row.map((v) => (v === null ? {} : { VarCharValue: v })) })),
      ResultSetMetadata: {
        ColumnInfo: execution.columns.map((c) => ({ Name: c.name, Label: c.name, Type: c.type, CatalogName: 'hive' })),
      },
    },
    ...(execution.updateCount !== undefined ? { UpdateCount: execution.updateCount } : {}),
    ...(next ? { NextToken: next } : {}),
  };
}

function athenaType(duckType: string): string {
  if (/^BIGINT|HUGEINT/.test(duckType)) return 'bigint';
  if (/^INTEGER/.test(duckType)) return 'integer';
  if (/^TIMESTAMP/.test(duckType)) return 'timestamp';
  if (/^DOUBLE|DECIMAL/.test(duckType)) return 'double';
  if (/^BOOLEAN/.test(duckType)) return 'boolean';
  return 'varchar';
}

const json = (body: unknown): QueryResponse => ({
  body: JSON.stringify(body),
  contentType: 'application/x-amz-json-1.1',
});

const error = (type: string, message: string): QueryResponse => ({
  status: 400,
  body: JSON.stringify({ __type: type, message }),
  contentType: 'application/x-amz-json-1.1',
});

function hasParquet(dir: string): boolean {
  if (!existsSync(dir)) return false;
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory() ? hasParquet(path) : entry.endsWith('.parquet')) return true;
  }
  return false;
}
