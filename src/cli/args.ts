import { InputError } from '../errors.js';
import { INPUTS } from '../generated/action-spec.js';
import { inputDefault, type InputSource } from '../inputs.js';
import { closest } from '../text.js';

export const COMMANDS = ['render', 'diff', 'register', 'deploy', 'rollback', 'status'] as const;
export type Command = (typeof COMMANDS)[number];

/** Flags only the CLI has (the rest are action.yml's inputs). */
const CLI_FLAGS = ['region', 'summary-file', 'state-file', 'help'] as const;
type CliFlag = (typeof CLI_FLAGS)[number];

export interface CliArgs {
  command: Command;
  inputs: InputSource;
  flags: Partial<Record<CliFlag, string>>;
}

const INPUT_NAMES = new Set(INPUTS.map((i) => i.name));

/**
 * `ecs-rollout <command> --input-name value …`: every action input is a flag of the same name,
 * so a workflow and a terminal take the same settings. A repeated flag adds a line
 * (for KEY=VALUE inputs); a flag with no value means true.
 */
export function parseArgs(argv: string[]): CliArgs {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    return { command: 'render', inputs: sourceOf(new Map()), flags: { help: 'true' } };
  }
  if (!(COMMANDS as readonly string[]).includes(command)) {
    const guess = closest(command, COMMANDS);
    throw new InputError(`unknown command "${command}"`, {}, guess ? `did you mean "${guess}"?` : `use one of ${COMMANDS.join(', ')}`);
  }
  const values = new Map<string, string>();
  const flags: CliArgs['flags'] = {};
  for (let i = 0; i < rest.length; i++) {
    const token = rest[i]!;
    if (!token.startsWith('--')) throw new InputError(`unexpected argument "${token}"`, {}, 'pass settings as --name value');
    let name = token.slice(2);
    let value: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    } else if (i + 1 < rest.length && !rest[i + 1]!.startsWith('--')) {
      value = rest[++i];
    }
    value ??= 'true';
    if ((CLI_FLAGS as readonly string[]).includes(name)) {
      flags[name as CliFlag] = value;
    } else if (INPUT_NAMES.has(name)) {
      values.set(name, values.has(name) ? `${values.get(name)}\n${value}` : value);
    } else {
      const guess = closest(name, [...INPUT_NAMES, ...CLI_FLAGS]);
      throw new InputError(`unknown flag --${name}`, {}, guess ? `did you mean --${guess}?` : 'see ecs-rollout --help');
    }
  }
  return { command: command as Command, inputs: sourceOf(values), flags };
}

function sourceOf(values: Map<string, string>): InputSource {
  return {
    get: (name) => values.get(name) ?? inputDefault(name),
    label: (name) => `--${name}`
  };
}

export function helpText(): string {
  const width = Math.max(...INPUTS.map((i) => i.name.length)) + 4;
  return [
    'usage: ecs-rollout <command> [--input value …]',
    '',
    'commands:',
    '  render    render and validate the task definition, print it (no AWS call unless starting from a revision)',
    '  diff      render, then show what changes against the revision the service runs now',
    '  register  render, validate and register (reusing an identical latest revision)',
    '  deploy    render, register and deploy (rolling or blue-green), with gates and rollback',
    '  rollback  finish the rollbacks recorded in .ecs-rollout/ (or --state-file) by interrupted deploys (what the action\'s post step does)',
    '  status    blue/green: which colour is live, the listener weights and target health',
    '',
    'CLI flags:',
    '  --region REGION        AWS region (default: AWS_REGION / profile)',
    '  --summary-file PATH    write the Markdown summary there',
    '  --state-file PATH      where deploy records what a rollback needs (default: a new file in .ecs-rollout/)',
    '',
    'inputs (the same as the GitHub Action\'s):',
    ...INPUTS.map((i) => `  --${i.name.padEnd(width)}${i.description}${i.default !== undefined ? ` [${i.default}]` : ''}`)
  ].join('\n');
}
