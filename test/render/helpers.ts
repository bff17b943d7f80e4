import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RegisterTaskDefinitionCommandInput, Tag, TaskDefinition } from '@aws-sdk/client-ecs';
import type { EcsApi } from '../../src/aws/clients.js';
import { InputErrors, InputError } from '../../src/errors.js';
import { RecordingReporter } from '../../src/events.js';
import { Inputs } from '../../src/inputs.js';
import { renderTaskDefinition, type Rendered } from '../../src/render/index.js';
import { readRenderSettings } from '../../src/render/settings.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

export function fixture(rel: string): string {
  return readFileSync(join(FIXTURES, rel), 'utf8');
}

export function inputsOf(values: Record<string, string>): Inputs {
  return new Inputs({ get: (name) => values[name] ?? '', label: (name) => `input \`${name}\`` });
}

export interface Call {
  method: string;
  arg: unknown;
}

/** A literal EcsApi: describe answers from `revisions`, register records the call and assigns the next revision. */
export function stubEcs(revisions: { taskDefinition: TaskDefinition; tags?: Tag[] }[] = []): EcsApi & { calls: Call[] } {
  const calls: Call[] = [];
  const byArn = (ref: string) =>
    revisions.find((r) => r.taskDefinition.taskDefinitionArn === ref || `${r.taskDefinition.family}:${r.taskDefinition.revision}` === ref);
  const latest = (family: string) =>
    revisions
      .filter((r) => r.taskDefinition.family === family)
      .sort((a, b) => (b.taskDefinition.revision ?? 0) - (a.taskDefinition.revision ?? 0))[0];
  const unexpected = (method: string) => async (): Promise<never> => {
    throw new Error(`unexpected call ${method}`);
  };
  return {
    calls,
    async describeTaskDefinition(ref) {
      calls.push({ method: 'describeTaskDefinition', arg: ref });
      const found = byArn(ref) ?? latest(ref);
      if (!found) throw new Error(`describing task definition ${ref}: ClientException: Unable to describe task definition.`);
      return { taskDefinition: structuredClone(found.taskDefinition), tags: found.tags ?? [] };
    },
    async latestTaskDefinition(family) {
      calls.push({ method: 'latestTaskDefinition', arg: family });
      const found = latest(family);
      return found ? structuredClone(found.taskDefinition) : undefined;
    },
    async registerTaskDefinition(input: RegisterTaskDefinitionCommandInput) {
      calls.push({ method: 'registerTaskDefinition', arg: structuredClone(input) });
      const revision = (latest(input.family!)?.taskDefinition.revision ?? 0) + 1;
      const td: TaskDefinition = {
        ...structuredClone(input),
        taskDefinitionArn: `arn:aws:ecs:eu-west-1:123456789012:task-definition/${input.family}:${revision}`,
        revision,
        status: 'ACTIVE'
      };
      revisions.push({ taskDefinition: td, ...(input.tags ? { tags: input.tags } : {}) });
      return td;
    },
    describeServices: unexpected('describeServices'),
    updateService: unexpected('updateService'),
    listTasks: unexpected('listTasks'),
    describeTasks: unexpected('describeTasks'),
    runTask: unexpected('runTask'),
    stopTask: unexpected('stopTask'),
    listServiceDeployments: unexpected('listServiceDeployments'),
    describeServiceDeployments: unexpected('describeServiceDeployments'),
    continueServiceDeployment: unexpected('continueServiceDeployment'),
    stopServiceDeployment: unexpected('stopServiceDeployment'),
    describeServiceRevisions: unexpected('describeServiceRevisions')
  };
}

/** Renders from in-memory files: `files` maps the template path to its text. */
export async function render(
  values: Record<string, string>,
  opts: { files?: Record<string, string | Uint8Array>; env?: Record<string, string>; ecs?: EcsApi & { calls: Call[] } } = {}
): Promise<{ rendered: Rendered; reporter: RecordingReporter; ecs: EcsApi & { calls: Call[] } }> {
  const reporter = new RecordingReporter();
  const ecs = opts.ecs ?? stubEcs();
  const env = { GITHUB_WORKSPACE: '/repo', RUNNER_TEMP: '/tmp/runner', ...opts.env };
  const settings = readRenderSettings(inputsOf(values), env);
  const files = opts.files ?? {};
  const rendered = await renderTaskDefinition(settings, {
    ecs,
    reporter,
    readFile: async (path) => {
      const rel = path.replace(/^\/repo\//, '');
      const text = files[rel];
      if (text === undefined) throw Object.assign(new Error(`ENOENT: no such file, open '${path}'`), { code: 'ENOENT' });
      return text;
    }
  });
  return { rendered, reporter, ecs };
}

/** The InputErrors a promise rejects with (fails the test if it resolves or throws something else). */
export async function inputErrors(p: Promise<unknown>): Promise<InputError[]> {
  try {
    await p;
  } catch (error) {
    if (error instanceof InputErrors) return error.errors;
    if (error instanceof InputError) return [error];
    throw error;
  }
  throw new Error('expected input errors, but it succeeded');
}
