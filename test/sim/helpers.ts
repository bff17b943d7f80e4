/** Shared set-up for the local ECS's own tests: a sim on a frozen clock and real SDK clients pointed at it. */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ECSClient } from '@aws-sdk/client-ecs';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
  type Action
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { startSim, type Sim } from '../../sim/server.js';

export interface Clients {
  elb: ElasticLoadBalancingV2Client;
  cw: CloudWatchClient;
  ecs: ECSClient;
}

export function clients(sim: Sim, opts: { accessKeyId?: string; region?: string; maxAttempts?: number } = {}): Clients {
  const config = {
    endpoint: sim.url,
    region: opts.region ?? 'us-east-1',
    credentials: { accessKeyId: opts.accessKeyId ?? 'AKIDSIMTEST', secretAccessKey: 'sim-secret' },
    maxAttempts: opts.maxAttempts ?? 1
  };
  return { elb: new ElasticLoadBalancingV2Client(config), cw: new CloudWatchClient(config), ecs: new ECSClient(config) };
}

/**
 * Time scale 0 freezes the clock between explicit advance() calls, so every
 * assertion about health checks, traffic and alarms is exact and the tests take milliseconds.
 */
export function frozenSim(): Promise<Sim> {
  return startSim({ timeScale: 0 });
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(p: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number }; Code?: string }> {
  try {
    await p;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

export interface Alb {
  lbArn: string;
  listenerArn: string;
  blue: string;
  green: string;
}

/** An ALB whose listener :80 forwards to blue/green with the given weights. */
export async function weightedAlb(
  elb: ElasticLoadBalancingV2Client,
  name: string,
  weights: [number, number],
  tg: { interval?: number; healthy?: number; unhealthy?: number } = {}
): Promise<Alb> {
  const lb = await elb.send(new CreateLoadBalancerCommand({ Name: name, Subnets: ['subnet-1', 'subnet-2'] }));
  const group = async (colour: string): Promise<string> =>
    (
      await elb.send(
        new CreateTargetGroupCommand({
          Name: `${name}-${colour}`,
          Protocol: 'HTTP',
          Port: 8080,
          TargetType: 'ip',
          VpcId: 'vpc-1',
          HealthCheckIntervalSeconds: tg.interval ?? 10,
          HealthyThresholdCount: tg.healthy ?? 3,
          UnhealthyThresholdCount: tg.unhealthy ?? 2
        })
      )
    ).TargetGroups![0].TargetGroupArn!;
  const blue = await group('blue');
  const green = await group('green');
  const actions: Action[] = [
    {
      Type: 'forward',
      ForwardConfig: {
        TargetGroups: [
          { TargetGroupArn: blue, Weight: weights[0] },
          { TargetGroupArn: green, Weight: weights[1] }
        ]
      }
    }
  ];
  const lbArn = lb.LoadBalancers![0].LoadBalancerArn!;
  const listener = await elb.send(
    new CreateListenerCommand({ LoadBalancerArn: lbArn, Port: 80, Protocol: 'HTTP', DefaultActions: actions })
  );
  return { lbArn, listenerArn: listener.Listeners![0].ListenerArn!, blue, green };
}
