/**
 * awsJson1_0 / awsJson1_1 bodies. Handler outputs carry `Date`s for timestamps; the
 * JSON protocols send them as epoch seconds.
 */

export function parseJsonBody(body: string): Record<string, any> {
  if (body.trim() === '') return {};
  const parsed: unknown = JSON.parse(body);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('the request body is not a JSON object');
  return parsed as Record<string, any>;
}

/** Dates become epoch seconds; undefined members are dropped (as JSON.stringify does). */
export function toJsonValue(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toJsonValue(v);
    return out;
  }
  return value;
}

export function encodeJson(output: unknown): string {
  return JSON.stringify(toJsonValue(output ?? {}));
}
