/**
 * render: template (or a registered revision) → substituted → official-action inputs applied →
 * validated RegisterTaskDefinition input. No mutating AWS call happens here; the only AWS call
 * is reading the revision to start from, when asked to.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile as fsReadFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import type { EcsApi } from '../aws/clients.js';
import { InputError, InputErrors } from '../errors.js';
import type { Reporter } from '../events.js';
import { isObject, toJson, type Json, type JsonObject } from './json.js';
import { sameTaskDefinition } from './normalize.js';
import { applyOverrides } from './overrides.js';
import type { DocContext } from './schema.js';
import type { RenderSettings } from './settings.js';
import { parseTemplate } from './template.js';
import { stripReadOnly, unwrapDescribeOutput, validateTaskDefinition } from './validate.js';

export { readRenderSettings, type RenderSettings, type TemplateSource, type ContainerOverrides } from './settings.js';
export { normalizeTaskDefinition, sameTaskDefinition } from './normalize.js';
export { diffTaskDefinitions, formatDiff, type DiffLine } from './diff.js';

export interface Rendered {
  /** Ready for RegisterTaskDefinition (tags included). */
  input: RegisterTaskDefinitionCommandInput;
  family: string;
  /** The template file, as the user named it. */
  sourceFile?: string;
  /** The registered revision it started from, and whether rendering left it unchanged. */
  base?: { arn: string; unchanged: boolean };
  /** Where writeRendered puts it unless told otherwise: rendered-path, or a new file in the temp directory. */
  path: string;
}

export interface RenderDeps {
  ecs: EcsApi;
  reporter: Reporter;
  readFile?: (path: string) => Promise<string>;
}

/**
 * Registers the values of `secret-vars` for masking. Callers do this before anything is
 * printed (the pipeline, before its first log group), so no message can carry a secret value.
 */
export function maskSecretVars(settings: RenderSettings, reporter: Pick<Reporter, 'secret'>): void {
  for (const name of settings.secretVars) {
    const value = name.startsWith('env.') ? settings.env[name.slice(4)] : settings.vars.get(name);
    if (value === undefined || value === '') continue;
    reporter.secret(value);
    for (const line of value.split(/\r?\n/)) if (line.trim() !== '' && line !== value) reporter.secret(line);
  }
}

export async function renderTaskDefinition(settings: RenderSettings, deps: RenderDeps): Promise<Rendered> {
  const { reporter } = deps;
  // Again here, for callers that render without the pipeline (harmless twice).
  maskSecretVars(settings, reporter);

  const source = settings.source;
  let parsed: Json;
  let ctx: DocContext = { lines: new Map(), placeholders: new Map() };
  let base: { arn: string; original: JsonObject } | undefined;
  if (source.kind === 'file') {
    const read = deps.readFile ?? ((p: string) => fsReadFile(p, 'utf8'));
    let text: string;
    try {
      text = await read(source.resolved);
    } catch (error) {
      const code = error instanceof Error && 'code' in error ? error.code : undefined;
      throw new InputError(
        code === 'ENOENT' ? 'the task definition template does not exist' : `cannot read the task definition template: ${String(error)}`,
        { file: source.path },
        'check the task-definition path (relative to the repository root)'
      );
    }
    const template = parseTemplate(text, source.path, { vars: settings.vars, env: settings.env });
    parsed = template.doc;
    ctx = { file: source.path, lines: template.lines, placeholders: template.placeholders };
    const unused = [...settings.vars.keys()].filter((name) => !template.used.has(name));
    if (unused.length > 0) {
      reporter.warning(`vars not used by the template: ${unused.join(', ')}`, { file: source.path });
    }
  } else {
    const ref = source.kind === 'family' ? source.family : source.arn;
    const described = await deps.ecs.describeTaskDefinition(ref);
    const doc = toJson(described.taskDefinition);
    if (isObject(doc) && described.tags.length > 0) doc['tags'] = toJson(described.tags);
    parsed = doc;
    base = { arn: described.taskDefinition.taskDefinitionArn ?? ref, original: isObject(doc) ? structuredClone(doc) : {} };
    if (settings.vars.size > 0) reporter.warning(`vars are not used: the task definition starts from ${ref}, not a template`);
    reporter.info(`starting from ${base.arn}`);
  }

  if (!isObject(parsed)) {
    throw new InputError('is not a task definition', { ...(ctx.file ? { file: ctx.file } : {}) }, 'the file must hold an object with family and containerDefinitions');
  }
  const unwrapped = unwrapDescribeOutput(parsed, ctx);
  const doc = unwrapped.doc;
  ctx = unwrapped.ctx;
  if (unwrapped.unwrapped) reporter.info('the template is describe-task-definition output: using its taskDefinition and tags');
  const stripped = stripReadOnly(doc);
  if (stripped.length > 0 && source.kind === 'file') {
    reporter.notice(
      `removed fields that describe-task-definition returns but register-task-definition rejects: ${stripped.join(', ')}`,
      { file: source.path, ...(ctx.lines.get(stripped[0]!) ? { line: ctx.lines.get(stripped[0]!)! } : {}) }
    );
  }
  if (settings.family !== undefined) doc['family'] = settings.family;

  const errors = applyOverrides(doc, settings.overrides, { label: settings.label ?? ((n) => `input \`${n}\``) });
  let input: RegisterTaskDefinitionCommandInput | undefined;
  try {
    input = await validateTaskDefinition(doc, ctx);
  } catch (error) {
    if (!(error instanceof InputErrors)) throw error;
    errors.push(...error.errors);
  }
  if (errors.length > 0 || !input) throw new InputErrors(errors);

  const family = input.family!;
  reporter.event({ kind: 'rendered', ...(source.kind === 'file' ? { file: source.path } : {}), family });
  return {
    input,
    family,
    ...(source.kind === 'file' ? { sourceFile: source.path } : {}),
    ...(base ? { base: { arn: base.arn, unchanged: sameTaskDefinition(base.original, input) } } : {}),
    path: settings.renderedPath ?? join(settings.tempDir, `task-definition-${family}-${randomBytes(4).toString('hex')}.json`)
  };
}

/** The rendered definition as JSON: what the file holds and what `register-task-definition --cli-input-json` takes. */
export function renderedJson(rendered: Rendered): string {
  return `${JSON.stringify(rendered.input, null, 2)}\n`;
}

export async function writeRendered(rendered: Rendered, path: string = rendered.path): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, renderedJson(rendered), 'utf8');
  return path;
}
