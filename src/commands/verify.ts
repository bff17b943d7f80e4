/**
 * `ecs-rollout verify`: with the same inputs as deploy, renders the task definition and checks,
 * read-only, everything it and the deployment rely on — cluster and services, roles, ECR images,
 * secrets and parameters, log groups — reporting every problem at once. Exit 0 when all pass,
 * 1 when any check fails (or could not be made), 2 for bad input.
 */
import { createAws } from '../aws/clients.js';
import { createVerifyClients, type VerifyApi } from '../aws/verify-clients.js';
import type { CommandContext, CommandResult } from '../cli/command.js';
import { EXIT } from '../cli/command.js';
import type { Reporter } from '../events.js';
import { renderTaskDefinition } from '../render/index.js';
import { readSettings, type Settings } from '../settings.js';
import { verifyTaskDefinition, type CheckResult, type VerifyTarget } from '../verify/checks.js';
import { countResults, formatResults } from '../verify/report.js';

/** The services a deployment with these settings changes, with the flag that names each. */
export function verifyTarget(settings: Settings): VerifyTarget {
  const bg = settings.blueGreen;
  if (bg) {
    const blue = bg.colours.blue.service;
    const green = bg.colours.green.service;
    return {
      cluster: settings.deploy.cluster,
      services: [blue, green],
      serviceFlags: { [blue]: '--blue-service', [green]: '--green-service' }
    };
  }
  const service = settings.deploy.service;
  return {
    cluster: settings.deploy.cluster,
    services: service ? [service] : [],
    ...(service ? { serviceFlags: { [service]: '--service' } } : {})
  };
}

export interface VerifyOutcome {
  family: string;
  results: CheckResult[];
}

/** Render, then check. Rendering errors (bad input) are thrown as InputError, before any check. */
export async function verifyRun(
  settings: Settings,
  deps: { reporter: Reporter; api: VerifyApi; region?: string; signal?: AbortSignal }
): Promise<VerifyOutcome> {
  const aws = createAws({ ...(deps.region ? { region: deps.region } : {}), callTimeoutMs: settings.safety.callTimeoutMs });
  const rendered = await renderTaskDefinition(settings.render, {
    ecs: deps.signal ? aws.withSignal(deps.signal).ecs : aws.ecs,
    reporter: deps.reporter
  });
  const results = await verifyTaskDefinition(rendered.input, verifyTarget(settings), deps.api, deps.region ? { region: deps.region } : {});
  return { family: rendered.family, results };
}

export async function run(ctx: CommandContext): Promise<CommandResult> {
  const settings = readSettings(ctx.inputs, ctx.env);
  const region = ctx.region ?? ctx.env.AWS_REGION ?? ctx.env.AWS_DEFAULT_REGION;
  const api = createVerifyClients({ ...(region ? { region } : {}), callTimeoutMs: settings.safety.callTimeoutMs, signal: ctx.signal });
  const { family, results } = await verifyRun(settings, { reporter: ctx.reporter, api, signal: ctx.signal, ...(region ? { region } : {}) });
  const counts = countResults(results);
  const target = verifyTarget(settings);
  const heading = `verify ${family} → cluster ${target.cluster}${target.services.length ? `, service${target.services.length > 1 ? 's' : ''} ${target.services.join(', ')}` : ''}`;
  return {
    exitCode: counts.failed ? EXIT.failed : EXIT.ok,
    outputs: { status: counts.failed ? 'failed' : 'passed', ...counts, checks: results },
    text: ctx.reporter.mask(formatResults(results, heading))
  };
}
