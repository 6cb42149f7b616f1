import { Aws } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, type IDependable } from 'constructs';
import { athenaQueries } from '../athena-queries.js';
import { glueTableInputs } from '../glue-tables.js';

export interface AnalyticsCatalogProps {
  readonly bucket: s3.IBucket;
  /** Key prefix of the Parquet tables in `bucket`. */
  readonly tablesPrefix: string;
  /** Key prefix of Athena query results in `bucket`. */
  readonly resultsPrefix: string;
  readonly databaseName: string;
  readonly workgroupName: string;
  readonly projectionStartDate: string;
  readonly bytesScannedCutoffGb: number;
}

/**
 * Glue database and one table per `OUTPUT_TABLES` entry (partition projection, no crawler),
 * an Athena workgroup (engine v3, encrypted results, per-query scan cutoff) and one named query
 * per `schemas/queries/*.sql`, bound to the database.
 */
export class AnalyticsCatalog extends Construct {
  readonly database: glue.CfnDatabase;
  /** Glue tables by name: the staging tables here; `TableCommitter` adds no CfnTable (Athena DDL creates the Iceberg ones). */
  readonly tables = new Map<string, glue.CfnTable>();
  readonly stagingTables: glue.CfnTable[] = [];
  readonly resultsPrefix: string;
  readonly bucket: s3.IBucket;
  readonly workgroup: athena.CfnWorkGroup;
  readonly namedQueries: athena.CfnNamedQuery[] = [];
  readonly databaseName: string;

  constructor(scope: Construct, id: string, props: AnalyticsCatalogProps) {
    super(scope, id);
    this.databaseName = props.databaseName;
    this.resultsPrefix = props.resultsPrefix;
    this.bucket = props.bucket;
    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: Aws.ACCOUNT_ID,
      databaseInput: {
        name: props.databaseName,
        description: 'ciphertrail: VPC flow-log encryption coverage (Parquet tables written by the ingest pipeline)',
      },
    });
    const tablesLocation = `s3://${props.bucket.bucketName}/${props.tablesPrefix}`;
    for (const input of glueTableInputs({ tablesLocation, projectionStartDate: props.projectionStartDate })) {
      const table = new glue.CfnTable(this, `${pascal(input.name!)}Table`, {
        catalogId: Aws.ACCOUNT_ID,
        databaseName: props.databaseName,
        tableInput: input,
      });
      table.node.addDependency(this.database);
      this.tables.set(input.name!, table);
      this.stagingTables.push(table);
    }
    this.workgroup = new athena.CfnWorkGroup(this, 'Workgroup', {
      name: props.workgroupName,
      description: 'ciphertrail queries: encrypted results, scan cutoff per query',
      state: 'ENABLED',
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffGb * 1_000_000_000,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${props.bucket.bucketName}/${props.resultsPrefix}`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });
    for (const query of athenaQueries()) {
      const named = new athena.CfnNamedQuery(this, `${pascal(query.name)}Query`, {
        name: query.name,
        description: query.description,
        database: props.databaseName,
        workGroup: this.workgroup.ref,
        queryString: query.queryString,
      });
      named.node.addDependency(this.database);
      for (const table of this.tables.values()) named.node.addDependency(table);
      for (const dependency of this.queryDependencies) named.node.addDependency(dependency);
      this.namedQueries.push(named);
    }
  }

  /** What the named queries wait for besides the Glue tables (the Iceberg tables' custom resource). */
  private readonly queryDependencies: IDependable[] = [];

  /** Named queries are created after `dependency` (they name the Iceberg tables it creates). */
  addQueryDependency(dependency: IDependable): void {
    this.queryDependencies.push(dependency);
    for (const named of this.namedQueries) named.node.addDependency(dependency);
  }

  /** The workgroup's ARN. */
  workgroupArn(): string {
    return `arn:${Aws.PARTITION}:athena:${Aws.REGION}:${Aws.ACCOUNT_ID}:workgroup/${this.workgroup.name}`;
  }

  /** Glue ARNs of the catalog, the database and one table (what reading its schema needs). */
  tableArns(tableName: string): string[] {
    const base = `arn:${Aws.PARTITION}:glue:${Aws.REGION}:${Aws.ACCOUNT_ID}`;
    return [
      `${base}:catalog`,
      `${base}:database/${this.databaseName}`,
      `${base}:table/${this.databaseName}/${tableName}`,
    ];
  }
}

/** `top_cleartext_talkers` → `TopCleartextTalkers` (stable construct IDs derived from names). */
function pascal(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}
