/** The one-sentence headline: verdict, root cause, where traffic is; never longer than 160 characters. */
import { describe, expect, test } from '@jest/globals';
import type { Cause } from '../../src/deploy/cause.js';
import { whereTrafficIs } from '../../src/deploy/evidence.js';
import { HEADLINE_MAX, errorHeadline, headline } from '../../src/report/headline.js';
import { LockError } from '../../src/lock/lock.js';

const rows: Array<[Cause, string]> = [
  [{ kind: 'health-checks', codes: ['500'] }, 'web:5 failed its ELB health checks (HTTP 500)'],
  [{ kind: 'container-exited', container: 'web', exitCode: 1 }, 'web:5 essential container web exited with code 1'],
  [{ kind: 'oom', container: 'web' }, 'web:5 container web was OOM-killed (out of memory, exit 137)'],
  [{ kind: 'image-pull', image: 'registry.example.com/web:v9' }, 'web:5 could not pull image registry.example.com/web:v9'],
  [{ kind: 'secret-fetch', secret: 'arn:aws:secretsmanager:us-east-1:1:secret:web/db-AbCdEf' }, 'web:5 could not fetch secret web/db-AbCdEf'],
  [{ kind: 'secret-fetch', secret: 'arn:aws:ssm:us-east-1:1:parameter/web/db-url' }, 'web:5 could not fetch secret /web/db-url'],
  [{ kind: 'no-capacity' }, 'web:5 could not be placed: no capacity for its tasks'],
  [{ kind: 'timeout-starting', running: 0, desired: 2, after: '2m' }, 'web:5 was still starting at the timeout (2m): 0 of 2 tasks running'],
  [{ kind: 'alarm', name: 'web-cpu', value: '95.2', threshold: '80' }, 'web:5 set off alarm web-cpu (95.2 vs threshold 80)'],
  [{ kind: 'metric-gate', gate: 'max-error-rate', observed: '5xx 12.5 %', limit: '1 %' }, 'web:5 failed max-error-rate (5xx 12.5 % > 1 %)'],
  [{ kind: 'cancelled', signal: 'SIGTERM' }, 'web:5 was cancelled (SIGTERM)']
];

describe('headline', () => {
  test.each(rows)('%j', (cause, phrase) => {
    expect(headline({ status: 'rolled-back', revision: 'web:5', cause, where: '100 % stays on web-green (web:4)' })).toBe(
      `Rolled back: ${phrase} — 100 % stays on web-green (web:4)`
    );
  });

  test('the issue\'s example, word for word', () => {
    expect(headline({ status: 'rolled-back', revision: 'web:5', cause: { kind: 'health-checks', codes: ['500'] }, where: '100 % stays on web-green (web:4)' })).toBe(
      'Rolled back: web:5 failed its ELB health checks (HTTP 500) — 100 % stays on web-green (web:4)'
    );
  });

  test('a long cause is clipped at a word, and where traffic is always survives', () => {
    const text = headline({
      status: 'failed',
      revision: 'web:5',
      cause: { kind: 'other', text: 'x '.repeat(50) + 'an extremely long explanation that goes on and on about ECS internals and deployment ids ecs-svc/1234567890' },
      where: 'rollback incomplete, check service web'
    });
    expect(text.length).toBeLessThanOrEqual(HEADLINE_MAX);
    expect(text.startsWith('Failed: web:5 ')).toBe(true);
    expect(text.endsWith(' — rollback incomplete, check service web')).toBe(true);
    expect(text).toContain('…');
  });
});

describe('whereTrafficIs', () => {
  test('blue/green: the live colour keeps 100 % on the previous revision', () => {
    expect(
      whereTrafficIs('rolled-back', 'x: rolled back', {
        previousTaskDefinitionArn: 'arn:aws:ecs:us-east-1:1:task-definition/web:4',
        outputs: { 'live-service': 'web-green', traffic: 'web-blue=0,web-green=100' }
      })
    ).toBe('100 % stays on web-green (web:4)');
  });

  test('rolling: the service is back on the previous revision', () => {
    expect(whereTrafficIs('rolled-back', 'x', { previousTaskDefinitionArn: 'arn:aws:ecs:us-east-1:1:task-definition/web:4', outputs: {} }, 'web')).toBe('web is back on web:4');
  });

  test('a failed rollback says so, with the traffic as it was left', () => {
    expect(
      whereTrafficIs('failed', 'gate failed, and the rollback did not complete: listener unchanged', { outputs: { 'live-service': 'web-blue', traffic: 'web-blue=50,web-green=50' } })
    ).toBe('rollback incomplete, check web-blue: traffic web-blue 50 %, web-green 50 %');
  });
});

describe('errorHeadline', () => {
  test('a busy lock: who holds it, and that nothing changed', () => {
    const busy = new LockError('deployment lock ecs/prod/web is held by run 42; gave up after waiting 5 s (lock-timeout). Nothing was changed.', 'busy', 'ecs/prod/web', 'run 42');
    expect(errorHeadline(busy)).toBe('Not deployed: deployment lock ecs/prod/web is held by run 42 — nothing changed');
  });

  test('any other error keeps its own message', () => {
    expect(errorHeadline(new Error('service web not found'))).toBeUndefined();
  });
});
