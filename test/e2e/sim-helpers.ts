/** Reading the local ECS's resulting state the way a user would: through the AWS SDK. */
import { DescribeServicesCommand, ECSClient, type Service } from '@aws-sdk/client-ecs';
import { DescribeListenersCommand, DescribeRulesCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { ACTION, ROOT } from '../../scripts/run-action.js';

const credentials = { accessKeyId: 'AKIDASSERT', secretAccessKey: 'x' };

/** examples/web.vars without its tag: each test sets its own (a var given twice is an error). */
export const VARS = readFileSync(join(ROOT, 'examples/web.vars'), 'utf8').replace(/^tag=.*\n?/m, '');
/** On the sim's compressed clock (×300 in these tests) a 200 ms poll is one simulated minute. */
export const FAST = { 'poll-interval': '200ms', 'max-poll-interval': '600ms' };

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

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the bundled CLI (dist/cli/index.js, or the one beside ECS_ROLLOUT_DIST's action) against the
 * local ECS, asynchronously: the sim runs in the test's own process and must keep answering. With
 * `killWhen`, the CLI is killed (SIGKILL) as soon as its stderr matches, like a dead terminal.
 */
export function runCli(url: string, args: string[], o: { cwd?: string; killWhen?: RegExp; accessKeyId?: string } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(dirname(ACTION), 'cli/index.js'), ...args], {
      cwd: o.cwd ?? ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        AWS_ENDPOINT_URL: url,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: o.accessKeyId ?? 'AKIDCLI',
        AWS_SECRET_ACCESS_KEY: 'x',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'
      }
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      if (o.killWhen?.test(stderr)) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Which of `keys` are held in the deployment lock table now (a strongly consistent read, as the lock itself reads). */
export async function heldLocks(url: string, keys: string[]): Promise<string[]> {
  const db = new DynamoDBClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });
  try {
    const held: string[] = [];
    for (const key of keys) {
      const out = await db.send(new GetItemCommand({ TableName: 'ecs-rollout-locks', Key: { LockKey: { S: key } }, ConsistentRead: true }));
      if (out.Item) held.push(key);
    }
    return held;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return [];
    throw error;
  } finally {
    db.destroy();
  }
}

/**
 * A run's whole reason. A failed deployment's `reason` output is its one-sentence headline;
 * the full story is the log line under it. Otherwise (success, refused before deploying) the output itself.
 */
export function why(run: { log: string; outputs: Record<string, string | undefined> }): string {
  return /Why the deployment did not go through: (.*)/.exec(run.log)?.[1] ?? run.outputs.reason ?? '';
}
