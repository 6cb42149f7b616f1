import { describe, expect, it } from 'vitest';
import { glueTableInput, glueTableInputs } from '../../infra/glue-tables.js';
import { OUTPUT_TABLES, stagedColumns, stagingTableName } from '../../schemas/tables.js';

const options = { tablesLocation: 's3://curated-bucket/tables/', projectionStartDate: '2025-11-01' };

describe('Glue tables generated from schemas/tables.ts', () => {
  it('gives each column the Glue type Athena reads its Parquet type as', () => {
    // One column of each schema type, as Athena's Parquet SerDe maps them (INT32 → int, INT64 → bigint,
    // TIMESTAMP(MILLIS) → timestamp, STRING → string).
    const summary = glueTableInput(OUTPUT_TABLES.find((t) => t.name === 'summary')!, options);
    const typeOf = new Map((summary.storageDescriptor as any).columns.map((c: any) => [c.name, c.type]));
    expect(['window_start', 'vpc_id', 'encryption_status', 'bytes'].map((n) => typeOf.get(n))).toEqual([
      'timestamp',
      'string',
      'int',
      'bigint',
    ]);
  });

  it('generates one table per OUTPUT_TABLES entry, in order', () => {
    expect(glueTableInputs(options).map((t) => t.name)).toEqual(OUTPUT_TABLES.map((t) => `${t.name}_staging`));
    expect(OUTPUT_TABLES.map(stagingTableName)).toEqual(['summary_staging', 'unencrypted_staging', 'findings_staging']);
  });

  it.each(OUTPUT_TABLES.map((spec) => [spec.name, spec] as const))(
    '%s: columns, Parquet SerDe and location',
    (name, spec) => {
      const input = glueTableInput(spec, options);
      expect(input.tableType).toBe('EXTERNAL_TABLE');
      const sd = input.storageDescriptor as Record<string, any>;
      const glueType = { string: 'string', int32: 'int', int64: 'bigint', timestamp: 'timestamp' } as const;
      expect(sd.columns).toEqual(
        stagedColumns(spec).map((c) => ({ name: c.name, type: glueType[c.type], comment: c.description })),
      );
      expect(sd.location).toBe(`s3://curated-bucket/tables/${name}/`);
      expect(sd.serdeInfo.serializationLibrary).toBe('org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe');
      expect(sd.inputFormat).toBe('org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat');
      for (const column of sd.columns) expect(column.comment.length).toBeLessThanOrEqual(255);
    },
  );

  it.each(OUTPUT_TABLES.map((spec) => [spec.name, spec] as const))(
    '%s: dt partition with date projection',
    (name, spec) => {
      const input = glueTableInput(spec, options);
      expect(input.partitionKeys).toEqual([{ name: 'dt', type: 'string', comment: expect.any(String) }]);
      expect(input.parameters).toMatchObject({
        EXTERNAL: 'TRUE',
        classification: 'parquet',
        'projection.enabled': 'true',
        'projection.dt.type': 'date',
        'projection.dt.format': 'yyyy-MM-dd',
        'projection.dt.range': '2025-11-01,NOW',
        'projection.dt.interval': '1',
        'projection.dt.interval.unit': 'DAYS',
        'storage.location.template': `s3://curated-bucket/tables/${name}/dt=\${dt}/`,
      });
    },
  );

  it('fails early on a location without a trailing slash', () => {
    expect(() => glueTableInput(OUTPUT_TABLES[0], { ...options, tablesLocation: 's3://b/tables' })).toThrow(
      /end in "\/"/,
    );
  });
});
