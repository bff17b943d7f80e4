/**
 * Services for releases: N rolling services in cluster `prod` (no load balancer, as workers
 * and internal APIs often are), each with its own family `<name>` on revision 1 running
 * `registry.example.com/<name>:v1`, built through the models' own handlers like seed.ts and
 * steady before it returns. Used by the release tests, the benchmark and the demo.
 */
import type { RequestContext } from './types.js';
import type { World } from './world.js';

const SUBNETS = ['subnet-0aa11bb22cc33dd44', 'subnet-0ee55ff66aa77bb88'];
const SECURITY_GROUP = 'sg-0123456789abcdef0';
const STEP_MS = 5_000;
const READY_WITHIN_MS = 30 * 60_000;

export interface ReleaseSeed {
  /** Revision 1's ARN, by service (= family) name. */
  taskDefinitions: Record<string, string>;
  services: Record<string, string>;
}

export async function seedReleaseServices(
  world: World,
  names: readonly string[],
  o: { desiredCount?: number; cluster?: string } = {}
): Promise<ReleaseSeed> {
  const cluster = o.cluster ?? 'prod';
  const desired = o.desiredCount ?? 1;
  const ecs = async (operation: string, input: Record<string, unknown>): Promise<any> => {
    const handler = world.model('ecs').handlers[operation];
    if (!handler) throw new Error(`cannot seed: ecs has no ${operation} handler`);
    const ctx: RequestContext = { service: 'ecs', operation, accessKeyId: 'SIMSEED', region: world.region, takeFault: () => false };
    try {
      return await handler(input, ctx);
    } catch (error) {
      throw new Error(
        `seeding release services: ecs.${operation} failed: ${error instanceof Error ? `${error.name} ${error.message}` : String(error)}`,
        { cause: error }
      );
    }
  };
  const clusters = await ecs('DescribeClusters', { clusters: [cluster] });
  if (!clusters.clusters?.length) await ecs('CreateCluster', { clusterName: cluster });
  const out: ReleaseSeed = { taskDefinitions: {}, services: {} };
  for (const name of names) {
    const td = await ecs('RegisterTaskDefinition', {
      family: name,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      executionRoleArn: `arn:aws:iam::${world.accountId}:role/ecsTaskExecutionRole`,
      containerDefinitions: [
        { name, image: `registry.example.com/${name}:v1`, essential: true, portMappings: [{ containerPort: 8080, protocol: 'tcp' }] }
      ]
    });
    out.taskDefinitions[name] = td.taskDefinition.taskDefinitionArn;
    const svc = await ecs('CreateService', {
      cluster,
      serviceName: name,
      taskDefinition: out.taskDefinitions[name],
      desiredCount: desired,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: SUBNETS, securityGroups: [SECURITY_GROUP], assignPublicIp: 'DISABLED' } },
      deploymentController: { type: 'ECS' },
      deploymentConfiguration: {
        maximumPercent: 200,
        minimumHealthyPercent: 100,
        deploymentCircuitBreaker: { enable: true, rollback: true }
      }
    });
    out.services[name] = svc.service.serviceArn;
  }
  const deadline = world.clock.now() + READY_WITHIN_MS;
  for (;;) {
    world.advance(STEP_MS);
    const services: any[] = [];
    for (let i = 0; i < names.length; i += 10)
      services.push(...(await ecs('DescribeServices', { cluster, services: names.slice(i, i + 10) })).services);
    const waiting = services.filter(
      (s) => s.runningCount !== desired || s.deployments?.length !== 1 || s.deployments[0].rolloutState !== 'COMPLETED'
    );
    if (waiting.length === 0) break;
    if (world.clock.now() > deadline)
      throw new Error(`seeding release services: not steady after 30 simulated minutes: ${waiting.map((s) => s.serviceName).join(', ')}`);
  }
  return out;
}
