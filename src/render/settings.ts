import { tmpdir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { InputError, InputErrors, InputProblems } from '../errors.js';
import type { Inputs } from '../inputs.js';
import { closest } from '../text.js';
import { splitCommand } from '../shell.js';

/** Where the task definition starts from. */
export type TemplateSource =
  /** `task-definition`: a template file; `path` as the user wrote it (for messages), `resolved` to read. */
  | { kind: 'file'; path: string; resolved: string }
  /** `task-definition-family`: the family's latest ACTIVE revision. */
  | { kind: 'family'; family: string }
  /** `task-definition-arn`, or `task-definition-family` with `task-definition-revision`: exactly that revision. */
  | { kind: 'arn'; arn: string };

/** The official render action's per-container inputs, applied after the template is rendered. */
export interface ContainerOverrides {
  /**
   * `container-name`: the containers the inputs below apply to. Several, comma-separated, get the
   * same `image` and the same per-container inputs, as in the official render action since v1.8.
   */
  containerNames: string[];
  /** `image` (for every containerNames) and `images` (container=image lines), merged; by container name. */
  images: Map<string, string>;
  /** NAME=value; replaces a variable of the same name, adds the others (as the official action does). */
  environment: Map<string, string>;
  /** NAME=valueFrom; replaces a secret of the same name, adds the others. */
  secrets: Map<string, string>;
  logDriver?: string;
  /** Merged into the existing options. */
  logOptions: Map<string, string>;
  /** Merged into the existing labels. */
  dockerLabels: Map<string, string>;
  /** Replaces the container's command. */
  command?: string[];
  /** `env-files`: S3 object ARNs; replace the containers' environmentFiles (as the official action does). */
  envFiles?: string[];
}

export interface RenderSettings {
  source: TemplateSource;
  /** `vars`: template variables. */
  vars: Map<string, string>;
  /** `secret-vars`: names (of vars, or env.NAME) whose values must be masked before anything is printed. */
  secretVars: string[];
  /** The environment `{{ env.NAME }}` reads. */
  env: Record<string, string | undefined>;
  /** `family`: overrides the rendered definition's family. */
  family?: string;
  /** `task-role-arn` / `execution-role-arn`: set on the task definition. */
  taskRoleArn?: string;
  executionRoleArn?: string;
  /**
   * `keep-null-value-keys`: keys whose empty values (empty string, list or object, null) are kept.
   * Every other empty value is removed before validation, as the official deploy action does.
   */
  keepEmptyKeys?: string[];
  overrides: ContainerOverrides;
  /** `rendered-path`; when unset the file goes to tempDir as task-definition-<family>-<random>.json. */
  renderedPath?: string;
  /** RUNNER_TEMP, or the OS temp directory outside a runner. */
  tempDir: string;
  /** How messages name an input ("input `image`" in the action, "--image" in the CLI). */
  label?: (name: string) => string;
}

const NAME = /^[A-Za-z0-9_-]{1,255}$/;
/** What the official render action accepts for task-role-arn and execution-role-arn. */
const ROLE_ARN = /^arn:aws(-cn|-us-gov|-iso|-iso-b|-iso-e|-iso-f)?:iam::[0-9]{12}:role\/.+$/;
/** An S3 object: `arn:aws:s3:::bucket/key` (ECS takes environment files from S3 only). */
const S3_OBJECT_ARN = /^arn:aws[\w-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/\S+$/;

/** Reads and checks every render input once; all problems are reported together. */
export function readRenderSettings(inputs: Inputs, env: Record<string, string | undefined>): RenderSettings {
  const problems = new InputProblems();
  const errors = problems.errors;
  const attempt = <T>(read: () => T): T | undefined => problems.read<T | undefined>(read, undefined);
  const label = (name: string): string => inputs.label(name);

  const file = inputs.string('task-definition');
  const family = inputs.string('task-definition-family');
  const arn = inputs.string('task-definition-arn');
  const revisionText = inputs.string('task-definition-revision');
  const given = [file && 'task-definition', family && 'task-definition-family', arn && 'task-definition-arn'].filter(
    (n): n is string => typeof n === 'string'
  );
  let source: TemplateSource | undefined;
  if (revisionText !== undefined && (file || arn)) {
    errors.push(
      new InputError(
        `${label('task-definition-revision')} is set with ${label(file ? 'task-definition' : 'task-definition-arn')}`,
        {},
        `a revision is read from ${label('task-definition-family')}: give the family with it, or remove ${label('task-definition-revision')}`
      )
    );
  }
  if (given.length > 1) {
    errors.push(new InputError(`${given.map(label).join(' and ')} are both set`, {}, 'give only one place to start from'));
  } else if (file) {
    const workspace = env['GITHUB_WORKSPACE'] || process.cwd();
    source = { kind: 'file', path: file, resolved: isAbsolute(file) ? file : resolve(workspace, file) };
  } else if (family) {
    if (!NAME.test(family)) {
      errors.push(
        new InputError(`${label('task-definition-family')} is "${family}", not a family name`, {}, 'use letters, digits, _ and -')
      );
    }
    const revision = attempt(() => inputs.int('task-definition-revision', { min: 1 }));
    source = revision !== undefined ? { kind: 'arn', arn: `${family}:${revision}` } : { kind: 'family', family };
  } else if (arn) {
    if (!/^(arn:aws[\w-]*:ecs:[\w-]+:\d{12}:task-definition\/)?[A-Za-z0-9_-]{1,255}:\d+$/.test(arn)) {
      errors.push(
        new InputError(
          `${label('task-definition-arn')} is "${arn}", not a task definition revision`,
          {},
          'use arn:aws:ecs:REGION:ACCOUNT:task-definition/FAMILY:REVISION or FAMILY:REVISION'
        )
      );
    }
    source = { kind: 'arn', arn };
  } else if (revisionText !== undefined) {
    errors.push(
      new InputError(
        `${label('task-definition-revision')} is set without ${label('task-definition-family')}`,
        {},
        `a revision number belongs to a family: set ${label('task-definition-family')} too (or use ${label('task-definition-arn')}: FAMILY:REVISION)`
      )
    );
  } else {
    errors.push(
      new InputError(
        'no task definition to render',
        {},
        `set ${label('task-definition')} (a template file), ${label('task-definition-family')} or ${label('task-definition-arn')}`
      )
    );
  }

  const vars = attempt(() => inputs.keyValues('vars')) ?? new Map<string, string>();
  for (const name of vars.keys()) {
    if (name.startsWith('env.')) {
      errors.push(
        new InputError(`${label('vars')}: "${name}" starts with env.`, {}, '{{ env.NAME }} reads the environment; rename the variable')
      );
    }
  }
  const secretVars = inputs.list('secret-vars');
  for (const name of secretVars) {
    const known = name.startsWith('env.') ? env[name.slice(4)] !== undefined : vars.has(name);
    if (!known) {
      const guess = closest(name, vars.keys());
      errors.push(
        new InputError(
          `${label('secret-vars')} names "${name}", which is not set`,
          {},
          guess ? `did you mean "${guess}"?` : `add ${name}=… to ${label('vars')} or remove it from ${label('secret-vars')}`
        )
      );
    }
  }

  const familyOverride = inputs.string('family');
  if (familyOverride !== undefined && !NAME.test(familyOverride)) {
    errors.push(
      new InputError(`${label('family')} is "${familyOverride}", not a family name`, {}, 'use up to 255 letters, digits, _ and -')
    );
  }

  const overrides = attempt(() => readOverrides(inputs, label)) ?? emptyOverrides();
  const roles: Partial<Record<'taskRoleArn' | 'executionRoleArn', string>> = {};
  for (const [name, key] of [
    ['task-role-arn', 'taskRoleArn'],
    ['execution-role-arn', 'executionRoleArn']
  ] as const) {
    const value = inputs.string(name);
    if (value === undefined) continue;
    if (!ROLE_ARN.test(value)) {
      errors.push(new InputError(`${label(name)} is "${value}", not an IAM role ARN`, {}, 'use arn:aws:iam::ACCOUNT:role/NAME'));
    } else {
      roles[key] = value;
    }
  }
  const keepEmptyKeys = inputs
    .raw('keep-null-value-keys')
    .split(/[,\n]/)
    .map((k) => k.trim())
    .filter((k) => k !== '');

  if (errors.length > 0) throw new InputErrors(errors);
  return {
    source: source!,
    vars,
    secretVars,
    env,
    ...(familyOverride !== undefined ? { family: familyOverride } : {}),
    ...roles,
    keepEmptyKeys,
    overrides,
    ...(inputs.string('rendered-path') !== undefined ? { renderedPath: inputs.string('rendered-path')! } : {}),
    tempDir: env['RUNNER_TEMP'] || tmpdir(),
    label
  };
}

export function emptyOverrides(): ContainerOverrides {
  return {
    containerNames: [],
    images: new Map(),
    environment: new Map(),
    secrets: new Map(),
    logOptions: new Map(),
    dockerLabels: new Map()
  };
}

function readOverrides(inputs: Inputs, label: (name: string) => string): ContainerOverrides {
  const problems = new InputProblems();
  const errors = problems.errors;
  const collect = <T>(read: () => T, fallback: T): T => problems.read(read, fallback);
  const out = emptyOverrides();
  const containerName = inputs.string('container-name');
  const image = inputs.string('image');
  if (containerName !== undefined) {
    for (const name of containerName.split(',').map((n) => n.trim())) {
      if (!NAME.test(name)) {
        errors.push(
          new InputError(
            `${label('container-name')} is "${containerName}": "${name}" is not a container name`,
            {},
            'use one container name, or several separated by commas (web,worker); names use letters, digits, _ and -'
          )
        );
      } else if (out.containerNames.includes(name)) {
        errors.push(new InputError(`${label('container-name')} names container ${name} twice`, {}, 'name each container once'));
      } else {
        out.containerNames.push(name);
      }
    }
  }

  for (const [i, line] of inputs.raw('images').split(/\r?\n/).entries()) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const eq = line.indexOf('=');
    const name = line.slice(0, Math.max(eq, 0)).trim();
    const uri = line.slice(eq + 1).trim();
    if (eq <= 0 || !NAME.test(name) || uri === '') {
      errors.push(new InputError(`${label('images')} line ${i + 1} is "${line.trim()}"`, {}, 'write one container=image per line'));
    } else if (out.images.has(name) && out.images.get(name) !== uri) {
      errors.push(new InputError(`${label('images')} sets container ${name} twice`, {}, 'keep one image per container'));
    } else {
      out.images.set(name, uri);
    }
  }
  if (image !== undefined) {
    if (containerName === undefined) {
      errors.push(
        new InputError(
          `${label('image')} is set without ${label('container-name')}`,
          {},
          `name the container with ${label('container-name')}, or use ${label('images')}`
        )
      );
    }
    // Every named container gets the image, as the official action does with web,worker.
    for (const name of out.containerNames) {
      if (out.images.has(name) && out.images.get(name) !== image) {
        errors.push(
          new InputError(`${label('image')} and ${label('images')} give container ${name} different images`, {}, 'set it in one place')
        );
      } else {
        out.images.set(name, image);
      }
    }
  }

  out.environment = collect(() => inputs.keyValues('environment-variables'), new Map<string, string>());
  out.secrets = collect(() => inputs.keyValues('secrets'), new Map<string, string>());
  for (const [name, valueFrom] of out.secrets) {
    if (valueFrom.trim() === '') {
      errors.push(
        new InputError(`${label('secrets')}: ${name} has no valueFrom`, {}, 'write NAME=arn of a Secrets Manager secret or SSM parameter')
      );
    } else {
      out.secrets.set(name, valueFrom.trim());
    }
  }
  const logDriver = inputs.string('log-configuration-log-driver');
  if (logDriver !== undefined) out.logDriver = logDriver;
  out.logOptions = collect(() => inputs.keyValues('log-configuration-options'), new Map<string, string>());
  out.dockerLabels = collect(() => inputs.keyValues('docker-labels'), new Map<string, string>());
  const command = inputs.string('command');
  if (command !== undefined) {
    out.command = collect(() => parseCommand(command, label('command')), []);
    if (out.command.length === 0 && errors.length === 0) {
      errors.push(new InputError(`${label('command')} has no words`, {}, 'give the command to run'));
    }
  }

  const envFiles =
    inputs.list('env-files').length > 0
      ? inputs
          .raw('env-files')
          .split(/\r?\n/)
          .map((l) => l.trim())
          .filter((l) => l !== '')
      : [];
  for (const arn of envFiles) {
    if (!S3_OBJECT_ARN.test(arn)) {
      errors.push(
        new InputError(
          `${label('env-files')} has "${arn}", not the ARN of an S3 object`,
          {},
          'write one arn:aws:s3:::BUCKET/KEY per line (ECS reads environment files from S3 only)'
        )
      );
    }
  }
  if (envFiles.length > 0) out.envFiles = envFiles;

  if (containerName === undefined) {
    const needsContainer = (
      [
        ['environment-variables', out.environment.size > 0],
        ['secrets', out.secrets.size > 0],
        ['log-configuration-log-driver', logDriver !== undefined],
        ['log-configuration-options', out.logOptions.size > 0],
        ['docker-labels', out.dockerLabels.size > 0],
        ['command', command !== undefined],
        ['env-files', envFiles.length > 0]
      ] as const
    ).filter(([, set]) => set);
    for (const [name] of needsContainer) {
      errors.push(
        new InputError(
          `${label(name)} is set without ${label('container-name')}`,
          {},
          `name the container it applies to with ${label('container-name')}`
        )
      );
    }
  }
  if (errors.length > 0) throw new InputErrors(errors);
  return out;
}

/**
 * The official action takes a JSON array; people also write a command line. Both work:
 * text starting with `[` must be a JSON array of strings, anything else is split like a shell.
 */
function parseCommand(text: string, label: string): string[] {
  if (!text.startsWith('[')) return splitCommand(text, label);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every((w): w is string => typeof w === 'string')) {
    throw new InputError(`${label} starts with [ but is not a JSON array of strings`, {}, 'write ["cmd", "arg"] or a plain command line');
  }
  return parsed;
}
