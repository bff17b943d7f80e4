/** What a release saves to put a service back: where and how it deploys, never its template, variables or gates. */
import { describe, expect, test } from '@jest/globals';
import { rollbackInputs } from '../../src/release/restore.js';

describe('rollback inputs', () => {
  test('rolling: the service and its deployment settings; no template, vars (secrets), gates or one-off task', () => {
    const saved = rollbackInputs(
      new Map(
        Object.entries({
          'task-definition': 'deploy/api.json',
          vars: 'tag=v42\ndb_password=hunter2',
          'secret-vars': 'db_password',
          cluster: 'prod',
          service: 'api',
          'poll-interval': '200ms',
          alarms: 'api-5xx',
          'cpu-alarm-threshold': '80',
          'run-task': 'true'
        })
      )
    );
    expect(saved).toEqual({ cluster: 'prod', service: 'api', 'poll-interval': '200ms', lock: 'false' });
    expect(JSON.stringify(saved)).not.toContain('hunter2');
  });

  test('blue/green: the pair, its target groups and listener; traffic back in one verified step, no bake', () => {
    const saved = rollbackInputs(
      new Map(
        Object.entries({
          strategy: 'blue-green',
          'blue-service': 'web-blue',
          'green-service': 'web-green',
          'blue-target-group': 'tg-blue',
          'green-target-group': 'tg-green',
          'listener-arn': 'listener',
          'traffic-steps': '10,50,100',
          'step-bake': '5m',
          'smoke-test-url': 'http://x/health'
        })
      )
    );
    expect(saved).toEqual({
      strategy: 'blue-green',
      'blue-service': 'web-blue',
      'green-service': 'web-green',
      'blue-target-group': 'tg-blue',
      'green-target-group': 'tg-green',
      'listener-arn': 'listener',
      'traffic-steps': '100',
      'step-bake': '0s',
      'final-bake': '0s',
      lock: 'false'
    });
  });
});
