/**
 * Real S3 API for tests: an s3rver on 127.0.0.1 (random port), a client configured for it
 * (path style, checksums only when required), a fault-injecting HTTP proxy in front of it, and read-back helpers.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll } from 'vitest';
import { tempDir } from '../helpers/sources.js';

export interface LocalS3 {
  readonly endpoint: string;
  readonly client: S3Client;
  stop(): Promise<void>;
}

export async function startLocalS3(buckets: readonly string[]): Promise<LocalS3> {
  const dir = tempDir('s3rver');
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: dir.path,
    configureBuckets: buckets.map((name) => ({ name, configs: [] })),
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = s3Client(endpoint);
  return {
    endpoint,
    client,
    stop: async () => {
      client.destroy();
      await server.close();
      dir.remove();
    },
  };
}

/** An s3rver and a fault proxy in front of it for the tests of one file; use them inside tests. */
export function withLocalS3(buckets: readonly string[]): { s3: LocalS3; proxy: FaultProxy } {
  const servers = {} as { s3: LocalS3; proxy: FaultProxy };
  beforeAll(async () => {
    servers.s3 = await startLocalS3(buckets);
    servers.proxy = await FaultProxy.start(servers.s3.endpoint);
  });
  afterAll(async () => {
    await servers.proxy.stop();
    await servers.s3.stop();
  });
  return servers;
}

export function s3Client(endpoint: string, maxAttempts = 3): S3Client {
  return new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    maxAttempts,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** Environment for code that builds its own S3 client (handlers, CLI) against the local server. */
export function s3Env(endpoint: string): Record<string, string> {
  return {
    S3_ENDPOINT: endpoint,
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_REGION: 'us-east-1',
    AWS_MAX_ATTEMPTS: '2',
  };
}

export async function putObject(
  client: S3Client,
  bucket: string,
  key: string,
  body: Uint8Array | string,
): Promise<{ eTag: string; size: number }> {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const out = await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes }));
  return { eTag: out.ETag!.replace(/"/g, ''), size: bytes.length };
}

export async function getObject(client: S3Client, bucket: string, key: string): Promise<Buffer> {
  const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

export async function listKeys(
  client: S3Client,
  bucket: string,
  prefix = '',
): Promise<{ key: string; eTag: string }[]> {
  const out = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (out.Contents ?? [])
    .map((c) => ({ key: c.Key!, eTag: c.ETag!.replace(/"/g, '') }))
    .sort((a, b) => (a.key < b.key ? -1 : 1));
}

/** Copies every object under `prefix` into `dir` (same relative keys), for DuckDB to read. */
export async function downloadPrefix(client: S3Client, bucket: string, prefix: string, dir: string): Promise<string[]> {
  const keys = await listKeys(client, bucket, prefix);
  for (const { key } of keys) {
    const path = join(dir, key.slice(prefix.length));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, await getObject(client, bucket, key));
  }
  return keys.map((k) => k.key);
}

export type Fault = 'pass' | 'error-500' | 'slow-down-503' | 'reset' | 'cut-body' | 'stall-body';

export interface ProxiedRequest {
  readonly method: string;
  /** Decoded path: `/bucket/key`. */
  readonly path: string;
  readonly range: string | undefined;
}

/**
 * An HTTP proxy in front of the S3 server that fails chosen requests: 500 InternalError,
 * 503 SlowDown (throttling), a connection destroyed before any answer, a body cut half-way, or
 * a body that stops half-way and never ends (the client's idle timeout must fire).
 */
export class FaultProxy {
  rule: (req: ProxiedRequest) => Fault = () => 'pass';
  readonly log: (ProxiedRequest & { fault: Fault })[] = [];

  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
  ) {}

  static async start(target: string): Promise<FaultProxy> {
    const upstream = new URL(target);
    let proxy: FaultProxy | undefined;
    const server = createServer((req, res) => proxy!.handle(req, res, upstream));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy = new FaultProxy(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return proxy;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  requests(filter: (r: ProxiedRequest & { fault: Fault }) => boolean = () => true): number {
    return this.log.filter(filter).length;
  }

  private handle(req: IncomingMessage, res: import('node:http').ServerResponse, upstream: URL): void {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    const seen = { method: req.method ?? 'GET', path, range: req.headers.range };
    const fault = this.rule(seen);
    this.log.push({ ...seen, fault });
    if (fault === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault === 'error-500' || fault === 'slow-down-503') {
      req.resume();
      req.on('end', () => {
        const [status, code] = fault === 'error-500' ? [500, 'InternalError'] : [503, 'SlowDown'];
        res.writeHead(status, { 'content-type': 'application/xml' });
        res.end(
          `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>injected by the test proxy</Message></Error>`,
        );
      });
      return;
    }
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        if (fault !== 'cut-body' && fault !== 'stall-body') {
          answer.pipe(res);
          return;
        }
        answer.once('data', (chunk: Buffer) => {
          res.write(chunk.subarray(0, Math.max(1, chunk.length >> 1)), () => {
            if (fault === 'cut-body') res.socket?.destroy();
          });
          answer.destroy();
        });
      },
    );
    forward.on('error', () => res.socket?.destroy());
    // A client that goes away mid-body (a reader that stopped early) closes the upstream request too,
    // as the network would: otherwise S3 keeps a paused response open and never shuts down.
    res.on('close', () => {
      if (!res.writableFinished) forward.destroy();
    });
    req.pipe(forward);
  }
}
