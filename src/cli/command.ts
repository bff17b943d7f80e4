/** What a CLI command is: its flags and help (data, read without loading any code) and how it runs (loaded on use). */
import type { Inputs } from '../inputs.js';
import type { TerminalReporter } from './reporter.js';

/**
 * The exit codes, the same for every command (README "Command line" and `--help` list them):
 * a script can tell "fix the command line" from "the deployment did not succeed".
 */
export const EXIT = {
  /** Done: the deployment or rollback succeeded, the listing was printed, or there was nothing to do. */
  ok: 0,
  /** Not done: a deployment or rollback failed (or was rolled back), or an AWS call failed. */
  failed: 1,
  /** Bad command line, input or template: nothing was changed. */
  usage: 2
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A flag only the CLI has (the action's inputs are flags too, listed by `inputs`). */
export interface FlagSpec {
  name: string;
  /** How the value is shown in help (`PATH`, `N`); absent for a switch (`--dry-run`), which never takes the next word. */
  value?: string;
  description: string;
}

export interface CommandSpec {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The usage line(s) under `ecs-rollout <command> --help`. */
  usage: string[];
  /** Paragraphs after the usage: what it does, what "previous" means, … */
  details?: string[];
  /** The action inputs it takes as flags: every one, or these. */
  inputs: 'all' | readonly string[];
  /** Its own flags, beyond the global ones (--region, --json, --help). */
  flags: readonly FlagSpec[];
  /** Loaded only when the command runs, so `--help` and `render` load none of the others' code. */
  load(): Promise<CommandModule>;
}

/** What a command file (src/commands/*.ts, src/cli/builtin.ts) exports. */
export interface CommandModule {
  run(ctx: CommandContext): Promise<CommandResult>;
}

export interface CommandContext {
  command: string;
  /** The action inputs given as flags (defaults from action.yml), labelled `--name` in messages. */
  inputs: Inputs;
  /** The CLI-only flags given, by name ('true' for a switch). */
  flags: Readonly<Record<string, string>>;
  region?: string;
  /** Where `.ecs-rollout/` state files live. */
  cwd: string;
  env: Record<string, string | undefined>;
  reporter: TerminalReporter;
  /** Aborted on SIGINT / SIGTERM. */
  signal: AbortSignal;
  /** `--json`: every output goes into one object on stdout; `text` is not printed. */
  json: boolean;
}

export interface CommandResult {
  exitCode: ExitCode;
  /** Every output, by name: `name=value` lines (strings) or one JSON object with --json. */
  outputs: Record<string, unknown>;
  /** What a person reads on stdout instead of the `name=value` lines (a table, the rendered JSON). */
  text?: string;
}
