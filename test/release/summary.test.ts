/** The release's job summary: its verdict first, a row per service, one timeline. */
import { describe, expect, test } from '@jest/globals';
import { renderReleaseSummary, timeline } from '../../src/release/summary.js';
import type { ReleaseResult, ServiceOutcome } from '../../src/release/run.js';

const arn = (rev: string): string => `arn:aws:ecs:us-east-1:123456789012:task-definition/${rev}`;
const svc = (o: Partial<ServiceOutcome> & Pick<ServiceOutcome, 'name' | 'verdict'>): ServiceOutcome => ({
  wave: 0,
  strategy: 'rolling',
  reason: 'ok',
  outputs: {},
  events: [],
  ...o
});

const rolledBack: ReleaseResult = {
  status: 'rolled-back',
  reason: 'service worker was rolled back: essential container worker exited with code 1; back on their previous revisions: api, worker',
  rolledBack: true,
  durationMs: 95_000,
  waves: [['api'], ['worker'], ['web']],
  outputs: {},
  services: [
    svc({
      name: 'api',
      verdict: 'restored',
      reason: 'rolled back with the release: service api is back on api:1',
      before: arn('api:1'),
      after: arn('api:2'),
      startedMs: 0,
      endedMs: 40_000
    }),
    svc({
      name: 'worker',
      wave: 1,
      verdict: 'rolled-back',
      reason: 'long story',
      headline: 'worker:2 exited with code 1 | worker is back on worker:1',
      before: arn('worker:1'),
      after: arn('worker:2'),
      startedMs: 20_000,
      endedMs: 60_000
    }),
    svc({ name: 'web', wave: 2, strategy: 'blue-green', verdict: 'not-started', reason: 'not started', before: arn('web:7') })
  ]
};

describe('release summary', () => {
  test('opens with the verdict, then a row per service with revision before → after, verdict, duration and reason', () => {
    const md = renderReleaseSummary({ file: 'deploy/release.yml', cluster: 'prod', result: rolledBack });
    const lines = md.split('\n');
    expect(lines[0]).toBe(
      '### ↩️ Release rolled back: service worker was rolled back: essential container worker exited with code 1; back on their previous revisions: api, worker'
    );
    expect(md).toMatch(/3 services in 3 waves on cluster `prod`, 1m35s · release file `deploy\/release\.yml`/);
    expect(md).toContain(
      '| api | 1 | rolling | api:1 → api:2 | ↩️ rolled back with the release | 40s | rolled back with the release: service api is back on api:1 |'
    );
    // The headline, with its table-breaking | escaped.
    expect(md).toContain(
      '| worker | 2 | rolling | worker:1 → worker:2 | ↩️ rolled back | 40s | worker:2 exited with code 1 \\| worker is back on worker:1 |'
    );
    expect(md).toContain('| web | 3 | blue-green | web:7 | ⏸️ not started | — | not started |');
  });

  test('one timeline: a section per wave, a bar per service that ran, failures marked', () => {
    const chart = timeline(rolledBack.services)!;
    expect(chart.split('\n')).toEqual([
      '```mermaid',
      'gantt',
      '  dateFormat x',
      '  axisFormat %M:%S',
      '  section wave 1',
      '  api (restored) :active, 0, 40000',
      '  section wave 2',
      '  worker (rolled-back) :crit, 20000, 60000',
      '```'
    ]);
    expect(timeline([svc({ name: 'x', verdict: 'not-started' })])).toBeUndefined();
  });

  test('a release refused before it started says nothing was changed, with every problem', () => {
    const md = renderReleaseSummary({ file: 'release.yml', error: '2 problems:\n  - release.yml:3 a\n  - release.yml:9 b' });
    expect(md.split('\n')[0]).toBe('### ❌ Release refused: 2 problems:');
    expect(md).toMatch(/release\.yml:3 a[\s\S]*release\.yml:9 b/);
    expect(md).toMatch(/Nothing was changed/);
  });
});
