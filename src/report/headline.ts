/**
 * The one-sentence headline of a run (at most 160 characters): the verdict, the root
 * cause and where traffic is now. It is the first line of the summary, the `reason`
 * output, the error annotation and the CLI's last line; the full ECS text stays in the
 * evidence below it.
 */
import type { DeployStatus } from '../events.js';
import type { Cause } from '../deploy/cause.js';
import { LockError } from '../lock/lock.js';

export const HEADLINE_MAX = 160;

export interface HeadlineInput {
  status: DeployStatus;
  /** `web:5`, the revision deployed. */
  revision: string;
  cause: Cause;
  /** Where production is now, e.g. "100 % stays on web-green (web:4)"; empty when unknown. */
  where: string;
}

function shortArn(arn: string): string {
  // arn:aws:secretsmanager:…:secret:db-password-AbCdEf → db-password-AbCdEf; arn:aws:ssm:…:parameter/app/db → /app/db
  const parameter = /:parameter(\/.*)$/.exec(arn);
  if (parameter) return parameter[1]!;
  const secret = /:secret:([^:]+)/.exec(arn);
  return secret ? secret[1]! : arn;
}

function codesText(codes: string[]): string {
  if (codes.length === 0) return '';
  const http = codes.filter((c) => /^\d{3}(-\d{3})?$/.test(c));
  return http.length ? ` (HTTP ${http.join(', ')})` : ` (${codes.join(', ')})`;
}

/** What went wrong, as a predicate of the revision: "web:5 failed its ELB health checks (HTTP 500)". */
export function causePhrase(cause: Cause): string {
  switch (cause.kind) {
    case 'health-checks':
      return `failed its ELB health checks${codesText(cause.codes)}`;
    case 'container-exited':
      return `essential container ${cause.container} exited with code ${cause.exitCode}`;
    case 'oom':
      return `container ${cause.container} was OOM-killed (out of memory, exit 137)`;
    case 'image-pull':
      return cause.image ? `could not pull image ${cause.image}` : 'could not pull its container image';
    case 'secret-fetch':
      return cause.secret ? `could not fetch secret ${shortArn(cause.secret)}` : 'could not fetch its secrets or parameters';
    case 'no-capacity':
      return 'could not be placed: no capacity for its tasks';
    case 'timeout-starting':
      return `was still starting at the timeout${cause.after ? ` (${cause.after})` : ''}: ${cause.running} of ${cause.desired} tasks running`;
    case 'timeout':
      return `did not finish within the timeout${cause.after ? ` (${cause.after})` : ''}`;
    case 'alarm':
      return `set off alarm ${cause.name}${cause.value && cause.threshold ? ` (${cause.value} vs threshold ${cause.threshold})` : cause.value ? ` (${cause.value})` : ''}`;
    case 'metric-gate':
      return `failed ${cause.gate} (${cause.observed} > ${cause.limit})`;
    case 'cancelled':
      return `was cancelled${cause.signal ? ` (${cause.signal})` : ''}`;
    case 'lock':
      return `was not deployed: deployment lock ${cause.key ?? ''} is held${cause.holder ? ` by ${cause.holder}` : ''}`.replace('  ', ' ');
    case 'replaced':
      return 'was replaced by another deployment while we watched';
    case 'other':
      return cause.text;
  }
}

const VERDICT: Record<DeployStatus, string> = { succeeded: 'Deployed', 'rolled-back': 'Rolled back', failed: 'Failed' };

/** Cuts `text` to `max` characters at a word boundary, with an ellipsis. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:(—-]+$/, '')}…`;
}

/**
 * "Rolled back: web:5 failed its ELB health checks (HTTP 500) — 100 % stays on web-green (web:4)".
 * Where traffic is wins over the cause's detail when both do not fit: the cause is clipped.
 */
export function headline(input: HeadlineInput): string {
  const head = `${VERDICT[input.status]}: `;
  const tail = input.where ? ` — ${input.where}` : '';
  const room = HEADLINE_MAX - head.length - tail.length;
  const what = clip(`${input.revision} ${causePhrase(input.cause)}`.replace(/\s+/g, ' ').trim(), Math.max(40, room));
  return clip(`${head}${what}${tail}`, HEADLINE_MAX);
}

/**
 * The headline of a run refused before anything changed, for the failures that have a
 * root cause of their own (the deployment lock); undefined for the rest, whose message
 * (an input problem, an AWS error) already is the sentence to read.
 */
export function errorHeadline(error: unknown): string | undefined {
  if (!(error instanceof LockError)) return undefined;
  if (error.reason === 'busy') {
    return clip(`Not deployed: deployment lock ${error.key} is held by ${error.holder || 'another run'} — nothing changed`, HEADLINE_MAX);
  }
  if (error.reason === 'cancelled')
    return clip(`Not deployed: cancelled while waiting for deployment lock ${error.key} — nothing changed`, HEADLINE_MAX);
  return clip(
    `Not deployed: could not take deployment lock ${error.key} (${error.message.split(/[.;]/)[0]}) — nothing changed`,
    HEADLINE_MAX
  );
}
