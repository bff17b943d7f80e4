/**
 * `npm run demo`: real deployments against the local ECS, through the bundled action
 * exactly as a GitHub runner runs it. Prints a timeline, writes each step's job summary
 * to demo-output/, and exits 0 only if every step behaved as expected.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSim, type Sim } from '../sim/server.js';
import { webBlueGreenInputs } from '../sim/seed.js';
import { seedReleaseServices } from '../sim/seed-release.js';
import { runAction, ROOT, type ActionRun } from '../scripts/run-action.js';

// GitHub runs the action on node24; on an older local node the SDK would print an upgrade notice.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const TIME_SCALE = Number(process.env.DEMO_TIME_SCALE ?? 300);
const OUT = join(ROOT, 'demo-output');
const vars = readFileSync(join(ROOT, 'examples/web.vars'), 'utf8');
/** The vars with another tag (a var given twice is an error, so it is replaced, not appended). */
const withTag = (tag: string): string => vars.replace(/^tag=.*$/m, `tag=${tag}`);

/** Compressed clock: at 300×, one real second is five simulated minutes. */
const fast = { 'poll-interval': '200ms', 'wait-for-minutes': '1' };

interface Step {
  title: string;
  inputs: (sim: Sim) => Record<string, string>;
  expect: (run: ActionRun, sim: Sim) => Promise<string | undefined> | string | undefined;
}

async function runningRevision(sim: Sim, service: string): Promise<string> {
  const { ECSClient, DescribeServicesCommand } = await import('@aws-sdk/client-ecs');
  const ecs = new ECSClient({ endpoint: sim.url, region: 'us-east-1', credentials: { accessKeyId: 'AKIDDEMO', secretAccessKey: 'demo' } });
  const out = await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: [service] }));
  return out.services?.[0]?.taskDefinition?.split('/').pop() ?? '?';
}

/** The seeded web-blue / web-green pair behind web-alb's listener :80. */
function blueGreen(sim: Sim): Record<string, string> {
  const sc = sim.scenario!;
  return {
    ...webBlueGreenInputs(sc),
    'traffic-steps': '10,50,100',
    'step-bake': '1s',
    'final-bake': '1s',
    'termination-wait': '500ms',
    ...fast
  };
}

async function listenerWeights(sim: Sim): Promise<Record<string, number>> {
  const { ElasticLoadBalancingV2Client, DescribeListenersCommand } = await import('@aws-sdk/client-elastic-load-balancing-v2');
  const elb = new ElasticLoadBalancingV2Client({
    endpoint: sim.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDDEMO', secretAccessKey: 'demo' }
  });
  const out = await elb.send(new DescribeListenersCommand({ ListenerArns: [sim.scenario!.listeners['web-alb:80']] }));
  const forward = out.Listeners?.[0]?.DefaultActions?.find((a) => a.Type === 'forward');
  return Object.fromEntries(
    (forward?.ForwardConfig?.TargetGroups ?? []).map((t) => [
      /targetgroup\/([^/]+)\//.exec(t.TargetGroupArn ?? '')?.[1] ?? '?',
      t.Weight ?? 0
    ])
  );
}

/** The seeded native service shop's production rule (shop-alb:80, priority 10), by target group name. */
async function productionRuleWeights(sim: Sim): Promise<Record<string, number>> {
  const { ElasticLoadBalancingV2Client, DescribeRulesCommand } = await import('@aws-sdk/client-elastic-load-balancing-v2');
  const elb = new ElasticLoadBalancingV2Client({
    endpoint: sim.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDDEMO', secretAccessKey: 'demo' }
  });
  const out = await elb.send(new DescribeRulesCommand({ RuleArns: [sim.scenario!.rules['shop-alb:80:10']] }));
  const forward = out.Rules?.[0]?.Actions?.find((a) => a.Type === 'forward');
  return Object.fromEntries(
    (forward?.ForwardConfig?.TargetGroups ?? []).map((t) => [
      /targetgroup\/([^/]+)\//.exec(t.TargetGroupArn ?? '')?.[1] ?? '?',
      t.Weight ?? 0
    ])
  );
}

/** The five services of the release step (sim/seed-release.ts), each on revision 1. */
const RELEASE_SERVICES = ['auth', 'catalog', 'orders', 'checkout', 'mail'] as const;

/** A release of the five in three waves, in which checkout (wave 3) crashes. */
function releaseFile(): string {
  const path = join(OUT, 'release.yml');
  const deps: Record<string, string[]> = { catalog: ['auth'], orders: ['auth'], checkout: ['catalog', 'orders'], mail: ['checkout'] };
  const lines = [
    'cluster: prod',
    'defaults:',
    '  task-definition: test/release/fixtures/service.taskdef.json',
    '  poll-interval: 200ms',
    '  bake-time: 1s',
    'services:'
  ];
  for (const name of RELEASE_SERVICES) {
    lines.push(`  ${name}:`, `    vars: { name: ${name}, tag: ${name === 'checkout' ? 'v2-crash' : 'v2'} }`);
    if (deps[name]) lines.push(`    depends-on: [${deps[name].join(', ')}]`);
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const steps: Step[] = [
  {
    title: 'render and register web v2',
    inputs: () => ({ 'task-definition': 'examples/web.taskdef.json', vars }),
    expect: (run) =>
      run.exitCode === 0 && /task-definition\/web:2$/.test(run.outputs['task-definition-arn'] ?? '')
        ? undefined
        : `expected web:2 registered, got ${run.outputs['task-definition-arn']}`
  },
  {
    title: 'rolling deployment of v2 to service web',
    inputs: () => ({ 'task-definition': 'examples/web.taskdef.json', vars, cluster: 'prod', service: 'web', ...fast }),
    expect: async (run, sim) => {
      if (run.exitCode !== 0 || run.outputs.status !== 'succeeded')
        return `expected succeeded, got ${run.outputs.status}: ${run.outputs.reason}`;
      const rev = await runningRevision(sim, 'web');
      return rev === 'web:2' ? undefined : `service web runs ${rev}, expected web:2`;
    }
  },
  {
    title:
      "a release that crashes on start is rolled back to web:2, the exit code named (the first crash, or ECS's circuit breaker if it trips first)",
    inputs: () => ({ 'task-definition': 'examples/web.taskdef.json', vars: withTag('v3-crash'), cluster: 'prod', service: 'web', ...fast }),
    expect: async (run, sim) => {
      if (run.exitCode === 0 || run.outputs.status !== 'rolled-back') return `expected rolled-back, got ${run.outputs.status}`;
      if (!/exit(Code)? 1|exit code 1|exit 1/i.test(run.log)) return 'the log does not name the exit code';
      const rev = await runningRevision(sim, 'web');
      return rev === 'web:2' ? undefined : `service web runs ${rev}, expected web:2 after the rollback`;
    }
  },
  {
    title: 'blue/green deployment of v2: web-green takes traffic in steps 10 → 50 → 100 %',
    inputs: (sim) => ({ 'task-definition': 'examples/web.taskdef.json', vars, ...blueGreen(sim) }),
    expect: async (run, sim) => {
      if (run.outputs.status !== 'succeeded') return `expected succeeded, got ${run.outputs.status}: ${run.outputs.reason}`;
      if (run.outputs['live-service'] !== 'web-green') return `expected web-green live, got ${run.outputs['live-service']}`;
      const w = await listenerWeights(sim);
      return w['web-green'] === 100 ? undefined : `listener weights ${JSON.stringify(w)}`;
    }
  },
  {
    title: 'blue/green of a release that fails its health checks: no traffic moves, web-green stays live',
    inputs: (sim) => ({ 'task-definition': 'examples/web.taskdef.json', vars: withTag('v3-unhealthy'), ...blueGreen(sim) }),
    expect: async (run, sim) => {
      if (run.outputs.status !== 'rolled-back') return `expected rolled-back, got ${run.outputs.status}: ${run.outputs.reason}`;
      const w = await listenerWeights(sim);
      return w['web-green'] === 100 ? undefined : `listener weights ${JSON.stringify(w)}, expected web-green 100`;
    }
  },
  {
    title: 'a release whose CPU climbs: the temporary CPU alarm fires during the bake and we roll back',
    inputs: () => ({
      'task-definition': 'examples/web.taskdef.json',
      vars: withTag('v4-cpu-spike'),
      cluster: 'prod',
      service: 'web',
      ...fast,
      'bake-time': '3s',
      'cpu-alarm-threshold': '80',
      'alarm-period': '60'
    }),
    expect: async (run, sim) => {
      if (run.outputs.status !== 'rolled-back') return `expected rolled-back, got ${run.outputs.status}: ${run.outputs.reason}`;
      if (!/cpu/i.test(run.outputs.reason ?? '')) return `the reason does not name the CPU alarm: ${run.outputs.reason}`;
      const rev = await runningRevision(sim, 'web');
      return rev === 'web:2' ? undefined : `service web runs ${rev}, expected web:2 after the rollback`;
    }
  },
  {
    title: 'a release of five services in three waves where checkout crashes: all five end back on their previous revisions',
    inputs: () => ({ release: releaseFile() }),
    expect: async (run, sim) => {
      if (run.outputs.status !== 'rolled-back') return `expected rolled-back, got ${run.outputs.status}: ${run.outputs.reason}`;
      for (const name of RELEASE_SERVICES) {
        const rev = await runningRevision(sim, name);
        if (rev !== `${name}:1`) return `service ${name} runs ${rev}, expected ${name}:1 after the release's rollback`;
      }
      return undefined;
    }
  },
  {
    title: "ECS-native canary of shop (20 % for 2 min) whose CPU climbs: the temporary CPU alarm stops ECS's deployment and it rolls back",
    inputs: () => ({
      'task-definition-family': 'shop',
      'container-name': 'shop',
      image: 'registry.example.com/shop:v2-cpu-spike',
      cluster: 'prod',
      service: 'shop',
      strategy: 'ecs-native',
      'ecs-strategy': 'CANARY',
      'canary-percent': '20',
      'canary-bake': '2m',
      'cpu-alarm-threshold': '50',
      ...fast
    }),
    expect: async (run, sim) => {
      if (run.outputs.status !== 'rolled-back') return `expected rolled-back, got ${run.outputs.status}: ${run.outputs.reason}`;
      if (!/cpu/i.test(run.outputs.reason ?? '')) return `the reason does not name the CPU alarm: ${run.outputs.reason}`;
      const w = await productionRuleWeights(sim);
      if (w['shop-blue'] !== 100 || w['shop-green'] !== 0) return `production rule weights ${JSON.stringify(w)}, expected shop-blue 100`;
      const rev = await runningRevision(sim, 'shop');
      return rev === 'shop:1' ? undefined : `service shop runs ${rev}, expected shop:1 after the rollback`;
    }
  }
];

async function main(): Promise<number> {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const sim = await startSim({ seed: true, timeScale: TIME_SCALE });
  await seedReleaseServices(sim.world, RELEASE_SERVICES);
  console.log(
    `local ECS at ${sim.url} (time ×${TIME_SCALE}), scenario seeded: cluster prod, services web, web-blue/web-green, api-blue/api-green, native blue/green shop\n`
  );
  let failures = 0;
  try {
    for (const [i, step] of steps.entries()) {
      const started = performance.now();
      const run = await runAction({ endpoint: sim.url, inputs: step.inputs(sim) });
      const problem = await step.expect(run, sim);
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const summary = join(OUT, `${String(i + 1).padStart(2, '0')}-${step.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 50)}.md`);
      writeFileSync(summary, run.summary);
      const verdict = run.summary.split('\n')[0]?.replace(/^#+\s*/, '') ?? '';
      console.log(`${problem ? '✗' : '✓'} ${i + 1}. ${step.title} (${seconds}s)`);
      console.log(`    ${verdict}`);
      if (problem) {
        failures++;
        console.log(`    UNEXPECTED: ${problem}\n    --- log ---\n${run.log.replace(/^/gm, '    ')}`);
      }
    }
  } finally {
    await sim.close();
  }
  console.log(`\nsummaries written to ${OUT}/`);
  console.log(failures ? `${failures} step(s) did not behave as expected` : 'every step behaved as expected');
  return failures ? 1 : 0;
}

process.exitCode = await main();
