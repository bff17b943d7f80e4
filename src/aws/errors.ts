import { errorMessage } from '../errors.js';

/** An AWS call that failed, carrying what we were doing when it did. */
export class AwsCallError extends Error {
  override readonly name = 'AwsCallError';
  constructor(
    /** e.g. "updating service web in cluster prod" */
    readonly action: string,
    /** the AWS error code, e.g. ServiceNotFoundException */
    readonly code: string,
    detail: string,
    override readonly cause?: unknown
  ) {
    super(`${action}: ${code}: ${detail}${hint(code)}`);
  }
}

const ACCESS_DENIED = /AccessDenied|UnauthorizedOperation|NotAuthorized/;
const BAD_CREDENTIALS = /UnrecognizedClient|InvalidClientTokenId|InvalidSignature|SignatureDoesNotMatch|ExpiredToken|CredentialsProviderError/;

function hint(code: string): string {
  if (ACCESS_DENIED.test(code)) return ' (the role the workflow runs as lacks this permission: see the IAM policy in the README)';
  if (BAD_CREDENTIALS.test(code)) return ' (check the AWS credentials and region: configure-aws-credentials must run before this step)';
  if (code === 'ClusterNotFoundException') return ' (check the cluster name and the region)';
  return '';
}

export function awsErrorCode(error: unknown): string {
  if (error && typeof error === 'object') {
    const e = error as { name?: unknown; Code?: unknown; code?: unknown };
    for (const c of [e.name, e.Code, e.code]) if (typeof c === 'string' && c !== 'Error') return c;
  }
  return 'Error';
}

export function isThrottle(error: unknown): boolean {
  return /Throttl|RequestLimitExceeded|TooManyRequests|Rate exceeded/i.test(`${awsErrorCode(error)} ${errorMessage(error)}`);
}

/** Runs one AWS call, wrapping any failure with what was being done. */
export async function attempt<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof AwsCallError) throw error;
    throw new AwsCallError(action, awsErrorCode(error), errorMessage(error), error);
  }
}
