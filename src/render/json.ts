/** Plain JSON values: what a parsed template becomes before it is checked against the ECS model. */
export type Json = string | number | boolean | null | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export type PathSegment = string | number;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `containerDefinitions[1].portMappings[0].containerPort`: the form every message uses. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}

/** A deep copy through JSON: drops undefined, turns Dates into strings (read-only fields are stripped anyway). */
export function toJson(value: unknown): Json {
  return JSON.parse(JSON.stringify(value ?? null)) as Json;
}

/** A value quoted in a message: a 400-digit number is not worth printing whole. */
export function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 20)}…(${text.length} characters)` : text;
}
