/**
 * The awsQuery protocol (ELBv2): form-encoded requests, XML responses.
 * Requests flatten structure into keys (`Actions.member.1.ForwardConfig.TargetGroups.member.2.Weight`);
 * decoding rebuilds the structure so handlers see the same shapes as the API reference.
 * Values stay strings: the handler knows which members are numbers or booleans.
 */

export interface QueryRequest {
  action: string;
  version: string;
  input: Record<string, any>;
}

export function parseQueryBody(body: string): QueryRequest {
  const params = new URLSearchParams(body);
  const root: Record<string, any> = {};
  let action = '';
  let version = '';
  for (const [key, value] of params) {
    if (key === 'Action') action = value;
    else if (key === 'Version') version = value;
    else assign(root, key.split('.'), value);
  }
  return { action, version, input: normalise(root) as Record<string, any> };
}

function assign(target: Record<string, any>, path: string[], value: string): void {
  let node = target;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i];
    node[key] ??= {};
    node = node[key];
  }
  node[path[path.length - 1]] = value;
}

/** `{member: {1: a, 2: b}}` → `[a, b]`, `{entry: {1: {key, value}}}` → a map, recursively. */
function normalise(node: unknown): unknown {
  if (node === null || typeof node !== 'object') return node;
  const obj = node as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1 && keys[0] === 'member') {
    const members = obj.member as Record<string, unknown>;
    if (members === null || typeof members !== 'object') return [];
    return Object.keys(members)
      .sort((a, b) => Number(a) - Number(b))
      .map((k) => normalise(members[k]));
  }
  if (keys.length === 1 && keys[0] === 'entry') {
    const entries = obj.entry as Record<string, { key?: string; value?: unknown }>;
    const map: Record<string, unknown> = {};
    for (const e of Object.values(entries)) if (e && e.key !== undefined) map[e.key] = normalise(e.value);
    return map;
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = normalise(obj[k]);
  return out;
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

/** One value as XML: lists are `<member>` elements, Dates ISO 8601, booleans `true`/`false`. */
export function toXml(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => `<member>${toXml(v)}</member>`).join('');
  if (typeof value === 'object') {
    return Object.entries(value)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => `<${k}>${toXml(v)}</${k}>`)
      .join('');
  }
  return escapeXml(String(value));
}

export function encodeQueryResponse(action: string, namespace: string, output: unknown, requestId: string): string {
  return (
    `<${action}Response xmlns="${namespace}">` +
    `<${action}Result>${toXml(output ?? {})}</${action}Result>` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>` +
    `</${action}Response>`
  );
}

export function encodeQueryError(code: string, message: string, status: number, requestId: string): string {
  const type = status >= 500 ? 'Receiver' : 'Sender';
  return (
    `<ErrorResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/">` +
    `<Error><Type>${type}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error>` +
    `<RequestId>${requestId}</RequestId></ErrorResponse>`
  );
}
