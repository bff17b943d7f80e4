#!/usr/bin/env node
/**
 * `ecs-rollout <command>`: the same core and the same settings as the action, with flags
 * named like its inputs. The commands live in the table in commands.ts; this file parses,
 * runs one, and prints its outputs (`name=value` lines, its text, or one JSON object).
 */
import pkg from '../../package.json' with { type: 'json' };
import { cancellationOnSignals } from '../cancel.js';
import { InputError, InputErrors, errorMessage } from '../errors.js';
import { Inputs } from '../inputs.js';
import { errorHeadline } from '../report/headline.js';
import { commandHelp, helpText, parseArgs } from './args.js';
import { EXIT, type CommandResult, type ExitCode } from './command.js';
import { TerminalReporter } from './reporter.js';

async function main(argv: string[]): Promise<ExitCode> {
  const reporter = new TerminalReporter();
  // Known before parsing finishes, so even a bad command line answers in JSON when asked to.
  const json = argv.includes('--json');
  try {
    const parsed = parseArgs(argv);
    if (parsed.kind === 'version') {
      process.stdout.write(json ? `${JSON.stringify({ version: pkg.version })}\n` : `${pkg.version}\n`);
      return EXIT.ok;
    }
    if (parsed.kind === 'help') {
      process.stdout.write(`${parsed.command ? commandHelp(parsed.command) : helpText()}\n`);
      return EXIT.ok;
    }
    const { command, flags } = parsed;
    const controller = cancellationOnSignals((signal) => reporter.warning(`received ${signal}: stopping and rolling back`));
    const module = await command.load();
    const result = await module.run({
      command: command.name,
      inputs: new Inputs(parsed.inputs),
      flags,
      ...(flags.region ? { region: flags.region } : {}),
      cwd: process.cwd(),
      env: process.env,
      reporter,
      signal: controller.signal,
      json: parsed.json
    });
    print(result, parsed.json, reporter);
    return result.exitCode;
  } catch (error) {
    const errors = error instanceof InputErrors ? error.errors : [error];
    for (const e of errors) reporter.error(errorMessage(e));
    // A refusal with a root cause (a held lock) ends on its one-sentence headline, as a verdict does.
    const headline = errors.length === 1 ? errorHeadline(errors[0]) : undefined;
    if (headline) reporter.error(headline);
    const exitCode = errors.some((e) => e instanceof InputError) ? EXIT.usage : EXIT.failed;
    if (json) {
      const messages = errors.map((e) => reporter.mask(errorMessage(e)));
      process.stdout.write(
        `${JSON.stringify({ status: 'failed', reason: headline ? reporter.mask(headline) : messages.join('; '), errors: messages, 'exit-code': exitCode }, null, 2)}\n`
      );
    }
    return exitCode;
  }
}

/** stdout holds only the result: one JSON object with --json, else the command's text or its `name=value` outputs. */
function print(result: CommandResult, json: boolean, reporter: TerminalReporter): void {
  if (json) {
    process.stdout.write(`${reporter.mask(JSON.stringify({ ...result.outputs, 'exit-code': result.exitCode }, null, 2))}\n`);
    return;
  }
  if (result.text !== undefined) {
    process.stdout.write(`${reporter.mask(result.text)}\n`);
    return;
  }
  for (const [name, value] of Object.entries(result.outputs)) {
    process.stdout.write(`${name}=${reporter.mask(typeof value === 'string' ? value : JSON.stringify(value))}\n`);
  }
}

process.exitCode = await main(process.argv.slice(2));
