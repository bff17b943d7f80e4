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
const BAD_CREDENTIALS =
  /UnrecognizedClient|InvalidClientTokenId|InvalidSignature|SignatureDoesNotMatch|ExpiredToken|CredentialsProviderError/;

function hint(code: string): string {
  if (ACCESS_DENIED.test(code)) return ' (the role the workflow runs as lacks this permission: see the IAM policy in the README)';
  if (BAD_CREDENTIALS.test(code)) return ' (check the AWS credentials and region: configure-aws-credentials must run before this step)';
  if (code === 'ClusterNotFoundException') return ' (check the cluster name and the region)';
  return '';
}

export function awsErrorCode(error: unknown): string {
  if (error instanceof AwsCallError) return error.code;
  if (error && typeof error === 'object') {
    const e = error as { name?: unknown; Code?: unknown; code?: unknown };
    for (const c of [e.name, e.Code, e.code]) if (typeof c === 'string' && c !== 'Error') return c;
  }
  return 'Error';
}

/**
 * Throttling by any of the services (ECS ThrottlingException, ELB Throttling, CloudWatch
 * Throttling / "Rate exceeded"), also when a call ran out of time while throttled: its
 * timeout message quotes the last answer.
 */
export function isThrottle(error: unknown): boolean {
  return /Throttl|RequestLimitExceeded|TooManyRequests|Rate exceeded/i.test(`${awsErrorCode(error)} ${errorMessage(error)}`);
}

/** The code of a call that AWS did not answer within its deadline (ours, or the SDK's per-attempt one). */
export const TIMEOUT = 'TimeoutError';
/** The code of a call abandoned because a signal given to `Aws.withSignal` aborted. */
export const ABORT = 'AbortError';

/** The call did not answer within its deadline; nothing is known about whether AWS applied it. */
export function isTimeout(error: unknown): boolean {
  return awsErrorCode(error) === TIMEOUT;
}

/** The call was abandoned because its signal aborted (the deployment's timeout, cancellation, the end of a poll round). */
export function isAbort(error: unknown): boolean {
  return awsErrorCode(error) === ABORT;
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
