/**
 * render: template (or a registered revision) → substituted → official-action inputs applied →
 * validated RegisterTaskDefinition input. No mutating AWS call happens here; the only AWS call
 * is reading the revision to start from, when asked to.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import type { EcsApi } from '../aws/clients.js';
import { InputError, InputErrors } from '../errors.js';
import type { Reporter } from '../events.js';
import { isObject, toJson, type Json, type JsonObject } from './json.js';
import { checkRenderedPath, decodeUtf8, formatBytes, MAX_TASK_DEFINITION_BYTES, readTemplateFile } from './file.js';
import { sameTaskDefinition } from './normalize.js';
import { applyOverrides } from './overrides.js';
import { removeEmptyValues } from './empty.js';
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
  /** The template file as read (absolute): the rendered file may never be written over it. */
  templatePath?: string;
  /** The registered revision it started from, and whether rendering left it unchanged. */
  base?: { arn: string; unchanged: boolean };
  /** Where writeRendered puts it unless told otherwise: rendered-path, or a new file in the temp directory. */
  path: string;
  /** The values of `secret-vars` (never printed): the revision diff redacts every place that holds one, on both sides. */
  secretValues: string[];
}

export interface RenderDeps {
  ecs: EcsApi;
  reporter: Reporter;
  /** Reads the template (tests hand in files from memory); bytes are checked to be UTF-8, a string is taken as it is. */
  readFile?: (path: string) => Promise<string | Uint8Array>;
}

/**
 * Registers the values of `secret-vars` for masking. Callers do this before anything is
 * printed (the pipeline, before its first log group), so no message can carry a secret value.
 */
export function maskSecretVars(settings: RenderSettings, reporter: Pick<Reporter, 'secret'>): void {
  for (const value of secretVarValues(settings)) {
    reporter.secret(value);
    for (const line of value.split(/\r?\n/)) if (line.trim() !== '' && line !== value) reporter.secret(line);
  }
}

export function secretVarValues(settings: RenderSettings): string[] {
  return settings.secretVars
    .map((name) => (name.startsWith('env.') ? settings.env[name.slice(4)] : settings.vars.get(name)))
    .filter((value): value is string => value !== undefined && value !== '');
}

export async function renderTaskDefinition(settings: RenderSettings, deps: RenderDeps): Promise<Rendered> {
  const { reporter } = deps;
  // Again here, for callers that render without the pipeline (harmless twice).
  maskSecretVars(settings, reporter);

  const source = settings.source;
  let parsed: Json;
  let ctx: DocContext = { lines: new Map(), placeholders: new Map() };
  let base: { arn: string; original: JsonObject } | undefined;
  const label = settings.label ?? ((n: string) => `input \`${n}\``);
  if (settings.renderedPath !== undefined) {
    await checkRenderedPath(settings.renderedPath, source.kind === 'file' ? source.resolved : undefined, label('rendered-path'));
  }
  if (source.kind === 'file') {
    let content: string | Uint8Array;
    if (deps.readFile) {
      try {
        content = await deps.readFile(source.resolved);
      } catch (error) {
        const code = error instanceof Error && 'code' in error ? error.code : undefined;
        throw new InputError(
          code === 'ENOENT' ? 'the task definition template does not exist' : `cannot read the task definition template: ${String(error)}`,
          { file: source.path },
          'check the task-definition path (relative to the repository root)'
        );
      }
    } else {
      content = await readTemplateFile(source.resolved, source.path);
    }
    const text = typeof content === 'string' ? content : decodeUtf8(content, source.path);
    const template = await parseTemplate(text, source.path, { vars: settings.vars, env: settings.env });
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
    throw new InputError(
      'is not a task definition',
      { ...(ctx.file ? { file: ctx.file } : {}) },
      'the file must hold an object with family and containerDefinitions'
    );
  }
  const unwrapped = unwrapDescribeOutput(parsed, ctx);
  const doc = unwrapped.doc;
  ctx = unwrapped.ctx;
  if (unwrapped.unwrapped) reporter.info('the template is describe-task-definition output: using its taskDefinition and tags');
  const stripped = stripReadOnly(doc);
  if (stripped.length > 0 && source.kind === 'file') {
    reporter.notice(`removed fields that describe-task-definition returns but register-task-definition rejects: ${stripped.join(', ')}`, {
      file: source.path,
      ...(ctx.lines.get(stripped[0]!) ? { line: ctx.lines.get(stripped[0]!)! } : {})
    });
  }
  if (settings.family !== undefined) doc['family'] = settings.family;
  if (settings.taskRoleArn !== undefined) doc['taskRoleArn'] = settings.taskRoleArn;
  if (settings.executionRoleArn !== undefined) doc['executionRoleArn'] = settings.executionRoleArn;

  const errors = applyOverrides(doc, settings.overrides, { label });
  const emptied = removeEmptyValues(doc, settings.keepEmptyKeys ?? []);
  if (emptied.length > 0) {
    reporter.info(
      `removed empty values, as the official deploy action does (${label('keep-null-value-keys')} keeps them): ${emptied.join(', ')}`
    );
  }
  let input: RegisterTaskDefinitionCommandInput | undefined;
  try {
    input = await validateTaskDefinition(doc, ctx);
  } catch (error) {
    if (!(error instanceof InputErrors)) throw error;
    errors.push(...error.errors);
  }
  if (errors.length > 0 || !input) throw new InputErrors(errors);

  // AWS refuses a larger RegisterTaskDefinition request; say so now, before anything is registered.
  const bytes = Buffer.byteLength(JSON.stringify(input), 'utf8');
  if (bytes > MAX_TASK_DEFINITION_BYTES) {
    throw new InputError(
      `the rendered task definition is ${formatBytes(bytes)} (${bytes} bytes); RegisterTaskDefinition accepts at most ${formatBytes(MAX_TASK_DEFINITION_BYTES)}`,
      source.kind === 'file' ? { file: source.path } : {},
      'move bulky values out of it: environment files (environmentFiles) or Secrets Manager / SSM parameters (secrets) instead of long environment values'
    );
  }

  const family = input.family!;
  reporter.event({ kind: 'rendered', ...(source.kind === 'file' ? { file: source.path } : {}), family });
  return {
    input,
    family,
    ...(source.kind === 'file' ? { sourceFile: source.path, templatePath: source.resolved } : {}),
    ...(base ? { base: { arn: base.arn, unchanged: sameTaskDefinition(base.original, input) } } : {}),
    path: settings.renderedPath ?? join(settings.tempDir, `task-definition-${family}-${randomBytes(4).toString('hex')}.json`),
    secretValues: secretVarValues(settings)
  };
}

/** The rendered definition as JSON: what the file holds and what `register-task-definition --cli-input-json` takes. */
export function renderedJson(rendered: Rendered): string {
  return `${JSON.stringify(rendered.input, null, 2)}\n`;
}

export async function writeRendered(rendered: Rendered, path: string = rendered.path): Promise<string> {
  await checkRenderedPath(path, rendered.templatePath, 'the rendered file');
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, renderedJson(rendered), 'utf8');
  return path;
}
