import type { CfnTable } from 'aws-cdk-lib/aws-glue';
import { type ColumnType, OUTPUT_TABLES, stagedColumns, stagingTableName, type TableSpec } from '../schemas/tables.js';

/** Glue (Hive) type of each schema column type. */
const GLUE_TYPES: Record<ColumnType, string> = {
  string: 'string',
  int32: 'int',
  int64: 'bigint',
  timestamp: 'timestamp',
};

const PARQUET = {
  inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
  outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
  serde: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
};

export interface GlueTableOptions {
  /** `s3://<bucket>/<prefix>` under which each table lives at `<table>/dt=YYYY-MM-DD/` (ends in "/"). */
  readonly tablesLocation: string;
  /** First day partition projection enumerates, yyyy-MM-dd. */
  readonly projectionStartDate: string;
}

/**
 * The Glue table input of one staging table (`summary_staging`, …: the per-object files the
 * ingest writes, with the commit columns; the Iceberg tables take the plain names): Parquet SerDe, columns mapped from the schema, and
 * partition projection on every partition key (no crawler, no MSCK REPAIR TABLE): Athena computes
 * partition locations from `storage.location.template`, which is exactly the layout the Parquet
 * sink writes (`<table>/dt=YYYY-MM-DD/`).
 */
export function glueTableInput(spec: TableSpec, options: GlueTableOptions): CfnTable.TableInputProperty {
  if (!options.tablesLocation.endsWith('/'))
    throw new Error(`tablesLocation must end in "/": ${options.tablesLocation}`);
  const location = `${options.tablesLocation}${spec.name}/`;
  const projection: Record<string, string> = { 'projection.enabled': 'true' };
  for (const key of spec.partitionKeys) {
    const p = key.projection;
    projection[`projection.${key.name}.type`] = p.type;
    projection[`projection.${key.name}.format`] = p.format;
    projection[`projection.${key.name}.range`] = `${options.projectionStartDate},NOW`;
    projection[`projection.${key.name}.interval`] = '1';
    projection[`projection.${key.name}.interval.unit`] = p.intervalUnit;
  }
  const template = location + spec.partitionKeys.map((k) => `${k.name}=\${${k.name}}/`).join('');
  return {
    name: stagingTableName(spec),
    description: `Staging (per-object files, last days only) of ${spec.name}: ${spec.description}`.slice(0, 2048),
    tableType: 'EXTERNAL_TABLE',
    parameters: {
      EXTERNAL: 'TRUE',
      classification: 'parquet',
      'parquet.compression': 'GZIP',
      ...projection,
      'storage.location.template': template,
    },
    partitionKeys: spec.partitionKeys.map((k) => ({ name: k.name, type: 'string', comment: k.description })),
    storageDescriptor: {
      location,
      inputFormat: PARQUET.inputFormat,
      outputFormat: PARQUET.outputFormat,
      serdeInfo: { serializationLibrary: PARQUET.serde, parameters: { 'serialization.format': '1' } },
      columns: stagedColumns(spec).map((c) => ({ name: c.name, type: GLUE_TYPES[c.type], comment: c.description })),
      compressed: false,
      storedAsSubDirectories: false,
    },
  };
}

/** Table inputs of every output table in `schemas/tables.ts`. */
export function glueTableInputs(options: GlueTableOptions): CfnTable.TableInputProperty[] {
  return OUTPUT_TABLES.map((spec) => glueTableInput(spec, options));
}
