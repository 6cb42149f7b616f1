/** The S3 source and store against s3rver: multipart writes, key spellings, ranged reads, cut bodies. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createS3Client } from '../../functions/adapters/s3-client.js';
import { resolveS3Object, s3SourceObject } from '../../functions/adapters/s3-source.js';
import { S3BlobStore } from '../../functions/adapters/s3-store.js';
import { ObjectRejectedError } from '../../functions/core/flow-log-aggregator.js';
import { getObject, putObject, s3Client, withLocalS3 } from './local-s3.js';

const servers = withLocalS3(['bucket']);
Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' }); // for createS3Client

async function drain(iterable: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of iterable) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('S3BlobStore', () => {
  it('writes a body larger than one part as a multipart upload, byte for byte', async () => {
    const body = randomBytes(12 << 20);
    const store = new S3BlobStore(s3Client(servers.proxy.endpoint), 'bucket', 'out/');
    servers.proxy.log.length = 0;
    await store.put('big.parquet', body, 'application/vnd.apache.parquet');
    expect(store.describe('big.parquet')).toBe('s3://bucket/out/big.parquet');
    expect(servers.proxy.requests((r) => r.method === 'PUT' && r.path === '/bucket/out/big.parquet')).toBe(2); // two parts
    expect((await getObject(servers.s3.client, 'bucket', 'out/big.parquet')).equals(body)).toBe(true);
  });
});

describe('S3 source objects', () => {
  it('stream the object, and read byte ranges', async () => {
    const body = randomBytes(300_000);
    const facts = await putObject(servers.s3.client, 'bucket', 'in/object.bin', body);
    const object = s3SourceObject(s3Client(servers.s3.endpoint), { bucket: 'bucket', key: 'in/object.bin', ...facts });
    expect(object).toMatchObject({
      name: 's3://bucket/in/object.bin',
      identity: `s3://bucket/in/object.bin#etag=${facts.eTag}`,
    });
    expect((await drain(await object.open())).equals(body)).toBe(true);
    expect(Buffer.from(await object.readRange!(1000, 1010)).equals(body.subarray(1000, 1010))).toBe(true);
  });

  it('report a cut connection as a retryable error, never as a corrupt object', async () => {
    const body = randomBytes(300_000);
    const facts = await putObject(servers.s3.client, 'bucket', 'in/cut.bin', body);
    servers.proxy.rule = () => 'cut-body';
    try {
      const object = s3SourceObject(s3Client(servers.proxy.endpoint), {
        bucket: 'bucket',
        key: 'in/cut.bin',
        ...facts,
      });
      const error = await drain(await object.open()).then(
        () => undefined,
        (e: unknown) => e,
      );
      // The transport's own error (the socket went away mid-body): retryable, not a verdict on the object.
      expect((error as NodeJS.ErrnoException).code).toBe('ECONNRESET');
      expect(error).not.toBeInstanceOf(ObjectRejectedError);
      await expect(object.readRange!(0, 200_000)).rejects.not.toBeInstanceOf(ObjectRejectedError);
    } finally {
      servers.proxy.rule = () => 'pass';
    }
  });

  it('time out a body that stalls, as a retryable error', async () => {
    const facts = await putObject(servers.s3.client, 'bucket', 'in/stall.bin', randomBytes(300_000));
    servers.proxy.rule = () => 'stall-body';
    try {
      const client = createS3Client({ endpoint: servers.proxy.endpoint, socketTimeoutMs: 300 });
      const object = s3SourceObject(client, { bucket: 'bucket', key: 'in/stall.bin', ...facts });
      const error = await drain(await object.open()).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(ObjectRejectedError);
    } finally {
      servers.proxy.rule = () => 'pass';
    }
  });

  it('resolve the spelling of an EventBridge key that exists, and fill in size and ETag', async () => {
    const facts = await putObject(servers.s3.client, 'bucket', 'in/with space.log', 'start\n1\n');
    const client = s3Client(servers.s3.endpoint);
    const decoded = await resolveS3Object(client, {
      bucket: 'bucket',
      key: 'in/with+space.log',
      altKeys: ['in/with space.log'],
    });
    expect(decoded).toMatchObject({
      key: 'in/with space.log',
      size: facts.size,
      identity: `s3://bucket/in/with space.log#etag=${facts.eTag}`,
    });
    await expect(
      resolveS3Object(client, { bucket: 'bucket', key: 'in/nope', altKeys: ['in/nope either'] }),
    ).rejects.toThrow(/object not found in bucket bucket \(keys tried: "in\/nope", "in\/nope either"\)/);
  });
});
