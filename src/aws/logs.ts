/**
 * CloudWatch Logs, read only when a deployment fails: the last lines a failed container
 * wrote through the awslogs driver. The SDK client is imported on first use, so runs that
 * succeed never load it; the endpoint comes from the SDK's own resolution
 * (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_CLOUDWATCH_LOGS), as for every other client.
 */
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { attempt } from './errors.js';

export interface LogLine {
  /** Epoch ms, as CloudWatch Logs returned it. */
  timestamp: number;
  message: string;
}

export interface LogsApi {
  /** The newest `lines` events of one stream, oldest first; [] when the stream has none. */
  tail(region: string | undefined, group: string, stream: string, lines: number): Promise<LogLine[]>;
}

/** Where the awslogs driver of one container writes, from its task definition. */
export interface AwsLogsTarget {
  group: string;
  region?: string;
  /** `awslogs-stream-prefix`; without one (EC2 only) the stream is named after the Docker container id. */
  prefix?: string;
}

/** The awslogs target of a container definition's logConfiguration, undefined for any other driver. */
export function awslogsTarget(
  logConfiguration: { logDriver?: string | undefined; options?: Record<string, string> | undefined } | undefined
): AwsLogsTarget | undefined {
  if (logConfiguration?.logDriver !== 'awslogs') return undefined;
  const o = logConfiguration.options ?? {};
  const group = o['awslogs-group'];
  if (!group) return undefined;
  return {
    group,
    ...(o['awslogs-region'] ? { region: o['awslogs-region'] } : {}),
    ...(o['awslogs-stream-prefix'] ? { prefix: o['awslogs-stream-prefix'] } : {})
  };
}

/** The stream the awslogs driver names: prefix/container-name/task-id (the Docker id when there is no prefix). */
export function awslogsStream(target: AwsLogsTarget, container: string, taskId: string, runtimeId?: string): string | undefined {
  if (target.prefix) return `${target.prefix}/${container}/${taskId}`;
  return runtimeId;
}

/** The CloudWatch console page of one log stream (the console's own $252F-style escaping). */
export function logStreamConsoleUrl(region: string, group: string, stream: string): string {
  const esc = (s: string): string => encodeURIComponent(encodeURIComponent(s)).replace(/%/g, '$');
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/${esc(group)}/log-events/${esc(stream)}`;
}

/** Without a `call-timeout` (tests, the CLI's defaults): the SDK clients' own default deadline. */
const CALL_TIMEOUT_MS = 30_000;

/** One client per region, created on first use. */
export function createLogsApi(options: { maxAttempts?: number; callTimeoutMs?: number } = {}): LogsApi {
  const clients = new Map<string, Promise<{ client: CloudWatchLogsClient; sdk: typeof import('@aws-sdk/client-cloudwatch-logs') }>>();
  const clientFor = (region: string | undefined) => {
    const key = region ?? '';
    let p = clients.get(key);
    if (!p) {
      p = import('@aws-sdk/client-cloudwatch-logs').then((sdk) => ({
        sdk,
        client: new sdk.CloudWatchLogsClient({ ...(region ? { region } : {}), maxAttempts: options.maxAttempts ?? 3 })
      }));
      clients.set(key, p);
    }
    return p;
  };
  return {
    tail: (region, group, stream, lines) =>
      attempt(`reading the last ${lines} lines of log stream ${stream} in log group ${group}`, async () => {
        const { sdk, client } = await clientFor(region);
        const out = await client.send(
          new sdk.GetLogEventsCommand({ logGroupName: group, logStreamName: stream, limit: lines, startFromHead: false }),
          {
            abortSignal: AbortSignal.timeout(options.callTimeoutMs ?? CALL_TIMEOUT_MS)
          }
        );
        return (out.events ?? []).map((e) => ({ timestamp: e.timestamp ?? 0, message: (e.message ?? '').replace(/\s+$/, '') }));
      })
  };
}
