import type { CloudFormationCustomResourceEvent, CloudFormationCustomResourceResponse, Context } from 'aws-lambda';
import { athenaRunner, type CommitConfig, commitConfig } from '../adapters/commit-config.js';
import { lazyHandler } from '../adapters/lambda-config.js';
import { createTables } from '../core/tables/commit-run.js';
import type { SqlRunner } from '../core/tables/sql-runner.js';

/** Sends the custom resource's answer to CloudFormation's pre-signed URL. */
export type CfnResponder = (url: string, response: CloudFormationCustomResourceResponse) => Promise<void>;

const PHYSICAL_ID = 'ciphertrail-iceberg-tables';

/**
 * CloudFormation custom resource (deploy time) → the committed Iceberg tables, through Athena DDL
 * generated from schemas/tables.ts (`CREATE TABLE IF NOT EXISTS`, so an update or a retry is a
 * no-op for tables that exist). Athena DDL rather than Glue's OpenTableFormatInput: CloudFormation's
 * IcebergInput takes no partition spec or table properties, and the tables must be partitioned by
 * day(window_start). Delete keeps the tables and their data (they are the organisation's record).
 */
export function createIcebergTablesHandler(
  config: CommitConfig,
  sql: (deadlineMs: number | undefined) => SqlRunner = (d) => athenaRunner(config, d),
  respond: CfnResponder = putResponse,
) {
  return async (event: CloudFormationCustomResourceEvent, context?: Context): Promise<void> => {
    const base = {
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
      PhysicalResourceId: PHYSICAL_ID,
    };
    try {
      const statements =
        event.RequestType === 'Delete'
          ? []
          : await createTables(
              sql(context ? Math.max(1_000, context.getRemainingTimeInMillis() - 10_000) : undefined),
              config.icebergLocation,
            );
      await respond(event.ResponseURL, { ...base, Status: 'SUCCESS', Data: { Tables: String(statements.length) } });
    } catch (err) {
      const reason = `Iceberg tables not created: ${(err as Error).message}`.slice(0, 3_000);
      await respond(event.ResponseURL, { ...base, Status: 'FAILED', Reason: reason });
    }
  };
}

/** PUT of the JSON answer; the pre-signed URL is signed without a content type. */
async function putResponse(url: string, response: CloudFormationCustomResourceResponse): Promise<void> {
  const body = JSON.stringify(response);
  const answer = await fetch(url, { method: 'PUT', body, headers: { 'content-type': '' } });
  if (!answer.ok) throw new Error(`CloudFormation response PUT answered ${answer.status}`);
}

export const handler = lazyHandler(() => createIcebergTablesHandler(commitConfig(process.env)));
