/** Reading the local ECS's resulting state the way a user would: through the AWS SDK. */
import { DescribeServicesCommand, ECSClient, type Service } from '@aws-sdk/client-ecs';
import { DescribeListenersCommand, DescribeRulesCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../scripts/run-action.js';

const credentials = { accessKeyId: 'AKIDASSERT', secretAccessKey: 'x' };

/** examples/web.vars without its tag: each test sets its own (a var given twice is an error). */
export const VARS = readFileSync(join(ROOT, 'examples/web.vars'), 'utf8').replace(/^tag=.*\n?/m, '');
/** On the sim's compressed clock (×300 in these tests) a 200 ms poll is one simulated minute. */
export const FAST = { 'poll-interval': '200ms' };

export function clients(url: string): { ecs: ECSClient; elb: ElasticLoadBalancingV2Client; cw: CloudWatchClient } {
  const config = { endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 };
  return { ecs: new ECSClient(config), elb: new ElasticLoadBalancingV2Client(config), cw: new CloudWatchClient(config) };
}

export async function service(url: string, name: string, cluster = 'prod'): Promise<Service> {
  const out = await clients(url).ecs.send(new DescribeServicesCommand({ cluster, services: [name] }));
  const s = out.services?.[0];
  if (!s) throw new Error(`no service ${name}`);
  return s;
}

/** `web:2` from the ARN of the revision a service runs. */
export async function revisionOf(url: string, name: string): Promise<string> {
  return (await service(url, name)).taskDefinition?.split('/').pop() ?? '';
}

/** Listener (or rule) weights by target group name. */
export async function weights(url: string, arn: string): Promise<Record<string, number>> {
  const elb = clients(url).elb;
  const actions = arn.includes(':listener-rule/')
    ? (await elb.send(new DescribeRulesCommand({ RuleArns: [arn] }))).Rules?.[0]?.Actions
    : (await elb.send(new DescribeListenersCommand({ ListenerArns: [arn] }))).Listeners?.[0]?.DefaultActions;
  const forward = actions?.find((a) => a.Type === 'forward');
  const out: Record<string, number> = {};
  for (const tg of forward?.ForwardConfig?.TargetGroups ?? []) {
    out[/targetgroup\/([^/]+)\//.exec(tg.TargetGroupArn ?? '')?.[1] ?? '?'] = tg.Weight ?? 0;
  }
  return out;
}

export async function alarmNames(url: string, prefix = 'ecs-rollout-'): Promise<string[]> {
  const out = await clients(url).cw.send(new DescribeAlarmsCommand({ AlarmNamePrefix: prefix }));
  return [...(out.MetricAlarms ?? []), ...(out.CompositeAlarms ?? [])].map((a) => a.AlarmName ?? '');
}
