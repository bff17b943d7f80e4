/**
 * The engine's cases mutation testing found unguarded: a step that throws is aborted like a failed
 * gate (production put back), steps run in order until done or abort, dispose always runs, and the
 * verdict's rolledBack and headline follow from the status.
 */
import { describe, expect, test } from '@jest/globals';
import { RecordingReporter } from '../../src/events.js';
import {
  abortWith,
  doneWith,
  next,
  runStrategy,
  verdict,
  type Abort,
  type Step,
  type StepResult,
  type Strategy
} from '../../src/deploy/strategy.js';
import type { DeployResult } from '../../src/deploy/types.js';
import { FakeTimer, TD7, TD8 } from './rolling-fakes.js';

const result = (status: DeployResult['status'], reason: string): DeployResult => ({
  status,
  reason,
  taskDefinitionArn: TD8,
  rolledBack: status === 'rolled-back',
  outputs: {}
});

/** A strategy of scripted steps that records what the engine did with it. */
function scripted(steps: Array<(() => Promise<StepResult>) | [Step['phase'], () => Promise<StepResult>]>) {
  const log: string[] = [];
  let i = 0;
  const strategy: Strategy = {
    name: 'rolling',
    nextStep() {
      const s = steps[i];
      if (!s) return undefined;
      const n = i++;
      const [phase, run] = Array.isArray(s) ? s : [undefined, s];
      return {
        ...(phase ? { phase } : {}),
        title: `step ${n}`,
        run: async () => {
          log.push(`run ${n}`);
          return run();
        }
      };
    },
    abort: async (why: Abort) => {
      log.push(`abort: ${why.reason} (explain ${why.explain})`);
      return result('rolled-back', why.reason);
    },
    succeeded: () => {
      log.push('succeeded');
      return result('succeeded', 'all steps done');
    },
    dispose: async () => {
      log.push('dispose');
    }
  };
  return { strategy, log };
}

describe('runStrategy', () => {
  test("steps run in order, then the strategy's success; dispose runs last", async () => {
    const { strategy, log } = scripted([async () => next, async () => next]);
    expect((await runStrategy(strategy, { reporter: new RecordingReporter() })).status).toBe('succeeded');
    expect(log).toEqual(['run 0', 'run 1', 'succeeded', 'dispose']);
  });

  test('a step that throws is aborted like a failed gate: production is put back, and the crash is the reason', async () => {
    const { strategy, log } = scripted([async () => next, async () => Promise.reject(new Error('socket hang up')), async () => next]);
    const out = await runStrategy(strategy, { reporter: new RecordingReporter() });
    expect(out).toMatchObject({ status: 'rolled-back', reason: 'the deployment stopped unexpectedly: socket hang up' });
    expect(log).toEqual(['run 0', 'run 1', 'abort: the deployment stopped unexpectedly: socket hang up (explain false)', 'dispose']);
  });

  test('a step inside a phase that throws is aborted too, and its phase is reported failed', async () => {
    const { strategy, log } = scripted([['shift', async () => Promise.reject(new Error('boom'))]]);
    const reporter = new RecordingReporter();
    const out = await runStrategy(strategy, { reporter });
    expect(out.status).toBe('rolled-back');
    expect(log[1]).toBe('abort: the deployment stopped unexpectedly: boom (explain false)');
    expect(reporter.events.filter((e) => e.kind === 'phase-finished')).toEqual([expect.objectContaining({ phase: 'shift', ok: false })]);
  });

  test("an abort stops the steps and is applied once, in the strategy's abort", async () => {
    const { strategy, log } = scripted([async () => abortWith('gate alarms failed'), async () => next]);
    await runStrategy(strategy, { reporter: new RecordingReporter() });
    expect(log).toEqual(['run 0', 'abort: gate alarms failed (explain true)', 'dispose']);
  });

  test("done ends the steps with the strategy's own verdict; a phase that ends done but not succeeded is reported failed", async () => {
    const reporter = new RecordingReporter();
    const { strategy, log } = scripted([
      ['deploy', async () => next],
      ['prepare', async () => doneWith(result('failed', 'ECS rolled back'))],
      async () => next
    ]);
    expect(await runStrategy(strategy, { reporter })).toMatchObject({ status: 'failed', reason: 'ECS rolled back' });
    expect(log).toEqual(['run 0', 'run 1', 'dispose']);
    expect(
      reporter.events.filter((e) => e.kind === 'phase-finished').map((e) => (e.kind === 'phase-finished' ? [e.phase, e.ok] : []))
    ).toEqual([
      ['deploy', true],
      ['prepare', false]
    ]);
  });

  test('a phase that ends done and succeeded is reported ok; an aborting phase is reported failed', async () => {
    const reporter = new RecordingReporter();
    await runStrategy(scripted([['promote', async () => doneWith(result('succeeded', 'early'))]]).strategy, { reporter });
    await runStrategy(scripted([['bake', async () => abortWith('x', false, true)]]).strategy, { reporter });
    expect(reporter.events.filter((e) => e.kind === 'phase-finished').map((e) => (e.kind === 'phase-finished' ? e.ok : undefined))).toEqual(
      [true, false]
    );
  });

  test('a strategy with nothing to dispose of runs to its verdict', async () => {
    const { strategy } = scripted([async () => next]);
    delete strategy.dispose;
    expect((await runStrategy(strategy, { reporter: new RecordingReporter() })).status).toBe('succeeded');
  });

  test('dispose runs even when abort itself throws', async () => {
    const { strategy, log } = scripted([async () => abortWith('x')]);
    strategy.abort = async () => {
      throw new Error('rollback failed');
    };
    await expect(runStrategy(strategy, { reporter: new RecordingReporter() })).rejects.toThrow('rollback failed');
    expect(log).toEqual(['run 0', 'dispose']);
  });
});

describe('abortWith', () => {
  test('explains by default; says when ECS is already rolling back', () => {
    expect(abortWith('r')).toEqual({ kind: 'abort', reason: 'r', explain: true });
    expect(abortWith('r', false, true)).toEqual({ kind: 'abort', reason: 'r', explain: false, platformRollingBack: true });
  });
});

describe('verdict', () => {
  const fields = { taskDefinitionArn: TD8, previousTaskDefinitionArn: TD7, outputs: {} };

  test('succeeded: rolledBack false, no headline, one verdict event', () => {
    const reporter = new RecordingReporter();
    const out = verdict({ reporter, timer: new FakeTimer() }, 'succeeded', 'web:8 serves 100 %', fields);
    expect(out).toEqual({ ...fields, status: 'succeeded', reason: 'web:8 serves 100 %', rolledBack: false });
    expect(reporter.events.filter((e) => e.kind === 'verdict')).toEqual([
      { kind: 'verdict', status: 'succeeded', reason: 'web:8 serves 100 %', at: 0 }
    ]);
  });

  test.each([
    ['rolled-back', true],
    ['failed', false]
  ] as const)('%s: rolledBack %s, with a headline in the result and the event', (status, rolledBack) => {
    const reporter = new RecordingReporter();
    const out = verdict({ reporter, timer: new FakeTimer() }, status, 'gate alarms failed', fields);
    expect(out.rolledBack).toBe(rolledBack);
    expect(out.headline).toEqual(expect.any(String));
    expect(reporter.events.find((e) => e.kind === 'verdict')).toMatchObject({ status, headline: out.headline });
  });
});
