import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCiphertrailApp } from '../../infra/ciphertrail-app.js';
import { sqsEvent, TEST_EVENT } from '../handlers/aws-events.js';

/**
 * The one test that bundles for real: NodejsFunction with the local esbuild (no Docker), as
 * `npm run synth` does. The Parquet writer is plain TypeScript now (no parquet-wasm), so a
 * bundle is one file that loads from anywhere: nothing has to travel beside it (no .wasm or other asset file).
 */
const run = promisify(execFile);
let outdir: string;
let assetOf: Map<string, string>;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'ciphertrail-bundle-'));
  const { app } = createCiphertrailApp({ outdir, context: { firehoseEnabled: true } });
  const assembly = app.synth();
  const template = assembly.getStackByName('Ciphertrail').template as { Resources: Record<string, any> };
  assetOf = new Map();
  for (const resource of Object.values(template.Resources)) {
    const service = resource.Properties?.Environment?.Variables?.POWERTOOLS_SERVICE_NAME;
    if (resource.Type !== 'AWS::Lambda::Function' || !service) continue;
    const key = String(resource.Properties.Code.S3Key);
    assetOf.set(service, join(outdir, `asset.${key.replace(/\.zip$/, '')}`));
  }
});

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

describe('Lambda bundles (real local esbuild bundling)', () => {
  it('bundles every handler as ESM, with the AWS SDK inside and DuckDB left out', () => {
    expect([...assetOf.keys()].sort()).toEqual([
      'commit-tables',
      'firehose-transform',
      'iceberg-tables',
      'ingest',
      'sync-boundaries',
      'weekly-report',
    ]);
    for (const [service, dir] of assetOf) {
      const bundle = readFileSync(join(dir, 'index.mjs'), 'utf8');
      expect(bundle, service).not.toMatch(/@duckdb\/node-api/);
      expect(bundle, service).not.toMatch(/from\s*["']@aws-sdk\//);
    }
  });

  it('loads no WebAssembly file and carries none: parquet-wasm and Arrow are not in any bundle', () => {
    for (const [service, dir] of assetOf) {
      const bundle = readFileSync(join(dir, 'index.mjs'), 'utf8');
      expect(bundle, service).not.toContain('parquet_wasm_bg.wasm');
      expect(bundle, service).not.toMatch(/apache-arrow/);
      expect(
        readdirSync(dir).filter((name) => name.endsWith('.wasm')),
        service,
      ).toEqual([]);
    }
  });

  it('turns incremental marking off in the ingest bundle only (functions/adapters/gc-tuning.ts)', () => {
    for (const [service, dir] of assetOf) {
      const sets = readFileSync(join(dir, 'index.mjs'), 'utf8').includes('"--no-incremental-marking"');
      expect(sets, service).toBe(service === 'ingest');
    }
  });

  it('loads and answers an SQS batch from another working directory', async () => {
    const bundle = pathToFileURL(join(assetOf.get('ingest')!, 'index.mjs')).href;
    const script = join(outdir, 'invoke.mjs');
    writeFileSync(
      script,
      `
      const { handler } = await import(${JSON.stringify(bundle)});
      const context = { functionName: 'ingest', functionVersion: '$LATEST', memoryLimitInMB: '1769', awsRequestId: 'req-1',
        invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:ingest', logGroupName: 'g', logStreamName: 's',
        getRemainingTimeInMillis: () => 60000 };
      const event = ${JSON.stringify(sqsEvent([{ messageId: 'm-1', body: TEST_EVENT }]))};
      const result = await handler(event, context);
      console.log('RESULT ' + JSON.stringify(result));
    `,
    );
    const { stdout } = await run(process.execPath, ['--no-warnings', script], {
      cwd: tmpdir(),
      env: {
        PATH: process.env.PATH,
        AWS_REGION: 'us-east-1',
        CURATED_BUCKET: 'curated',
        CURATED_PREFIX: 'tables/',
        POWERTOOLS_SERVICE_NAME: 'ingest',
        POWERTOOLS_METRICS_NAMESPACE: 'Ciphertrail',
      },
    });
    expect(stdout).toContain('RESULT {"batchItemFailures":[]}');
  });
});
