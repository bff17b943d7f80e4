/**
 * Placeholders inside one string value:
 *   {{ name }}       a variable from the `vars` input
 *   {{ env.NAME }}   an environment variable of the runner
 *   {{ '{{' }}       a literal: a quoted string inside braces is written as it is, which is how a
 *                    template spells a literal `{{` anywhere (`{{ "{{" }}` works too).
 *   {{.Name}}        Go-template text (Docker's log `tag`, `docker.{{.Name}}`; `{{ json . }}`) is
 *                    never ours: a body that starts with `.`, `$`, a `-` trim marker or `/*`, or has a
 *                    word starting with `.` or `$`, is left exactly as written.
 * Whitespace inside the braces is optional. Substitution is one pass over the original text,
 * so a value that itself contains `{{ other }}` is written literally, never expanded again.
 */
export interface Variables {
  vars: ReadonlyMap<string, string>;
  env: Readonly<Record<string, string | undefined>>;
}

export interface Substituted {
  value: string;
  /** Set when the text was exactly one variable placeholder: its value may become a number or boolean. */
  whole?: string;
  /** Placeholder names (`name` or `env.NAME`) that had no value. */
  missing: string[];
  /** Placeholders that are not `{{ name }}`, `{{ env.NAME }}` or `{{ 'literal' }}`. */
  malformed: string[];
  used: string[];
}

const PLACEHOLDER = /\{\{([\s\S]*?)\}\}/g;
const VAR_NAME = /^[A-Za-z_][\w.-]*$/;
const ENV_NAME = /^env\.([A-Za-z_][A-Za-z0-9_]*)$/;
const PLACEHOLDER_ONLY = /^\{\{[^{}]*\}\}$/;
/** Go's text/template syntax: fields (.Name), variables ($x), trim markers ({{- x -}}), comments. */
const GO_TEMPLATE = /^(-\s|[.$]|\/\*)|(^|\s)[.$]/;

/** Whether the body of a `{{…}}` is Go-template text, which Docker and other tools expand later, not us. */
export function isGoTemplate(body: string): boolean {
  return GO_TEMPLATE.test(body.trim());
}

export function hasPlaceholder(text: string): boolean {
  return text.includes('{{');
}

export function substitute(text: string, variables: Variables): Substituted {
  const result: Substituted = { value: text, missing: [], malformed: [], used: [] };
  if (!hasPlaceholder(text)) return result;
  let wholeName: string | undefined;
  let matches = 0;
  const value = text.replace(PLACEHOLDER, (raw, inner: string) => {
    matches++;
    const body = inner.trim();
    const literal = /^'([^']*)'$/.exec(body) ?? /^"([^"]*)"$/.exec(body);
    if (literal) return literal[1]!;
    if (isGoTemplate(inner)) return raw;
    const env = ENV_NAME.exec(body);
    if (env) {
      const v = variables.env[env[1]!];
      if (v === undefined) {
        result.missing.push(body);
        return raw;
      }
      result.used.push(body);
      wholeName = body;
      return v;
    }
    if (VAR_NAME.test(body)) {
      const v = variables.vars.get(body);
      if (v === undefined) {
        result.missing.push(body);
        return raw;
      }
      result.used.push(body);
      wholeName = body;
      return v;
    }
    result.malformed.push(raw);
    return raw;
  });
  // An opening `{{` left over (no closing braces) is a typo, not text the user wants verbatim.
  if (text.replace(PLACEHOLDER, '').includes('{{')) result.malformed.push(text);
  result.value = value;
  if (matches === 1 && wholeName !== undefined && PLACEHOLDER_ONLY.test(text)) result.whole = wholeName;
  return result;
}
