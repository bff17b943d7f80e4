/**
 * The ready scenario: built through the models' own handlers with API-shaped inputs
 * (as a user's infrastructure code would), then the clock is advanced until every
 * service is steady and its targets healthy.
 */
import type { RequestContext, ServiceName } from './types.js';
import type { World } from './world.js';
import { seedVerifyWorld, type VerifySeed } from './verify-seed.js';

export type TargetGroupName =
  'web-blue' | 'web-green' | 'web-rolling' | 'api-blue' | 'api-green' | 'shop-blue' | 'shop-green' | 'pay-blue' | 'pay-green';
export type ServiceNameInScenario = 'web' | 'web-blue' | 'web-green' | 'api-blue' | 'api-green' | 'shop' | 'pay';

export interface Scenario {
  name: 'default';
  region: string;
  accountId: string;
  cluster: { name: string; arn: string };
  /** Task definition ARNs by family (revision 1). */
  taskDefinitions: Record<'web' | 'api' | 'shop' | 'pay', string>;
  images: Record<'web' | 'api' | 'shop' | 'pay', string>;
  containerPort: number;
  loadBalancers: Record<'web-alb' | 'api-alb' | 'shop-alb' | 'pay-alb', { arn: string; dnsName: string }>;
  /** By `<load balancer>:<port>`. */
  listeners: Record<'web-alb:80' | 'web-alb:81' | 'api-alb:80' | 'shop-alb:80' | 'shop-alb:8080' | 'pay-alb:80' | 'pay-alb:8080', string>;
  /** By `<load balancer>:<port>:<priority>`. */
  rules: Record<'api-alb:80:10' | 'shop-alb:80:10' | 'shop-alb:8080:10', string>;
  /**
   * The ECS-native blue/green service `shop` (deployment controller ECS, strategy BLUE_GREEN):
   * its production and test listener rules, its primary (`targetGroupArns[0]` in loadBalancers,
   * shop-blue) and alternate (shop-green) target groups and the infrastructure role ECS uses.
   */
  native: {
    service: string;
    productionListenerRule: string;
    testListenerRule: string;
    primaryTargetGroup: string;
    alternateTargetGroup: string;
    roleArn: string;
  };
  /**
   * The CodeDeploy blue/green service `pay` (deployment controller CODE_DEPLOY): CodeDeploy
   * application `pay-app`, deployment group `pay-dg` (CodeDeployDefault.ECSAllAtOnce, one-minute
   * termination wait, auto-rollback on DEPLOYMENT_FAILURE), its production listener pay-alb:80 and
   * test listener pay-alb:8080 (both forwarding pay-blue 100 / pay-green 0 at first), and the
   * service role CodeDeploy uses.
   */
  codeDeploy: {
    service: string;
    serviceName: 'pay';
    application: 'pay-app';
    deploymentGroup: 'pay-dg';
    deploymentConfigName: string;
    prodListener: string;
    testListener: string;
    blueTargetGroup: string;
    greenTargetGroup: string;
    serviceRoleArn: string;
    terminationWaitTimeInMinutes: number;
  };
  targetGroups: Record<TargetGroupName, string>;
  services: Record<ServiceNameInScenario, string>;
  /** What `ecs-rollout verify` checks outside ECS: roles, ECR images, parameters, secrets (some deliberately broken). */
  verify: VerifySeed;
  /** Simulated time at which everything was steady (epoch ms). */
  readyAt: number;
}

const SUBNETS = ['subnet-0aa11bb22cc33dd44', 'subnet-0ee55ff66aa77bb88'];
const SECURITY_GROUP = 'sg-0123456789abcdef0';
const CONTAINER_PORT = 8080;
const READY_WITHIN_MS = 30 * 60_000;
const STEP_MS = 5_000;

export async function seedScenario(world: World): Promise<Scenario> {
  if (!world.ecsAvailable) throw new Error('cannot seed: the ECS model is not available (sim/ecs/index.ts is missing)');
  const region = world.region;
  const call = async (service: ServiceName, operation: string, input: Record<string, unknown>): Promise<any> => {
    const handler = world.model(service).handlers[operation];
    if (!handler) throw new Error(`cannot seed: ${service} has no ${operation} handler`);
    const ctx: RequestContext = { service, operation, accessKeyId: 'SIMSEED', region, takeFault: () => false };
    try {
      return await handler(input, ctx);
    } catch (error) {
      throw new Error(
        `seeding: ${service}.${operation} failed: ${error instanceof Error ? `${error.name} ${error.message}` : String(error)}`,
        { cause: error }
      );
    }
  };
  const elb = (op: string, input: Record<string, unknown>): Promise<any> => call('elbv2', op, input);
  const ecs = (op: string, input: Record<string, unknown>): Promise<any> => call('ecs', op, input);
  // The awslogs driver needs its group to exist; the scenario's task definitions write to these.
  for (const logGroupName of ['/ecs/web', '/ecs/api', '/ecs/shop', '/ecs/pay']) await call('logs', 'CreateLogGroup', { logGroupName });

  const targetGroups = {} as Record<TargetGroupName, string>;
  for (const name of ['web-blue', 'web-green', 'web-rolling', 'api-blue', 'api-green'] as TargetGroupName[]) {
    const out = await elb('CreateTargetGroup', {
      Name: name,
      Protocol: 'HTTP',
      Port: String(CONTAINER_PORT),
      VpcId: 'vpc-0a1b2c3d4e5f60718',
      TargetType: 'ip',
      HealthCheckPath: '/health',
      HealthCheckIntervalSeconds: '10',
      HealthCheckTimeoutSeconds: '5',
      HealthyThresholdCount: '3',
      UnhealthyThresholdCount: '2'
    });
    targetGroups[name] = out.TargetGroups[0].TargetGroupArn;
    // 30 s instead of the 300 s default, so a compressed test does not wait on draining.
    await elb('ModifyTargetGroupAttributes', {
      TargetGroupArn: targetGroups[name],
      Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }]
    });
  }

  const lbs = {} as Scenario['loadBalancers'];
  for (const name of ['web-alb', 'api-alb'] as const) {
    const out = await elb('CreateLoadBalancer', {
      Name: name,
      Subnets: SUBNETS,
      SecurityGroups: [SECURITY_GROUP],
      Scheme: 'internet-facing',
      Type: 'application'
    });
    lbs[name] = { arn: out.LoadBalancers[0].LoadBalancerArn, dnsName: out.LoadBalancers[0].DNSName };
  }
  const weighted = (blue: string, green: string): Record<string, unknown>[] => [
    {
      Type: 'forward',
      ForwardConfig: {
        TargetGroups: [
          { TargetGroupArn: blue, Weight: '100' },
          { TargetGroupArn: green, Weight: '0' }
        ],
        TargetGroupStickinessConfig: { Enabled: 'false' }
      }
    }
  ];
  const listen = async (lb: string, port: number, actions: Record<string, unknown>[]): Promise<string> =>
    (await elb('CreateListener', { LoadBalancerArn: lb, Port: String(port), Protocol: 'HTTP', DefaultActions: actions })).Listeners[0]
      .ListenerArn;
  const listeners: Omit<Scenario['listeners'], 'shop-alb:80' | 'shop-alb:8080' | 'pay-alb:80' | 'pay-alb:8080'> = {
    'web-alb:80': await listen(lbs['web-alb'].arn, 80, weighted(targetGroups['web-blue'], targetGroups['web-green'])),
    'web-alb:81': await listen(lbs['web-alb'].arn, 81, [{ Type: 'forward', TargetGroupArn: targetGroups['web-rolling'] }]),
    'api-alb:80': await listen(lbs['api-alb'].arn, 80, [
      { Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'not found' } }
    ])
  };
  const rule = await elb('CreateRule', {
    ListenerArn: listeners['api-alb:80'],
    Priority: '10',
    Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/api/*'] } }],
    Actions: weighted(targetGroups['api-blue'], targetGroups['api-green'])
  });
  const rules: Omit<Scenario['rules'], 'shop-alb:80:10' | 'shop-alb:8080:10'> = { 'api-alb:80:10': rule.Rules[0].RuleArn };

  const cluster = (await ecs('CreateCluster', { clusterName: 'prod' })).cluster;
  const images = { web: 'registry.example.com/web:v1', api: 'registry.example.com/api:v1' };
  const taskDefinitions = {} as Scenario['taskDefinitions'];
  for (const family of ['web', 'api'] as const) {
    const out = await ecs('RegisterTaskDefinition', {
      family,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      executionRoleArn: `arn:aws:iam::${world.accountId}:role/ecsTaskExecutionRole`,
      containerDefinitions: [
        {
          name: family,
          image: images[family],
          essential: true,
          portMappings: [{ containerPort: CONTAINER_PORT, protocol: 'tcp' }],
          logConfiguration: {
            logDriver: 'awslogs',
            options: { 'awslogs-group': `/ecs/${family}`, 'awslogs-region': region, 'awslogs-stream-prefix': family }
          }
        }
      ]
    });
    taskDefinitions[family] = out.taskDefinition.taskDefinitionArn;
  }

  const services = {} as Scenario['services'];
  const serviceSpecs: { name: ServiceNameInScenario; family: 'web' | 'api'; tg: TargetGroupName; desired: number }[] = [
    { name: 'web', family: 'web', tg: 'web-rolling', desired: 2 },
    { name: 'web-blue', family: 'web', tg: 'web-blue', desired: 2 },
    { name: 'web-green', family: 'web', tg: 'web-green', desired: 0 },
    { name: 'api-blue', family: 'api', tg: 'api-blue', desired: 2 },
    { name: 'api-green', family: 'api', tg: 'api-green', desired: 0 }
  ];
  for (const s of serviceSpecs) {
    const out = await ecs('CreateService', {
      cluster: 'prod',
      serviceName: s.name,
      taskDefinition: taskDefinitions[s.family],
      desiredCount: s.desired,
      launchType: 'FARGATE',
      loadBalancers: [{ targetGroupArn: targetGroups[s.tg], containerName: s.family, containerPort: CONTAINER_PORT }],
      networkConfiguration: { awsvpcConfiguration: { subnets: SUBNETS, securityGroups: [SECURITY_GROUP], assignPublicIp: 'DISABLED' } },
      deploymentController: { type: 'ECS' },
      deploymentConfiguration: {
        maximumPercent: 200,
        minimumHealthyPercent: 100,
        deploymentCircuitBreaker: { enable: true, rollback: true }
      },
      healthCheckGracePeriodSeconds: 30
    });
    services[s.name] = out.service.serviceArn;
  }

  const deadline = world.clock.now() + READY_WITHIN_MS;
  let waiting: string;
  for (;;) {
    world.advance(STEP_MS);
    waiting = await notReady(serviceSpecs, targetGroups, ecs, elb);
    if (!waiting) break;
    if (world.clock.now() > deadline) throw new Error(`seeding: the scenario was not steady after 30 simulated minutes: ${waiting}`);
  }

  const shop = await seedShop(world, elb, ecs, region);
  const pay = await seedPay(world, elb, ecs, (op, input) => call('codedeploy', op, input), region);
  const verify = await seedVerifyWorld(call, region, world.accountId);

  return {
    name: 'default',
    region,
    accountId: world.accountId,
    cluster: { name: 'prod', arn: cluster.clusterArn },
    taskDefinitions: { ...taskDefinitions, shop: shop.taskDefinition, pay: pay.taskDefinition },
    images: { ...images, shop: shop.image, pay: pay.image },
    containerPort: CONTAINER_PORT,
    loadBalancers: { ...lbs, 'shop-alb': shop.loadBalancer, 'pay-alb': pay.loadBalancer },
    listeners: { ...listeners, ...shop.listeners, ...pay.listeners },
    rules: { ...rules, ...shop.rules },
    targetGroups: { ...targetGroups, ...shop.targetGroups, ...pay.targetGroups },
    services: { ...services, shop: shop.service, pay: pay.codeDeploy.service },
    native: shop.native,
    codeDeploy: pay.codeDeploy,
    verify,
    readyAt: world.clock.now()
  };
}

type Call = (op: string, input: Record<string, unknown>) => Promise<any>;

/**
 * The native blue/green service `shop`: its own ALB `shop-alb` whose listener :80 holds the
 * production rule (priority 10, `/*`) and whose test listener :8080 holds the test rule, both
 * forwarding to shop-blue (100) / shop-green (0). Built after the rest of the scenario is
 * steady, so every older seeded ARN and id stays what it was.
 */
async function seedShop(world: World, elb: Call, ecs: Call, region: string) {
  const targetGroups = {} as Record<'shop-blue' | 'shop-green', string>;
  for (const name of ['shop-blue', 'shop-green'] as const) {
    const out = await elb('CreateTargetGroup', {
      Name: name,
      Protocol: 'HTTP',
      Port: String(CONTAINER_PORT),
      VpcId: 'vpc-0a1b2c3d4e5f60718',
      TargetType: 'ip',
      HealthCheckPath: '/health',
      HealthCheckIntervalSeconds: '10',
      HealthCheckTimeoutSeconds: '5',
      HealthyThresholdCount: '3',
      UnhealthyThresholdCount: '2'
    });
    targetGroups[name] = out.TargetGroups[0].TargetGroupArn;
    await elb('ModifyTargetGroupAttributes', {
      TargetGroupArn: targetGroups[name],
      Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }]
    });
  }
  const alb = (
    await elb('CreateLoadBalancer', {
      Name: 'shop-alb',
      Subnets: SUBNETS,
      SecurityGroups: [SECURITY_GROUP],
      Scheme: 'internet-facing',
      Type: 'application'
    })
  ).LoadBalancers[0];
  const notFound = [
    { Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'not found' } }
  ];
  const forward = [
    {
      Type: 'forward',
      ForwardConfig: {
        TargetGroups: [
          { TargetGroupArn: targetGroups['shop-blue'], Weight: '100' },
          { TargetGroupArn: targetGroups['shop-green'], Weight: '0' }
        ],
        TargetGroupStickinessConfig: { Enabled: 'false' }
      }
    }
  ];
  const listeners = {} as Record<'shop-alb:80' | 'shop-alb:8080', string>;
  const rules = {} as Record<'shop-alb:80:10' | 'shop-alb:8080:10', string>;
  for (const port of [80, 8080] as const) {
    listeners[`shop-alb:${port}`] = (
      await elb('CreateListener', { LoadBalancerArn: alb.LoadBalancerArn, Port: String(port), Protocol: 'HTTP', DefaultActions: notFound })
    ).Listeners[0].ListenerArn;
    rules[`shop-alb:${port}:10`] = (
      await elb('CreateRule', {
        ListenerArn: listeners[`shop-alb:${port}`],
        Priority: '10',
        Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } }],
        Actions: forward
      })
    ).Rules[0].RuleArn;
  }
  const image = 'registry.example.com/shop:v1';
  const taskDefinition = (
    await ecs('RegisterTaskDefinition', {
      family: 'shop',
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      executionRoleArn: `arn:aws:iam::${world.accountId}:role/ecsTaskExecutionRole`,
      containerDefinitions: [
        {
          name: 'shop',
          image,
          essential: true,
          portMappings: [{ containerPort: CONTAINER_PORT, protocol: 'tcp' }],
          logConfiguration: {
            logDriver: 'awslogs',
            options: { 'awslogs-group': '/ecs/shop', 'awslogs-region': region, 'awslogs-stream-prefix': 'shop' }
          }
        }
      ]
    })
  ).taskDefinition.taskDefinitionArn as string;
  const roleArn = `arn:aws:iam::${world.accountId}:role/ecsInfrastructureRoleForLoadBalancers`;
  const service = (
    await ecs('CreateService', {
      cluster: 'prod',
      serviceName: 'shop',
      taskDefinition,
      desiredCount: 2,
      launchType: 'FARGATE',
      loadBalancers: [
        {
          targetGroupArn: targetGroups['shop-blue'],
          containerName: 'shop',
          containerPort: CONTAINER_PORT,
          advancedConfiguration: {
            alternateTargetGroupArn: targetGroups['shop-green'],
            productionListenerRule: rules['shop-alb:80:10'],
            testListenerRule: rules['shop-alb:8080:10'],
            roleArn
          }
        }
      ],
      networkConfiguration: { awsvpcConfiguration: { subnets: SUBNETS, securityGroups: [SECURITY_GROUP], assignPublicIp: 'DISABLED' } },
      deploymentController: { type: 'ECS' },
      deploymentConfiguration: {
        strategy: 'BLUE_GREEN',
        bakeTimeInMinutes: 2,
        maximumPercent: 200,
        minimumHealthyPercent: 100,
        deploymentCircuitBreaker: { enable: true, rollback: true }
      },
      healthCheckGracePeriodSeconds: 30
    })
  ).service.serviceArn as string;

  const spec = [{ name: 'shop', tg: 'shop-blue' as TargetGroupName, desired: 2 }];
  const deadline = world.clock.now() + READY_WITHIN_MS;
  for (;;) {
    world.advance(STEP_MS);
    const waiting = await notReady(spec, targetGroups as Record<TargetGroupName, string>, ecs, elb);
    if (!waiting) break;
    if (world.clock.now() > deadline)
      throw new Error(`seeding: the native service shop was not steady after 30 simulated minutes: ${waiting}`);
  }
  return {
    targetGroups,
    loadBalancer: { arn: alb.LoadBalancerArn as string, dnsName: alb.DNSName as string },
    listeners,
    rules,
    image,
    taskDefinition,
    service,
    native: {
      service,
      productionListenerRule: rules['shop-alb:80:10'],
      testListenerRule: rules['shop-alb:8080:10'],
      primaryTargetGroup: targetGroups['shop-blue'],
      alternateTargetGroup: targetGroups['shop-green'],
      roleArn
    }
  };
}

/**
 * The CodeDeploy blue/green service `pay`: its own ALB `pay-alb` with the production listener :80
 * and the test listener :8080 (default actions forwarding pay-blue 100 / pay-green 0, so both groups
 * are in use and health-checked), the service on the CODE_DEPLOY controller (one PRIMARY task set in
 * pay-blue), and CodeDeploy's application pay-app and deployment group pay-dg. Built last, so every
 * older seeded ARN and id stays what it was.
 */
async function seedPay(world: World, elb: Call, ecs: Call, codedeploy: Call, region: string) {
  const targetGroups = {} as Record<'pay-blue' | 'pay-green', string>;
  for (const name of ['pay-blue', 'pay-green'] as const) {
    const out = await elb('CreateTargetGroup', {
      Name: name,
      Protocol: 'HTTP',
      Port: String(CONTAINER_PORT),
      VpcId: 'vpc-0a1b2c3d4e5f60718',
      TargetType: 'ip',
      HealthCheckPath: '/health',
      HealthCheckIntervalSeconds: '10',
      HealthCheckTimeoutSeconds: '5',
      HealthyThresholdCount: '3',
      UnhealthyThresholdCount: '2'
    });
    targetGroups[name] = out.TargetGroups[0].TargetGroupArn;
    await elb('ModifyTargetGroupAttributes', {
      TargetGroupArn: targetGroups[name],
      Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }]
    });
  }
  const alb = (
    await elb('CreateLoadBalancer', {
      Name: 'pay-alb',
      Subnets: SUBNETS,
      SecurityGroups: [SECURITY_GROUP],
      Scheme: 'internet-facing',
      Type: 'application'
    })
  ).LoadBalancers[0];
  const forward = [
    {
      Type: 'forward',
      ForwardConfig: {
        TargetGroups: [
          { TargetGroupArn: targetGroups['pay-blue'], Weight: '100' },
          { TargetGroupArn: targetGroups['pay-green'], Weight: '0' }
        ],
        TargetGroupStickinessConfig: { Enabled: 'false' }
      }
    }
  ];
  const listeners = {} as Record<'pay-alb:80' | 'pay-alb:8080', string>;
  for (const port of [80, 8080] as const) {
    listeners[`pay-alb:${port}`] = (
      await elb('CreateListener', { LoadBalancerArn: alb.LoadBalancerArn, Port: String(port), Protocol: 'HTTP', DefaultActions: forward })
    ).Listeners[0].ListenerArn;
  }
  const image = 'registry.example.com/pay:v1';
  const taskDefinition = (
    await ecs('RegisterTaskDefinition', {
      family: 'pay',
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      executionRoleArn: `arn:aws:iam::${world.accountId}:role/ecsTaskExecutionRole`,
      containerDefinitions: [
        {
          name: 'pay',
          image,
          essential: true,
          portMappings: [{ containerPort: CONTAINER_PORT, protocol: 'tcp' }],
          logConfiguration: {
            logDriver: 'awslogs',
            options: { 'awslogs-group': '/ecs/pay', 'awslogs-region': region, 'awslogs-stream-prefix': 'pay' }
          }
        }
      ]
    })
  ).taskDefinition.taskDefinitionArn as string;
  const service = (
    await ecs('CreateService', {
      cluster: 'prod',
      serviceName: 'pay',
      taskDefinition,
      desiredCount: 2,
      launchType: 'FARGATE',
      loadBalancers: [{ targetGroupArn: targetGroups['pay-blue'], containerName: 'pay', containerPort: CONTAINER_PORT }],
      networkConfiguration: { awsvpcConfiguration: { subnets: SUBNETS, securityGroups: [SECURITY_GROUP], assignPublicIp: 'DISABLED' } },
      deploymentController: { type: 'CODE_DEPLOY' },
      healthCheckGracePeriodSeconds: 30
    })
  ).service.serviceArn as string;
  const serviceRoleArn = `arn:aws:iam::${world.accountId}:role/ecsCodeDeployRole`;
  const deploymentConfigName = 'CodeDeployDefault.ECSAllAtOnce';
  const terminationWaitTimeInMinutes = 1;
  await codedeploy('CreateApplication', { applicationName: 'pay-app', computePlatform: 'ECS' });
  await codedeploy('CreateDeploymentGroup', {
    applicationName: 'pay-app',
    deploymentGroupName: 'pay-dg',
    serviceRoleArn,
    deploymentConfigName,
    deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
    blueGreenDeploymentConfiguration: {
      terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes },
      deploymentReadyOption: { actionOnTimeout: 'CONTINUE_DEPLOYMENT', waitTimeInMinutes: 0 }
    },
    ecsServices: [{ serviceName: 'pay', clusterName: 'prod' }],
    loadBalancerInfo: {
      targetGroupPairInfoList: [
        {
          targetGroups: [{ name: 'pay-blue' }, { name: 'pay-green' }],
          prodTrafficRoute: { listenerArns: [listeners['pay-alb:80']] },
          testTrafficRoute: { listenerArns: [listeners['pay-alb:8080']] }
        }
      ]
    },
    autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_FAILURE'] }
  });

  const deadline = world.clock.now() + READY_WITHIN_MS;
  for (;;) {
    world.advance(STEP_MS);
    const svc = (await ecs('DescribeServices', { cluster: 'prod', services: ['pay'] })).services[0];
    const ts = svc.taskSets?.[0];
    const health = await elb('DescribeTargetHealth', { TargetGroupArn: targetGroups['pay-blue'] });
    const healthy = health.TargetHealthDescriptions.filter(
      (d: { TargetHealth: { State: string } }) => d.TargetHealth.State === 'healthy'
    ).length;
    if (svc.taskSets.length === 1 && ts.runningCount === 2 && ts.stabilityStatus === 'STEADY_STATE' && healthy === 2) break;
    if (world.clock.now() > deadline)
      throw new Error(
        `seeding: the CodeDeploy service pay was not steady after 30 simulated minutes: ${ts?.runningCount} running, ${healthy} healthy`
      );
  }
  return {
    targetGroups,
    loadBalancer: { arn: alb.LoadBalancerArn as string, dnsName: alb.DNSName as string },
    listeners,
    image,
    taskDefinition,
    codeDeploy: {
      service,
      serviceName: 'pay' as const,
      application: 'pay-app' as const,
      deploymentGroup: 'pay-dg' as const,
      deploymentConfigName,
      prodListener: listeners['pay-alb:80'],
      testListener: listeners['pay-alb:8080'],
      blueTargetGroup: targetGroups['pay-blue'],
      greenTargetGroup: targetGroups['pay-green'],
      serviceRoleArn,
      terminationWaitTimeInMinutes
    }
  };
}

/** Why the scenario is not ready yet, or '' when every service is steady and its targets healthy. */
async function notReady(
  specs: { name: string; tg: TargetGroupName; desired: number }[],
  targetGroups: Record<TargetGroupName, string>,
  ecs: (op: string, input: Record<string, unknown>) => Promise<any>,
  elb: (op: string, input: Record<string, unknown>) => Promise<any>
): Promise<string> {
  const out = await ecs('DescribeServices', { cluster: 'prod', services: specs.map((s) => s.name) });
  for (const s of specs) {
    const svc = (out.services ?? []).find((x: { serviceName?: string }) => x.serviceName === s.name);
    if (!svc) return `service ${s.name} not found`;
    const deployments = svc.deployments ?? [];
    if (
      deployments.length !== 1 ||
      svc.runningCount !== s.desired ||
      (deployments[0].rolloutState && deployments[0].rolloutState !== 'COMPLETED')
    ) {
      return `service ${s.name}: ${svc.runningCount}/${s.desired} running, ${deployments.length} deployment(s), rollout ${deployments[0]?.rolloutState}`;
    }
    const health = await elb('DescribeTargetHealth', { TargetGroupArn: targetGroups[s.tg] });
    const healthy = health.TargetHealthDescriptions.filter(
      (d: { TargetHealth: { State: string } }) => d.TargetHealth.State === 'healthy'
    ).length;
    if (healthy !== s.desired || health.TargetHealthDescriptions.length !== s.desired) {
      return `target group ${s.tg}: ${healthy} of ${s.desired} targets healthy (${health.TargetHealthDescriptions.length} registered)`;
    }
  }
  return '';
}

/**
 * The action inputs that point a blue/green deployment at the scenario's web-blue / web-green
 * pair behind web-alb's listener :80 (shared by the demo, the tests and the benchmarks).
 */
export function webBlueGreenInputs(scenario: Scenario): Record<string, string> {
  return {
    strategy: 'blue-green',
    cluster: scenario.cluster.name,
    'blue-service': 'web-blue',
    'green-service': 'web-green',
    'blue-target-group': scenario.targetGroups['web-blue'],
    'green-target-group': scenario.targetGroups['web-green'],
    'listener-arn': scenario.listeners['web-alb:80']
  };
}
