import { InputError } from './errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * The longest wait a timer can take: setTimeout treats anything above 2^31-1 ms (about 24.8 days)
 * as 1 ms, which would turn a long poll interval into a tight loop against the AWS APIs.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Parses `500ms`, `90s`, `5m`, `1h`, `1m30s` or plain seconds (`30`, `0.5`) into milliseconds.
 * Durations are inputs everywhere so tests can run on a compressed clock.
 */
export function parseDuration(text: string, field: string): number {
  const ms = durationMs(text);
  if (ms === undefined) {
    throw new InputError(`"${text}" is not a duration`, { path: field }, 'write e.g. 500ms, 90s, 5m, 1h or a number of seconds');
  }
  if (ms > MAX_TIMER_MS) {
    throw new InputError(
      `"${text}" is longer than any wait can be`,
      { path: field },
      'a timer waits at most about 24 days (2^31-1 ms): use e.g. 576h or less'
    );
  }
  return ms;
}

/** Milliseconds, or undefined when the text is not a duration; may be larger than a timer takes (even Infinity). */
export function durationMs(text: string): number | undefined {
  const s = text.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const parts = [...s.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length > 0 && parts.map((p) => p[0]).join('') === s) {
    return Math.round(parts.reduce((sum, p) => sum + Number(p[1]) * UNITS[p[2]!]!, 0));
  }
  return undefined;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${Number.isInteger(s) ? s : s.toFixed(1)}s`;
  // Round to whole seconds before splitting, so 119.6 s is 2m, not 1m60s.
  const total = Math.round(s);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total - h * 3600) / 60);
  const rest = total - h * 3600 - m * 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${rest ? `${rest}s` : ''}`;
}
