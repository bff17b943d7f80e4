/**
 * ELBv2 ARN checks and Marker paging. ELBv2 answers ValidationError ("'…' is not a valid
 * target group ARN"), not *NotFound, for an ARN it cannot parse or one of another account
 * or region; only a well-formed ARN of its own that names nothing is *NotFound.
 */
import { ApiError } from '../types.js';
import { optNumber } from '../util.js';

export type ArnKind = 'load balancer' | 'listener' | 'rule' | 'target group';

const NAME = '[a-zA-Z0-9-]{1,32}';
const ID = '[0-9a-f]{1,16}';
const LB_TYPE = '(?:app|net|gwy)';
const RESOURCE: Record<ArnKind, RegExp> = {
  'load balancer': new RegExp(`^loadbalancer/${LB_TYPE}/${NAME}/${ID}$`),
  listener: new RegExp(`^listener/${LB_TYPE}/${NAME}/${ID}/${ID}$`),
  rule: new RegExp(`^listener-rule/${LB_TYPE}/${NAME}/${ID}/${ID}/${ID}$`),
  'target group': new RegExp(`^targetgroup/${NAME}/${ID}$`)
};

/** Throws ValidationError unless `arn` is a well-formed ARN of `kind` in this account and region (`prefix` is `arn:aws:elasticloadbalancing:REGION:ACCOUNT`). */
export function checkArn(prefix: string, kind: ArnKind, arn: unknown): string {
  const text = String(arn ?? '');
  if (!text.startsWith(`${prefix}:`) || !RESOURCE[kind].test(text.slice(prefix.length + 1))) {
    throw new ApiError('ValidationError', `'${text}' is not a valid ${kind} ARN`);
  }
  return text;
}

const MARKER_PREFIX = 'sim-elbv2-v1:';

/**
 * One page of `items` (in the API's order) after `Marker`, at most `PageSize` (1–400; 400 when
 * absent, the largest page ELBv2 gives).
 * The marker names the last item returned and its position, so the next page starts right
 * after that item even when an earlier one was deleted in between.
 */
export function pageOf<T>(items: T[], key: (item: T) => string, input: Record<string, any>): { page: T[]; NextMarker?: string } {
  const size = optNumber(input.PageSize, 'pageSize');
  if (size !== undefined && (!Number.isInteger(size) || size < 1 || size > 400)) {
    const bound = size < 1 ? 'greater than or equal to 1' : 'less than or equal to 400';
    throw new ApiError(
      'ValidationError',
      `1 validation error detected: Value '${String(input.PageSize)}' at 'pageSize' failed to satisfy constraint: Member must have value ${bound}`
    );
  }
  let start = 0;
  if (input.Marker !== undefined && input.Marker !== null && input.Marker !== '') {
    const raw = String(input.Marker);
    const decoded = /^[A-Za-z0-9+/]+={0,2}$/.test(raw) ? Buffer.from(raw, 'base64').toString('utf8') : '';
    const m = decoded.startsWith(MARKER_PREFIX) ? /^(\d+):(.*)$/s.exec(decoded.slice(MARKER_PREFIX.length)) : null;
    if (!m) throw new ApiError('ValidationError', `The marker '${raw}' is not valid`);
    const found = items.findIndex((item) => key(item) === m[2]);
    start = found === -1 ? Math.min(Number(m[1]), items.length) : found + 1;
  }
  const end = start + (size ?? 400);
  const page = items.slice(start, end);
  if (end >= items.length || !page.length) return { page };
  return { page, NextMarker: Buffer.from(`${MARKER_PREFIX}${end}:${key(page.at(-1)!)}`, 'utf8').toString('base64') };
}
