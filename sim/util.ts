/** Small helpers shared by the sim's service models. */
import { ApiError } from './types.js';

/** A deterministic PRNG (mulberry32), so a seeded sim makes the same choices every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function hexId(random: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += Math.floor(random() * 16).toString(16);
  return out;
}

/** Query-protocol inputs arrive as strings; JSON ones as numbers. Both become a number or an error. */
export function optNumber(value: unknown, member: string, code = 'ValidationError'): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n))
    throw new ApiError(
      code,
      `1 validation error detected: Value '${String(value)}' at '${member}' failed to satisfy constraint: Member must be a number`
    );
  return n;
}

export function optBoolean(value: unknown): boolean | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return value === true || value === 'true';
}

/** A list member that may be absent; the query protocol sends an empty list as `X=` (an empty string). */
export function list<T = any>(value: unknown): T[] {
  if (value === undefined || value === null || value === '') return [];
  return Array.isArray(value) ? (value as T[]) : [value as T];
}

/** Accepts epoch seconds (JSON protocols), ISO 8601 (query) or a Date; returns epoch ms. */
export function timestampMs(value: unknown, member: string, code = 'ValidationError'): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value * 1000;
  const asNumber = Number(value);
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(asNumber)) return asNumber * 1000;
  const ms = Date.parse(String(value));
  if (Number.isNaN(ms)) throw new ApiError(code, `Invalid timestamp for ${member}: ${String(value)}`);
  return ms;
}
