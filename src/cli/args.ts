/** The command line: `ecs-rollout <command> --flag value …` parsed against the command table, and the help built from it. */
import { InputError } from '../errors.js';
import { INPUTS, type InputSpec } from '../generated/action-spec.js';
import { inputDefault, type InputSource } from '../inputs.js';
import { closest } from '../text.js';
import { EXIT, type CommandSpec, type FlagSpec } from './command.js';
import { COMMANDS, findCommand } from './commands.js';

/** Flags every command takes. */
export const GLOBAL_FLAGS: readonly FlagSpec[] = [
  { name: 'region', value: 'REGION', description: 'AWS region (default: AWS_REGION / profile)' },
  { name: 'json', description: 'print one JSON object with every output on stdout; all log lines go to stderr' },
  { name: 'help', description: "this command's help" }
];

export type Parsed =
  | { kind: 'help'; command?: CommandSpec }
  | { kind: 'version' }
  | {
      kind: 'run';
      command: CommandSpec;
      inputs: InputSource;
      /** The CLI-only flags given ('true' for a switch). */
      flags: Record<string, string>;
      json: boolean;
    };

/**
 * `ecs-rollout <command> --input-name value …`: every action input a command takes is a flag
 * of the same name, so a workflow and a terminal take the same settings. A repeated input
 * adds a line (for KEY=VALUE inputs); an input flag with no value means true; a switch
 * (a CLI flag with no value, like --json) never takes the next word.
 */
export function parseArgs(argv: string[], commands: readonly CommandSpec[] = COMMANDS): Parsed {
  // `ecs-rollout --json deploy …` and `--region R` before the command are moved after it.
  const leading: string[] = [];
  let at = 0;
  while (at < argv.length && /^--(json|region)(=|$)/.test(argv[at]!)) {
    const takesValue = argv[at] === '--region';
    leading.push(...argv.slice(at, at + (takesValue ? 2 : 1)));
    at += takesValue ? 2 : 1;
  }
  const [first, ...afterFirst] = argv.slice(at);
  const rest = [...afterFirst, ...leading];
  if (first === undefined || first === '--help' || first === '-h') return { kind: 'help' };
  if (first === '--version' || first === '-V' || first === 'version') return { kind: 'version' };
  if (first === 'help') {
    if (rest[0] === undefined) return { kind: 'help' };
    return { kind: 'help', command: commandNamed(rest[0], commands) };
  }
  const command = commandNamed(first, commands);
  const own = [...GLOBAL_FLAGS, ...command.flags];
  const ownByName = new Map(own.map((f) => [f.name, f]));
  const inputNames = new Set(command.inputs === 'all' ? INPUTS.map((i) => i.name) : command.inputs);
  const values = new Map<string, string>();
  const flags: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    const token = rest[i]!;
    if (token === '-h') {
      flags.help = 'true';
      continue;
    }
    if (!token.startsWith('--')) {
      throw new InputError(`unexpected argument "${token}"`, {}, `pass settings as --name value; see ecs-rollout ${command.name} --help`);
    }
    let name = token.slice(2);
    let value: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    const flag = ownByName.get(name);
    if (flag) {
      if (flag.value === undefined) {
        if (value !== undefined && !/^(true|false)$/.test(value)) {
          throw new InputError(`--${name} is a switch, not "--${name}=${value}"`, {}, `write --${name} on its own`);
        }
        if (value !== 'false') flags[name] = 'true';
        continue;
      }
      if (value === undefined) {
        if (i + 1 >= rest.length || rest[i + 1]!.startsWith('--')) {
          throw new InputError(`--${name} needs a value`, {}, `write --${name} ${flag.value}`);
        }
        value = rest[++i]!;
      }
      flags[name] = value;
    } else if (inputNames.has(name)) {
      if (value === undefined && i + 1 < rest.length && !rest[i + 1]!.startsWith('--')) value = rest[++i];
      value ??= 'true';
      values.set(name, values.has(name) ? `${values.get(name)}\n${value}` : value);
    } else {
      throw unknownFlag(name, command, [...inputNames, ...own.map((f) => f.name)]);
    }
  }
  if (flags.help) return { kind: 'help', command };
  const json = flags.json === 'true';
  delete flags.json;
  return { kind: 'run', command, inputs: sourceOf(values), flags, json };
}

function commandNamed(name: string, commands: readonly CommandSpec[]): CommandSpec {
  const command = commands === COMMANDS ? findCommand(name) : commands.find((c) => c.name === name);
  if (command) return command;
  const guess = closest(
    name,
    commands.map((c) => c.name)
  );
  throw new InputError(
    `unknown command "${name}"`,
    {},
    guess ? `did you mean "${guess}"?` : `use one of ${commands.map((c) => c.name).join(', ')}`
  );
}

function unknownFlag(name: string, command: CommandSpec, known: string[]): InputError {
  const guess = closest(name, known);
  if (guess) return new InputError(`unknown flag --${name}`, {}, `did you mean --${guess}?`);
  // An action input this command does not take: say which command does, rather than "unknown".
  if (INPUTS.some((i) => i.name === name)) {
    return new InputError(
      `--${name} is not a flag of ${command.name}`,
      {},
      `${command.name} does not use it: remove it (see ecs-rollout ${command.name} --help)`
    );
  }
  return new InputError(`unknown flag --${name}`, {}, `see ecs-rollout ${command.name} --help`);
}

function sourceOf(values: Map<string, string>): InputSource {
  return {
    get: (name) => values.get(name) ?? inputDefault(name),
    label: (name) => `--${name}`
  };
}

const EXIT_HELP = [
  'exit codes:',
  `  ${EXIT.ok}  done: the deployment or rollback succeeded, the listing was printed, or there was nothing to do`,
  `  ${EXIT.failed}  not done: a deployment or rollback failed or was rolled back, or an AWS call failed`,
  `  ${EXIT.usage}  bad command line, input or template: nothing was changed`
];

/** `ecs-rollout --help`: the commands, the global flags and the exit codes. */
export function helpText(commands: readonly CommandSpec[] = COMMANDS): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    'usage: ecs-rollout <command> [--flag value …]',
    '       ecs-rollout <command> --help | ecs-rollout help <command> | ecs-rollout --version',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'flags of every command:',
    ...flagLines(GLOBAL_FLAGS),
    '',
    "The action's inputs are flags of the same name (--cluster, --service, --vars …): see ecs-rollout <command> --help.",
    '',
    ...EXIT_HELP
  ].join('\n');
}

/** `ecs-rollout <command> --help`: usage, what it does, its own flags, the inputs it takes (from action.yml), exit codes. */
export function commandHelp(command: CommandSpec): string {
  const inputs: InputSpec[] =
    command.inputs === 'all' ? [...INPUTS] : INPUTS.filter((i) => (command.inputs as readonly string[]).includes(i.name));
  // A command flag that shares an input's name (revisions --family) is described by the command.
  const shown = inputs.filter((i) => !command.flags.some((f) => f.name === i.name));
  const width = Math.max(...shown.map((i) => i.name.length), 0) + 4;
  return [
    `ecs-rollout ${command.name}: ${command.summary}`,
    '',
    'usage:',
    ...command.usage.map((u) => `  ${u}`),
    ...(command.details?.length ? ['', ...command.details.flatMap((d) => wrap(d, 100))] : []),
    ...(command.flags.length ? ['', 'flags:', ...flagLines(command.flags)] : []),
    '',
    'flags of every command:',
    ...flagLines(GLOBAL_FLAGS),
    ...(shown.length
      ? [
          '',
          "inputs (the same as the GitHub Action's; a repeated flag adds a line):",
          ...shown.map((i) => `  --${i.name.padEnd(width)}${i.description}${i.default !== undefined ? ` [${i.default}]` : ''}`)
        ]
      : []),
    '',
    ...EXIT_HELP
  ].join('\n');
}

/** Breaks a paragraph at spaces to `width` columns, keeping its indent on every line. */
function wrap(text: string, width: number): string[] {
  const indent = /^\s*/.exec(text)![0];
  const lines: string[] = [];
  let line = '';
  for (const word of text.trim().split(/\s+/)) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = '';
    }
    line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines;
}

function flagLines(flags: readonly FlagSpec[]): string[] {
  const label = (f: FlagSpec): string => `--${f.name}${f.value ? ` ${f.value}` : ''}`;
  const width = Math.max(...flags.map((f) => label(f).length)) + 2;
  return flags.map((f) => `  ${label(f).padEnd(width)}${f.description}`);
}
