import { InputError } from './errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Parses `500ms`, `90s`, `5m`, `1h`, `1m30s` or plain seconds (`30`, `0.5`) into milliseconds.
 * Durations are inputs everywhere so tests can run on a compressed clock.
 */
export function parseDuration(text: string, field: string): number {
  const s = text.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const parts = [...s.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length > 0 && parts.map((p) => p[0]).join('') === s) {
    return Math.round(parts.reduce((sum, p) => sum + Number(p[1]) * UNITS[p[2]!]!, 0));
  }
  throw new InputError(`"${text}" is not a duration`, { path: field }, 'write e.g. 500ms, 90s, 5m, 1h or a number of seconds');
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${Number.isInteger(s) ? s : s.toFixed(1)}s`;
  // Round to whole seconds before splitting, so 119.6 s is 2m, not 1m60s.
  const total = Math.round(s);
  const m = Math.floor(total / 60);
  const rest = total - m * 60;
  return rest ? `${m}m${rest}s` : `${m}m`;
}
