import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { DescribeServicesCommand, waitUntilServicesStable } from '@aws-sdk/client-ecs';
import { DescribeListenersCommand, DescribeRulesCommand, DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { startSim, type Sim } from '../../sim/server.js';
import { clients, type Clients } from './helpers.js';

const ROOT = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../..');

describe('the seeded scenario', () => {
  let sim: Sim;
  let c: Clients;

  beforeAll(async () => {
    sim = await startSim({ timeScale: 0, seed: true });
    c = clients(sim);
  });
  afterAll(() => sim?.close());

  it('names every ARN it created', () => {
    const s = sim.scenario!;
    expect(s.cluster).toEqual({ name: 'prod', arn: 'arn:aws:ecs:us-east-1:123456789012:cluster/prod' });
    expect(s.taskDefinitions.web).toBe('arn:aws:ecs:us-east-1:123456789012:task-definition/web:1');
    expect(Object.keys(s.targetGroups).sort()).toEqual([
      'api-blue',
      'api-green',
      'pay-blue',
      'pay-green',
      'shop-blue',
      'shop-green',
      'web-blue',
      'web-green',
      'web-rolling'
    ]);
    expect(Object.keys(s.services).sort()).toEqual(['api-blue', 'api-green', 'pay', 'shop', 'web', 'web-blue', 'web-green']);
    expect(Object.keys(s.listeners).sort()).toEqual([
      'api-alb:80',
      'pay-alb:80',
      'pay-alb:8080',
      'shop-alb:80',
      'shop-alb:8080',
      'web-alb:80',
      'web-alb:81'
    ]);
    expect(Object.keys(s.rules).sort()).toEqual(['api-alb:80:10', 'shop-alb:8080:10', 'shop-alb:80:10']);
    expect(s.native).toEqual({
      service: 'arn:aws:ecs:us-east-1:123456789012:service/prod/shop',
      productionListenerRule: s.rules['shop-alb:80:10'],
      testListenerRule: s.rules['shop-alb:8080:10'],
      primaryTargetGroup: s.targetGroups['shop-blue'],
      alternateTargetGroup: s.targetGroups['shop-green'],
      roleArn: 'arn:aws:iam::123456789012:role/ecsInfrastructureRoleForLoadBalancers'
    });
  });

  it('is steady: services at their desired count on one deployment, their targets healthy', async () => {
    const s = sim.scenario!;
    const out = await c.ecs.send(
      new DescribeServicesCommand({ cluster: 'prod', services: ['web', 'web-blue', 'web-green', 'api-blue', 'api-green'] })
    );
    expect(out.services!.map((x) => [x.serviceName, x.runningCount, x.deployments!.length])).toEqual([
      ['web', 2, 1],
      ['web-blue', 2, 1],
      ['web-green', 0, 1],
      ['api-blue', 2, 1],
      ['api-green', 0, 1]
    ]);
    for (const tg of ['web-blue', 'web-rolling', 'api-blue'] as const) {
      const health = await c.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: s.targetGroups[tg] }));
      expect(health.TargetHealthDescriptions!.map((d) => d.TargetHealth!.State)).toEqual(['healthy', 'healthy']);
    }
  });

  it("satisfies the SDK's own waitUntilServicesStable waiter, an independent client", async () => {
    const result = await waitUntilServicesStable(
      { client: c.ecs, maxWaitTime: 20, minDelay: 1, maxDelay: 1 },
      { cluster: 'prod', services: ['web', 'web-blue', 'api-blue'] }
    );
    expect(result.state).toBe('SUCCESS');
  });

  it('routes blue/green listeners 100/0 and sends the traffic to blue', async () => {
    const s = sim.scenario!;
    const web = await c.elb.send(new DescribeListenersCommand({ ListenerArns: [s.listeners['web-alb:80']] }));
    expect(web.Listeners![0].DefaultActions![0].ForwardConfig!.TargetGroups).toEqual([
      { TargetGroupArn: s.targetGroups['web-blue'], Weight: 100 },
      { TargetGroupArn: s.targetGroups['web-green'], Weight: 0 }
    ]);
    const rules = await c.elb.send(new DescribeRulesCommand({ ListenerArn: s.listeners['api-alb:80'] }));
    expect(rules.Rules![0]).toMatchObject({ RuleArn: s.rules['api-alb:80:10'], Priority: '10' });
    const before = sim.traffic() as { targetGroups: { name: string; requests: number }[] };
    sim.advance(60_000);
    const after = sim.traffic() as { targetGroups: { name: string; requests: number }[] };
    const delta = (name: string): number =>
      after.targetGroups.find((g) => g.name === name)!.requests - before.targetGroups.find((g) => g.name === name)!.requests;
    expect(delta('web-blue')).toBe(3000);
    expect(delta('web-green')).toBe(0);
    expect(delta('api-blue')).toBe(3000);
  });
});

describe('npm run sim', () => {
  it('prints "listening on <url>" as its first line and stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'sim/main.ts'), '--port', '0', '--time-scale', '10'],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe']
      }
    );
    const firstLine = await new Promise<string>((resolveLine, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolveLine(out.split('\n')[0]);
      });
      child.on('exit', (code) => reject(new Error(`exited ${code} before printing: ${out}`)));
    });
    expect(firstLine).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
    const state = await (await fetch(`${firstLine.slice('listening on '.length)}/_sim/clock`)).json();
    expect(state).toMatchObject({ timeScale: 10 });
    const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });
});
