import { describe, expect, test } from '@jest/globals';
import { commandHelp, helpText, parseArgs, type Parsed } from '../src/cli/args.js';
import { COMMANDS, findCommand } from '../src/cli/commands.js';
import type { CommandSpec } from '../src/cli/command.js';
import { INPUTS } from '../src/generated/action-spec.js';

function run(argv: string[]): Extract<Parsed, { kind: 'run' }> {
  const parsed = parseArgs(argv);
  if (parsed.kind !== 'run') throw new Error(`expected a command to run, got ${parsed.kind}`);
  return parsed;
}

describe('CLI flags are the action inputs', () => {
  test('values, repeated flags become lines, bare flags are true', () => {
    const args = run(['deploy', '--cluster', 'prod', '--vars', 'a=1', '--vars=b=2', '--force-new-deployment', '--service', 'web']);
    expect(args.command.name).toBe('deploy');
    expect(args.inputs.get('cluster')).toBe('prod');
    expect(args.inputs.get('vars')).toBe('a=1\nb=2');
    expect(args.inputs.get('force-new-deployment')).toBe('true');
    expect(args.inputs.get('service')).toBe('web');
  });
  test('defaults come from action.yml', () => {
    expect(run(['render']).inputs.get('strategy')).toBe('rolling');
    expect(run(['render']).inputs.get('poll-interval')).toBe('5s');
  });
  test('CLI-only flags, and --json anywhere after the command', () => {
    expect(run(['deploy', '--region', 'eu-west-1']).flags.region).toBe('eu-west-1');
    const args = run(['deploy', '--json', '--cluster', 'prod']);
    expect(args.json).toBe(true);
    expect(args.inputs.get('cluster')).toBe('prod');
    expect(args.flags.json).toBeUndefined();
  });
  test('--json and --region may come before the command', () => {
    const args = run(['--json', '--region', 'eu-west-1', 'revisions', '--family', 'web']);
    expect(args).toMatchObject({ json: true, flags: { region: 'eu-west-1', family: 'web' } });
    expect(args.command.name).toBe('revisions');
    expect(parseArgs(['--json', '--version'])).toEqual({ kind: 'version' });
  });
  test('a switch never swallows the next word; a valued flag needs its value', () => {
    const args = run(['deregister', '--dry-run', '--keep', '3', '--family', 'web']);
    expect(args.flags).toEqual({ 'dry-run': 'true', keep: '3', family: 'web' });
    expect(() => parseArgs(['deregister', '--keep'])).toThrow(/--keep needs a value \(write --keep N\)/);
    expect(() => parseArgs(['deregister', '--dry-run=yes'])).toThrow(/--dry-run is a switch/);
  });
  test('--family is the command flag for revisions, the render input for deploy', () => {
    expect(run(['revisions', '--family', 'web']).flags.family).toBe('web');
    expect(run(['deploy', '--family', 'web']).inputs.get('family')).toBe('web');
  });
  test.each([
    [['deplyo'], /unknown command "deplyo" \(did you mean "deploy"\?\)/],
    [['deploy', '--clustr', 'x'], /unknown flag --clustr \(did you mean --cluster\?\)/],
    [['deploy', 'web'], /unexpected argument "web"/],
    // An input the command does not take is named, with what to do.
    [['revisions', '--traffic-steps', '10,100'], /--traffic-steps is not a flag of revisions \(revisions does not use it/],
    [['rollback', '--vars', 'a=1'], /--vars is not a flag of rollback/],
    [['help', 'deplyo'], /did you mean "deploy"/]
  ])('%j', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(message);
  });
});

describe('help and version', () => {
  test.each([[[]], [['--help']], [['-h']], [['help']]])('%j is the general help', (argv) => {
    expect(parseArgs(argv)).toEqual({ kind: 'help' });
  });
  test.each([[['--version']], [['-V']], [['version']]])('%j asks for the version', (argv) => {
    expect(parseArgs(argv)).toEqual({ kind: 'version' });
  });
  test('`<command> --help` and `help <command>` are the same per-command help', () => {
    const a = parseArgs(['rollback', '--help']);
    const b = parseArgs(['help', 'rollback']);
    const c = parseArgs(['rollback', '--cluster', 'prod', '-h']);
    expect(a).toEqual(b);
    expect(c).toEqual(b);
    expect(a.kind === 'help' && a.command?.name).toBe('rollback');
  });
  test('the general help lists every command and the exit codes', () => {
    const text = helpText();
    for (const c of COMMANDS) expect(text).toMatch(new RegExp(`^  ${c.name}\\s+\\S`, 'm'));
    expect(text).toMatch(/^ {2}0 {2}done/m);
    expect(text).toMatch(/^ {2}1 {2}not done/m);
    expect(text).toMatch(/^ {2}2 {2}bad command line/m);
  });
  test("a command's help shows its flags, and exactly the action inputs it takes, described as in action.yml", () => {
    const deregister = commandHelp(findCommand('deregister')!);
    expect(deregister).toMatch(/^ {2}--keep N\s+how many/m);
    expect(deregister).toMatch(/^ {2}--dry-run\s+list what would be deregistered/m);
    expect(deregister).toMatch(/^ {2}--json\s+print one JSON object/m);
    const cluster = INPUTS.find((i) => i.name === 'cluster')!;
    expect(deregister).toContain(`--cluster`);
    expect(deregister).toContain(cluster.description);
    expect(deregister).not.toContain('--traffic-steps');
    const deploy = commandHelp(findCommand('deploy')!);
    for (const input of INPUTS) expect(deploy).toContain(`--${input.name}`);
    expect(commandHelp(findCommand('rollback')!).replace(/\s+/g, ' ')).toMatch(
      /previous revision is the newest revision of the same family, older than/
    );
  });
});

describe('the command table', () => {
  test('a command added to the table is parsed, helped and loaded like the others', async () => {
    const ran: string[] = [];
    const extra: CommandSpec = {
      name: 'probe',
      summary: 'read-only checks',
      usage: ['ecs-rollout probe --task-definition FILE'],
      inputs: ['task-definition', 'cluster'],
      flags: [{ name: 'strict', description: 'warnings fail' }],
      load: async () => ({
        run: async (ctx) => {
          ran.push(ctx.command);
          return { exitCode: 0, outputs: {} };
        }
      })
    };
    const table = [...COMMANDS, extra];
    const parsed = parseArgs(['probe', '--task-definition', 'x.json', '--strict'], table);
    expect(parsed.kind === 'run' && parsed.flags).toEqual({ strict: 'true' });
    expect(helpText(table)).toMatch(/^ {2}probe\s+read-only checks/m);
    expect(commandHelp(extra)).toMatch(/--strict/);
    expect(() => parseArgs(['probe', '--service', 'web'], table)).toThrow(/--service is not a flag of probe/);
  });
  test('every command loads a module with run()', async () => {
    for (const c of COMMANDS) expect(typeof (await c.load()).run).toBe('function');
  });
});
