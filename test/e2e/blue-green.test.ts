/**
 * Blue/green deployments end to end (issue 5): dist/index.js (main + post step) as a runner
 * runs it, against the local ECS on a ×300 clock. Every assertion reads the resulting state
 * through the SDK (listener weights, desired counts, running revisions, alarms) or the sim's
 * own request counts per target group, plus the step's outputs, log and summary.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { ModifyListenerCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { startSim, type Scenario, type Sim } from '../../sim/server.js';
import { runAction } from '../../scripts/run-action.js';
import { VARS, clients, why } from './sim-helpers.js';
import { colours, delta, mutatingCalls, requests, shown, simulated, until, webInputs, weights } from './blue-green-helpers.js';

let sim: Sim;
let s: Scenario;
beforeEach(async () => {
  sim = await startSim({ seed: true, timeScale: 300 });
  s = sim.scenario!;
});
afterEach(async () => {
  await sim.close();
});

const WEB = ['web-blue', 'web-green'];
const listenerWeights = (): Promise<Record<string, number>> => weights(sim.url, s.listeners['web-alb:80']);
/** Where requests go from now on: the sim's counts over `simulatedMs` of its own clock (90 s by default). */
async function servedOver(simulatedMs = 90_000): Promise<Record<string, number>> {
  const before = requests(sim);
  await simulated(sim, simulatedMs);
  return delta(before, requests(sim));
}
/** ModifyListener calls made by the action (not the seed, not the test's own SDK client). */
const modifyListenerCalls = (): { at: number }[] =>
  sim.calls({ service: 'elbv2', operation: 'ModifyListener', accessKeyId: 'AKIDE2ETEST' });

describe('blue/green', () => {
  test('a good release, steps 10/50/100: green serves 100 %, blue scaled to zero after the termination wait; the next release flips back', async () => {
    const run = await runAction({ endpoint: sim.url, inputs: webInputs(s, { 'termination-wait': '600ms' }, 'tag=v2') });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({
      status: 'succeeded',
      'rolled-back': 'false',
      'live-service': 'web-green',
      'previous-service': 'web-blue',
      traffic: 'web-blue=0,web-green=100',
      'steps-completed': '3'
    });
    expect(why(run)).toMatch(/web-green serves 100 % on web:2 \(verified\) after 3 steps/);
    expect(run.outputs['task-definition-arn']).toMatch(/task-definition\/web:2$/);
    expect(await listenerWeights()).toEqual({ 'web-blue': 0, 'web-green': 100 });
    expect(await colours(sim.url, WEB)).toEqual({
      'web-blue': { desired: 0, revision: 'web:1', running: expect.any(Number) },
      'web-green': { desired: 2, revision: 'web:2', running: 2 }
    });
    // Every request now reaches green.
    const served = await servedOver();
    expect(served['web-green']).toBeGreaterThan(1000);
    expect(served['web-blue']).toBe(0);
    // Three verified shifts, then blue scaled down no earlier than the final bake plus the termination wait (900 ms real).
    const mutations = mutatingCalls(sim);
    expect(mutations.filter((m) => m === 'elbv2:ModifyListener')).toHaveLength(3);
    const ecsUpdates = sim.calls({ service: 'ecs', operation: 'UpdateService', accessKeyId: 'AKIDE2ETEST' });
    expect(ecsUpdates).toHaveLength(2);
    expect(ecsUpdates[1].at - modifyListenerCalls()[2].at).toBeGreaterThanOrEqual(900);
    expect(shown(run.log)).toMatch(/forwards 0\/100 to web-blue\/web-green \(verified\)/);
    expect(shown(run.log)).toMatch(/Waiting 600ms for requests in flight on web-blue to finish/);
    // The summary charts the traffic share per colour, from 100/0 to 0/100.
    expect(run.summary).toContain('```mermaid');
    // The diff is against the live colour's revision.
    expect(run.summary).toMatch(
      /<summary>Revision diff<\/summary>[\s\S]*image: "registry.example.com\/web:v1" → "registry.example.com\/web:v2"/
    );
    // The chart samples each colour's share evenly over time: steps of 100, 90, 50, 0 (and back for green).
    expect(run.summary).toMatch(/line "web-blue" \[100(, 100)*(, 90)+(, 50)+(, 0)+\]/);
    expect(run.summary).toMatch(/line "web-green" \[0(, 0)*(, 10)+(, 50)+(, 100)+\]/);
    expect(run.post?.exitCode).toBe(0);

    const second = await runAction({ endpoint: sim.url, inputs: webInputs(s, {}, 'tag=v3') });
    expect(second.exitCode).toBe(0);
    expect(second.outputs).toMatchObject({
      status: 'succeeded',
      'live-service': 'web-blue',
      'previous-service': 'web-green',
      traffic: 'web-blue=100,web-green=0',
      'steps-completed': '3'
    });
    expect(await listenerWeights()).toEqual({ 'web-blue': 100, 'web-green': 0 });
    expect(await colours(sim.url, WEB)).toMatchObject({
      'web-blue': { desired: 2, revision: 'web:3' },
      'web-green': { desired: 0, revision: 'web:2' }
    });
    const after = await servedOver();
    expect(after['web-blue']).toBeGreaterThan(1000);
    expect(after['web-green']).toBe(0);
  });

  test('targets unhealthy in the idle group: no request ever reached green, green scaled back to zero, the step fails rolled-back', async () => {
    const before = requests(sim);
    const run = await runAction({ endpoint: sim.url, inputs: webInputs(s, {}, 'tag=v2-unhealthy') });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'rolled-back', 'rolled-back': 'true', 'live-service': 'web-blue', 'steps-completed': '0' });
    // Target health is watched from the first task; on this ×300 clock one poll is a simulated minute, long enough for
    // ECS's circuit breaker to trip in the same poll, so either may be the one named.
    expect(why(run)).toMatch(/web:2 fails its health checks in web-green: Health checks failed with these codes: \[500\]|circuit breaker/);
    expect(why(run)).toMatch(/100 % of traffic is back on web-blue \(web:1\), verified; web-green is scaled back to 0/);
    expect(shown(run.log)).toMatch(/Target\.(ResponseCodeMismatch|FailedHealthChecks)|failed ELB health checks/);
    expect(await listenerWeights()).toEqual({ 'web-blue': 100, 'web-green': 0 });
    expect(await colours(sim.url, WEB)).toMatchObject({
      'web-blue': { desired: 2, revision: 'web:1', running: 2 },
      'web-green': { desired: 0 }
    });
    expect(delta(before, requests(sim))['web-green']).toBe(0);
    expect(modifyListenerCalls()).toHaveLength(0);
  });

  test('a release that starts answering 5xx at 50 %: a user alarm on the green target group fires, weights back to 100/0 (verified), green scaled down', async () => {
    // HTTPCode_Target_5XX_Count per minute: -http-5xx fails half the requests after a minute, so ~150 at 10 % and ~750 at 50 % (50 requests/s).
    const { cw } = clients(sim.url);
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: 'web-green-5xx',
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'HTTPCode_Target_5XX_Count',
        Dimensions: [
          { Name: 'TargetGroup', Value: s.targetGroups['web-green'].split(':').pop()! },
          { Name: 'LoadBalancer', Value: s.loadBalancers['web-alb'].arn.split(':loadbalancer/').pop()! }
        ],
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 400,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching'
      })
    );
    const run = await runAction({
      endpoint: sim.url,
      inputs: webInputs(s, { alarms: 'web-green-5xx', 'step-bake': '1s' }, 'tag=v2-http-5xx')
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'rolled-back', 'rolled-back': 'true', 'live-service': 'web-blue', 'steps-completed': '2' });
    expect(why(run)).toMatch(/gate alarms failed at 50 %: alarm web-green-5xx is ALARM/);
    expect(why(run)).toMatch(/100 % of traffic is back on web-blue \(web:1\), verified; web-green is scaled back to 0/);
    expect(shown(run.log)).toMatch(/forwards 100\/0 to web-blue\/web-green \(verified\)/);
    expect(await listenerWeights()).toEqual({ 'web-blue': 100, 'web-green': 0 });
    expect(await colours(sim.url, WEB)).toMatchObject({ 'web-blue': { desired: 2, revision: 'web:1' }, 'web-green': { desired: 0 } });
    const served = await servedOver();
    expect(served['web-green']).toBe(0);
    expect(served['web-blue']).toBeGreaterThan(1000);
  });

  test('the ELB silently ignores one ModifyListener: the read-back notices, applies it again, and the release completes', async () => {
    sim.addFault({ kind: 'ignore', service: 'elbv2', operation: 'ModifyListener', count: 1 });
    const run = await runAction({ endpoint: sim.url, inputs: webInputs(s, {}, 'tag=v2') });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ status: 'succeeded', traffic: 'web-blue=0,web-green=100', 'steps-completed': '3' });
    expect(shown(run.log)).toMatch(/ignored the first change of weights; applying it again worked/);
    expect(shown(run.log)).toMatch(/forwards 90\/10 to web-blue\/web-green \(verified\)/);
    expect(modifyListenerCalls()).toHaveLength(4);
    expect(await listenerWeights()).toEqual({ 'web-blue': 0, 'web-green': 100 });
  });

  test('an ELB that keeps ignoring ModifyListener: the shift fails, production stays on blue', async () => {
    sim.addFault({ kind: 'ignore', service: 'elbv2', operation: 'ModifyListener', count: 2 });
    const before = requests(sim);
    const run = await runAction({ endpoint: sim.url, inputs: webInputs(s, {}, 'tag=v2') });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'rolled-back', 'live-service': 'web-blue', 'steps-completed': '0' });
    expect(why(run)).toMatch(/shifting 10 % to web-green failed: .*did not take effect/);
    expect(await listenerWeights()).toEqual({ 'web-blue': 100, 'web-green': 0 });
    expect(await colours(sim.url, WEB)).toMatchObject({ 'web-green': { desired: 0 } });
    expect(delta(before, requests(sim))['web-green']).toBe(0);
  });

  test('the runner dies (SIGKILL) at 50 %: the post step restores 100/0 (read back) and scales green down', async () => {
    const run = await runAction({
      endpoint: sim.url,
      inputs: webInputs(s, { 'step-bake': '1s' }, 'tag=v2'),
      interrupt: { when: /forwards 50\/50 to web-blue\/web-green \(verified\)/, signal: 'SIGKILL' }
    });
    expect(run.signal).toBe('SIGKILL');
    expect(run.outputs.status).toBeUndefined();
    expect(run.post?.exitCode).toBe(0);
    expect(shown(run.post?.log ?? '')).toMatch(/stopped while shifting web:2 into web-green: rolled back/);
    expect(shown(run.post?.log ?? '')).toMatch(/forwards 100\/0 to web-blue\/web-green \(verified\)/);
    expect(await listenerWeights()).toEqual({ 'web-blue': 100, 'web-green': 0 });
    expect(await colours(sim.url, WEB)).toMatchObject({ 'web-blue': { desired: 2, revision: 'web:1' }, 'web-green': { desired: 0 } });
    // The main step did reach 50/50 before it died: two shifts, then the post step's restore.
    expect(modifyListenerCalls()).toHaveLength(3);
    expect((await servedOver())['web-green']).toBe(0);
  });

  test('a cancelled workflow (SIGINT) during the bake: 100 % back on blue within a few seconds', async () => {
    const t0 = Date.now();
    const run = await runAction({
      endpoint: sim.url,
      // A 60 s bake at every step: only the cancellation can end this run quickly.
      inputs: webInputs(s, { 'step-bake': '60s' }, 'tag=v2'),
      interrupt: { when: /Baking at 10 /, signal: 'SIGINT', delayMs: 300 },
      post: false
    });
    const took = Date.now() - t0;
    expect(run.exitCode).not.toBe(0);
    expect(shown(run.log)).toMatch(/Received SIGINT/);
    expect(run.outputs).toMatchObject({
      status: 'rolled-back',
      'rolled-back': 'true',
      'live-service': 'web-blue',
      traffic: 'web-blue=100,web-green=0'
    });
    expect(why(run)).toMatch(
      /^cancelled \(SIGINT\) at 10 %: rolled back, 100 % of traffic is back on web-blue \(web:1\), verified; web-green is scaled back to 0$/
    );
    expect(await listenerWeights()).toEqual({ 'web-blue': 100, 'web-green': 0 });
    expect(await colours(sim.url, WEB)).toMatchObject({ 'web-blue': { desired: 2, revision: 'web:1' }, 'web-green': { desired: 0 } });
    // The restore was written within a few seconds of the signal (sent 300 ms after the shift to 10 %).
    const [tenPercent, restore, ...more] = modifyListenerCalls();
    expect(more).toEqual([]);
    expect(restore.at - tenPercent.at).toBeLessThan(300 + 3000);
    expect(took).toBeLessThan(15_000);
    expect((await servedOver())['web-green']).toBe(0);
  });
});

describe('blue/green: an earlier deployment was interrupted at 50/50', () => {
  /**
   * What a killed run without its post step leaves: web-green runs web:2 at full size and the
   * listener splits 50/50. Built with the SDK; web:2 is registered by a render-only run of the
   * action, so a later run rendering the same template reuses it.
   */
  async function interruptedAtFiftyFifty(): Promise<void> {
    const render = await runAction({
      endpoint: sim.url,
      inputs: { 'task-definition': 'examples/web.taskdef.json', vars: `${VARS}\ntag=v2` },
      post: false
    });
    expect(render.outputs['task-definition-arn']).toMatch(/web:2$/);
    const { ecs, elb } = clients(sim.url);
    await ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'web-green', taskDefinition: 'web:2', desiredCount: 2 }));
    await until('web-green runs 2 tasks of web:2', async () => {
      const c = await colours(sim.url, ['web-green']);
      return c['web-green'].running === 2 && c['web-green'].revision === 'web:2';
    });
    await simulated(sim, 30_000); // health checks: 3 × 10 s of the sim's clock
    await elb.send(
      new ModifyListenerCommand({
        ListenerArn: s.listeners['web-alb:80'],
        DefaultActions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: s.targetGroups['web-blue'], Weight: 50 },
                { TargetGroupArn: s.targetGroups['web-green'], Weight: 50 }
              ]
            }
          }
        ]
      })
    );
    expect(await listenerWeights()).toEqual({ 'web-blue': 50, 'web-green': 50 });
    sim.clearCalls();
  }

  test('refused with a clear message naming both ways out, and nothing changed', async () => {
    await interruptedAtFiftyFifty();
    const run = await runAction({ endpoint: sim.url, inputs: webInputs(s, {}, 'tag=v3') });
    expect(run.exitCode).toBe(1);
    expect(shown(run.log)).toMatch(
      /forwards 50 % to web-blue and 50 % to web-green: a previous deployment was interrupted; re-run with `on-interrupted: rollback`.*or `on-interrupted: resume`.*; nothing was changed/
    );
    expect(mutatingCalls(sim)).toEqual([]);
    expect(run.outputs).toMatchObject({ status: 'failed', 'rolled-back': 'false' });
    expect(why(run)).toMatch(/a previous deployment was interrupted/);
    expect(await listenerWeights()).toEqual({ 'web-blue': 50, 'web-green': 50 });
    expect(await colours(sim.url, WEB)).toMatchObject({
      'web-blue': { desired: 2, revision: 'web:1' },
      'web-green': { desired: 2, revision: 'web:2' }
    });
  });

  test('on-interrupted: rollback puts 100 % back on blue (the older revision) first, then deploys the new release into green', async () => {
    await interruptedAtFiftyFifty();
    const run = await runAction({ endpoint: sim.url, inputs: webInputs(s, { 'on-interrupted': 'rollback' }, 'tag=v3') });
    expect(run.exitCode).toBe(0);
    expect(shown(run.log)).toMatch(/on-interrupted: rollback: putting 100 % back on blue/);
    expect(run.outputs).toMatchObject({
      status: 'succeeded',
      'live-service': 'web-green',
      'previous-service': 'web-blue',
      traffic: 'web-blue=0,web-green=100'
    });
    // 100/0 verified before green was touched, then 10/50/100.
    expect(shown(run.log).indexOf('forwards 100/0 to web-blue/web-green (verified)')).toBeGreaterThan(-1);
    expect(shown(run.log).indexOf('forwards 100/0 to web-blue/web-green (verified)')).toBeLessThan(
      shown(run.log).indexOf('Updated web-green')
    );
    expect(mutatingCalls(sim).slice(0, 3)).toEqual(['ecs:RegisterTaskDefinition', 'elbv2:ModifyListener', 'ecs:UpdateService']);
    expect(await listenerWeights()).toEqual({ 'web-blue': 0, 'web-green': 100 });
    expect(await colours(sim.url, WEB)).toMatchObject({
      'web-blue': { desired: 0, revision: 'web:1' },
      'web-green': { desired: 2, revision: 'web:3' }
    });
  });

  test('on-interrupted: resume continues the shift into green from 50 % with the same release', async () => {
    await interruptedAtFiftyFifty();
    const run = await runAction({ endpoint: sim.url, inputs: webInputs(s, { 'on-interrupted': 'resume' }, 'tag=v2') });
    expect(run.exitCode).toBe(0);
    expect(run.outputs['task-definition-reused']).toBe('true');
    expect(shown(run.log)).toMatch(/on-interrupted: resume: continuing the shift into green from 50 %/);
    expect(run.outputs).toMatchObject({
      status: 'succeeded',
      'live-service': 'web-green',
      traffic: 'web-blue=0,web-green=100',
      'steps-completed': '1'
    });
    // Green, already serving half the traffic, is not updated again: one shift (to 100 %), then blue scaled down.
    expect(mutatingCalls(sim)).toEqual(['elbv2:ModifyListener', 'ecs:UpdateService']);
    expect(await listenerWeights()).toEqual({ 'web-blue': 0, 'web-green': 100 });
    expect(await colours(sim.url, WEB)).toMatchObject({
      'web-blue': { desired: 0, revision: 'web:1' },
      'web-green': { desired: 2, revision: 'web:2' }
    });
  });

  test('on-interrupted: resume with a different release is refused: resuming would bypass the gates', async () => {
    await interruptedAtFiftyFifty();
    const run = await runAction({ endpoint: sim.url, inputs: webInputs(s, { 'on-interrupted': 'resume' }, 'tag=v3') });
    expect(run.exitCode).toBe(1);
    expect(shown(run.log)).toMatch(/cannot resume: green runs .*web:2 but this run deploys .*web:3/);
    expect(mutatingCalls(sim).filter((c) => c !== 'ecs:RegisterTaskDefinition')).toEqual([]);
    expect(await listenerWeights()).toEqual({ 'web-blue': 50, 'web-green': 50 });
  });
});

describe('blue/green on a listener rule', () => {
  test('api-alb rule /api/*: api:1 with a new image shifts into api-green and every request then reaches it', async () => {
    const rule = s.rules['api-alb:80:10'];
    const run = await runAction({
      endpoint: sim.url,
      inputs: {
        ...webInputs(s),
        'task-definition': '',
        vars: '',
        'task-definition-arn': s.taskDefinitions.api,
        'container-name': 'api',
        image: 'registry.example.com/api:v2',
        'blue-service': 'api-blue',
        'green-service': 'api-green',
        'blue-target-group': s.targetGroups['api-blue'],
        'green-target-group': s.targetGroups['api-green'],
        'listener-arn': '',
        'listener-rule-arn': rule,
        'traffic-steps': '50,100'
      }
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({
      status: 'succeeded',
      'live-service': 'api-green',
      'previous-service': 'api-blue',
      traffic: 'api-blue=0,api-green=100',
      'steps-completed': '2'
    });
    expect(run.outputs['task-definition-arn']).toMatch(/task-definition\/api:2$/);
    expect(shown(run.log)).toMatch(/listener rule \S+ forwards 50\/50 to api-blue\/api-green \(verified\)/);
    expect(await weights(sim.url, rule)).toEqual({ 'api-blue': 0, 'api-green': 100 });
    // The rule was changed, never the listener's default action (still the fixed 404).
    expect(sim.calls({ operation: 'ModifyRule', accessKeyId: 'AKIDE2ETEST' })).toHaveLength(2);
    expect(sim.calls({ operation: 'ModifyListener', accessKeyId: 'AKIDE2ETEST' })).toHaveLength(0);
    expect(await colours(sim.url, ['api-blue', 'api-green'])).toMatchObject({
      'api-blue': { desired: 0, revision: 'api:1' },
      'api-green': { desired: 2, revision: 'api:2', running: 2 }
    });
    const served = await servedOver();
    expect(served['api-green']).toBeGreaterThan(1000);
    expect(served['api-blue']).toBe(0);
    // web-alb was not touched.
    expect(await listenerWeights()).toEqual({ 'web-blue': 100, 'web-green': 0 });
  });
});

describe('blue/green: wrong ARNs → a clear error, and no mutating call', () => {
  /** The same ARN with another id: well-formed, but nothing has it. */
  const unknown = (arn: string): string => arn.replace(/[0-9a-f]{16}$/, '0123456789abcdef');

  test.each<[string, (s: Scenario) => Record<string, string>, RegExp]>([
    [
      'a target group that does not exist',
      (s) => ({ 'green-target-group': unknown(s.targetGroups['web-green']) }),
      /green-target-group arn:\S+targetgroup\/web-green\/0123456789abcdef does not exist \(check the ARN and the region\)/
    ],
    [
      'a listener that does not exist',
      (s) => ({ 'listener-arn': unknown(s.listeners['web-alb:80']) }),
      /listener-arn: listener arn:\S+\/0123456789abcdef does not exist/
    ],
    [
      "target groups on another load balancer (api-alb's with web-alb's listener)",
      (s) => ({
        'blue-service': 'api-blue',
        'green-service': 'api-green',
        'blue-target-group': s.targetGroups['api-blue'],
        'green-target-group': s.targetGroups['api-green']
      }),
      /blue-target-group api-blue is not on the load balancer of listener \S+ \(\S+web-alb\S+\): it is attached to \S+api-alb/
    ],
    [
      'a target group name instead of its ARN',
      () => ({ 'blue-target-group': 'web-blue' }),
      /blue-target-group.* is "web-blue", not a target group ARN.*give the ARN, not the name/s
    ],
    [
      'a listener rule ARN given as listener-arn',
      (s) => ({ 'listener-arn': s.rules['api-alb:80:10'] }),
      /that is a listener rule ARN: set it as .*listener-rule-arn/
    ],
    [
      'services and target groups paired the wrong way round',
      (s) => ({ 'blue-target-group': s.targetGroups['web-green'], 'green-target-group': s.targetGroups['web-blue'] }),
      /blue-service web-blue does not register its tasks in blue-target-group web-green \(it registers its tasks in web-blue\)/
    ]
  ])('%s', async (_name, wrong, message) => {
    const before = requests(sim);
    const run = await runAction({ endpoint: sim.url, inputs: webInputs(s, wrong(s), 'tag=v2') });
    expect(run.exitCode).toBe(1);
    expect(shown(run.log)).toMatch(message);
    expect(mutatingCalls(sim)).toEqual([]);
    expect(await listenerWeights()).toEqual({ 'web-blue': 100, 'web-green': 0 });
    expect(await colours(sim.url, WEB)).toMatchObject({ 'web-blue': { desired: 2, revision: 'web:1' }, 'web-green': { desired: 0 } });
    expect(delta(before, requests(sim))['web-green']).toBe(0);
  });
});
