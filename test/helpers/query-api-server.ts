import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * One request as an AWS Query-protocol service (SNS, STS, EC2) receives it, or a JSON-protocol
 * one (SSM, Organizations: `X-Amz-Target: <service>.<Action>` and a JSON body).
 */
export interface QueryRequest {
  readonly action: string;
  /** The parsed body of a JSON-protocol request. */
  readonly json?: Record<string, unknown>;
  readonly params: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** The access key id the request was signed with (from the SigV4 Authorization header). */
  readonly accessKeyId: string | undefined;
  /** The region of the SigV4 credential scope. */
  readonly region: string | undefined;
}

export interface QueryResponse {
  readonly status?: number;
  readonly body: string;
  /** Default text/xml (Query protocol); JSON-protocol answers set application/x-amz-json-1.1. */
  readonly contentType?: string;
}

/**
 * A real HTTP endpoint on 127.0.0.1 speaking the AWS Query protocol: the SDK client under test
 * sends form-encoded `Action=...` POSTs (or JSON-protocol POSTs), `respond` returns the XML (or
 * JSON) a real service would. No SNS, EC2, STS, SSM or Organizations server runs locally, so
 * this is the closest real component: the real SDK client, its serializer and parser, over real HTTP.
 */
export class QueryApiServer {
  readonly requests: QueryRequest[] = [];

  private constructor(private readonly server: Server) {}

  static async start(
    respond: (request: QueryRequest) => QueryResponse | Promise<QueryResponse>,
  ): Promise<QueryApiServer> {
    let self: QueryApiServer | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const target = req.headers['x-amz-target'];
        const params = new URLSearchParams(typeof target === 'string' ? '' : text);
        const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\//.exec(req.headers.authorization ?? '');
        const request = {
          action: typeof target === 'string' ? target.slice(target.lastIndexOf('.') + 1) : (params.get('Action') ?? ''),
          ...(typeof target === 'string' ? { json: JSON.parse(text || '{}') as Record<string, unknown> } : {}),
          params,
          headers: req.headers,
          accessKeyId: scope?.[1],
          region: scope?.[2],
        };
        self!.requests.push(request);
        const response = await respond(request);
        res.writeHead(response.status ?? 200, { 'content-type': response.contentType ?? 'text/xml' });
        res.end(response.body);
      });
    });
    self = new QueryApiServer(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return self;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Static credentials for SDK clients pointed at a local endpoint. */
export const TEST_CREDENTIALS = { accessKeyId: 'AKIDTESTCALLER', secretAccessKey: 'test-secret' };

const SNS_NS = 'http://sns.amazonaws.com/doc/2010-03-31/';

export const snsPublishOk = (messageId: string): QueryResponse => ({
  body:
    `<PublishResponse xmlns="${SNS_NS}"><PublishResult><MessageId>${messageId}</MessageId></PublishResult>` +
    `<ResponseMetadata><RequestId>req-${messageId}</RequestId></ResponseMetadata></PublishResponse>`,
});

export const snsError = (status: number, code: string, message: string): QueryResponse => ({
  status,
  body:
    `<ErrorResponse xmlns="${SNS_NS}"><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${code}</Code>` +
    `<Message>${message}</Message></Error><RequestId>req-error</RequestId></ErrorResponse>`,
});

/** SNS `MessageAttributes.entry.N.*` form fields back as { name: { DataType, StringValue } }. */
export function publishedAttributes(
  params: URLSearchParams,
): Record<string, { DataType: string; StringValue: string }> {
  const out: Record<string, { DataType: string; StringValue: string }> = {};
  for (let n = 1; params.has(`MessageAttributes.entry.${n}.Name`); n++) {
    out[params.get(`MessageAttributes.entry.${n}.Name`)!] = {
      DataType: params.get(`MessageAttributes.entry.${n}.Value.DataType`)!,
      StringValue: params.get(`MessageAttributes.entry.${n}.Value.StringValue`)!,
    };
  }
  return out;
}
