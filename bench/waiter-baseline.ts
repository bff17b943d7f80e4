/**
 * The baseline the rolling benchmark compares against: what the official deploy action
 * (aws-actions/amazon-ecs-deploy-task-definition v2.6.3, `wait-for-service-stability: true`)
 * does for a service on the ECS deployment controller, with the AWS SDK's own
 * `waitUntilServicesStable` from the @aws-sdk/client-ecs this repo uses, against the local ECS.
 *
 * Its call sequence, read from that tag's index.js: RegisterTaskDefinition; DescribeServices
 * (deployment controller, PRIMARY deployment); UpdateService; the waiter with
 * `minDelay: 15`, `maxWaitTime: wait-for-minutes × 60` (default 30) and, only when
 * `wait-max-delay-seconds` is given, `maxDelay` (otherwise the SDK's default for this waiter,
 * 600 s in both that tag's bundle and ours); then one DescribeServices to check that the new
 * deployment was not rolled back. The client has `maxAttempts: 3` (`max-retries` default).
 *
 * Every delay is divided by the sim's time scale, as the action's inputs are (bench/common.ts),
 * so the waiter polls as often per simulated minute as on AWS; the SDK takes fractional seconds.
 */
import {
  DescribeServicesCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  waitUntilServicesStable,
  type RegisterTaskDefinitionCommandInput
} from '@aws-sdk/client-ecs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../scripts/run-action.js';
import { TIME_SCALE, VARS } from './common.js';

/** The official action's fixed minimum delay between polls (WAIT_DEFAULT_DELAY_SEC), seconds. */
export const OFFICIAL_MIN_DELAY_S = 15;
/** waitUntilServicesStable's own default maxDelay (serviceDefaults in @aws-sdk/client-ecs), seconds. */
export const SDK_DEFAULT_MAX_DELAY_S = 600;
/** The official action's default wait-for-minutes. */
export const OFFICIAL_WAIT_MINUTES = 30;

export interface BaselineRun {
  /** Real ms (Date.now()) when the sequence returned: the official action's step would exit here. */
  doneAt: number;
  /** rolloutState of the new deployment in the verifying DescribeServices. */
  rolloutState: string;
  taskDefinitionArn: string;
}

/** examples/web.taskdef.json rendered with examples/web.vars and `tag`, as the official action would be handed it. */
export function renderedWebTaskDefinition(tag: string): RegisterTaskDefinitionCommandInput {
  const vars = new Map<string, string>();
  for (const line of `${VARS}\ntag=${tag}`.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) vars.set(line.slice(0, eq).trim(), line.slice(eq + 1));
  }
  const text = readFileSync(join(ROOT, 'examples/web.taskdef.json'), 'utf8').replace(/\{\{\s*([\w-]+)\s*\}\}/g, (_, name: string) => {
    const value = vars.get(name);
    if (value === undefined) throw new Error(`waiter baseline: examples/web.vars has no ${name}`);
    return value;
  });
  return JSON.parse(text) as RegisterTaskDefinitionCommandInput;
}

/**
 * Deploys `taskDefinition` to cluster/service as the official action does.
 * `maxDelaySeconds` is its `wait-max-delay-seconds` input (undefined: not given).
 */
export async function officialDeploy(opts: {
  endpoint: string;
  accessKeyId: string;
  cluster: string;
  service: string;
  taskDefinition: RegisterTaskDefinitionCommandInput;
  maxDelaySeconds?: number;
}): Promise<BaselineRun> {
  const ecs = new ECSClient({
    endpoint: opts.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: 'bench' },
    maxAttempts: 3,
    retryMode: 'standard'
  });
  try {
    const registered = await ecs.send(new RegisterTaskDefinitionCommand(opts.taskDefinition));
    const taskDefinitionArn = registered.taskDefinition?.taskDefinitionArn;
    if (!taskDefinitionArn) throw new Error('waiter baseline: RegisterTaskDefinition returned no ARN');
    const before = await ecs.send(new DescribeServicesCommand({ cluster: opts.cluster, services: [opts.service] }));
    const beforeId = before.services?.[0]?.deployments?.find((d) => d.status === 'PRIMARY')?.id;
    const updated = await ecs.send(
      new UpdateServiceCommand({ cluster: opts.cluster, service: opts.service, taskDefinition: taskDefinitionArn })
    );
    const afterId = updated.service?.deployments?.find((d) => d.status === 'PRIMARY')?.id;
    await waitUntilServicesStable(
      {
        client: ecs,
        minDelay: OFFICIAL_MIN_DELAY_S / TIME_SCALE,
        maxDelay: (opts.maxDelaySeconds ?? SDK_DEFAULT_MAX_DELAY_S) / TIME_SCALE,
        maxWaitTime: (OFFICIAL_WAIT_MINUTES * 60) / TIME_SCALE
      },
      { cluster: opts.cluster, services: [opts.service] }
    );
    let rolloutState = 'N/A';
    if (afterId && afterId !== beforeId) {
      const verify = await ecs.send(new DescribeServicesCommand({ cluster: opts.cluster, services: [opts.service] }));
      rolloutState = verify.services?.[0]?.deployments?.find((d) => d.id === afterId)?.rolloutState ?? 'rolled back';
    }
    return { doneAt: Date.now(), rolloutState, taskDefinitionArn };
  } finally {
    ecs.destroy();
  }
}
