/**
 * One line for an error a person can act on: what failed and, where it is known, what to do.
 * Never a stack trace, never the AWS SDK's `$metadata` (set CIPHERTRAIL_DEBUG=1 for the stack).
 */
export function describeError(err: unknown, options: { readonly path?: boolean } = {}): string {
  if (!(err instanceof Error)) return String(err);
  const sdk = err as Error & { $metadata?: { httpStatusCode?: number }; Code?: string };
  if (sdk.$metadata !== undefined) return awsError(sdk.name, firstLine(sdk.message), sdk.$metadata.httpStatusCode);
  if (err.name === 'CredentialsProviderError') {
    return `no AWS credentials: ${firstLine(err.message)} (set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)`;
  }
  const code = (err as NodeJS.ErrnoException).code;
  const path = (err as NodeJS.ErrnoException).path;
  const hint = code ? FILE_ERRORS[code] : undefined;
  if (hint) return `${hint}${path && options.path !== false ? `: ${path}` : ''} (${code})`;
  return firstLine(err.message);
}

const FILE_ERRORS: Record<string, string> = {
  ENOSPC: 'no space left on the device: free some space or write --out elsewhere',
  EDQUOT: 'disk quota exceeded: free some space or write --out elsewhere',
  EFBIG: 'file too large for this file system or for the process file-size limit (ulimit -f)',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'not a folder',
  EISDIR: 'is a folder, not a file',
  ENOENT: 'no such file or folder',
  EMFILE: 'too many open files (raise ulimit -n)',
};

function awsError(name: string, message: string, status: number | undefined): string {
  const hint = AWS_HINTS[name] ?? (status === 403 ? AWS_HINTS.AccessDenied : undefined);
  const text =
    message && message !== name && message !== 'UnknownError'
      ? `${name}: ${message}`
      : `${name} (HTTP ${status ?? '?'})`;
  return hint ? `${text} (${hint})` : text;
}

const AWS_HINTS: Record<string, string> = {
  NoSuchBucket: 'check the bucket name and the region',
  AccessDenied: 'an IAM permission is missing: docs/deployment.md lists them',
  InvalidAccessKeyId: 'the access key is not valid for this endpoint',
  SignatureDoesNotMatch: 'the secret key does not match the access key',
  ExpiredToken: 'the session credentials expired: refresh them',
};

const firstLine = (text: string) => text.split('\n')[0]!.trim();
