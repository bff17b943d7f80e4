/** The root cause read from a failure's reason and evidence: one row per class a user would want named. */
import { describe, expect, test } from '@jest/globals';
import { classifyCause, codesIn, taskCause, type Cause, type FailureFacts, type StoppedTaskFact } from '../../src/deploy/cause.js';

const facts = (over: Partial<FailureFacts> = {}): FailureFacts => ({ stopped: [], targets: [], events: [], ...over });
const task = (over: Partial<StoppedTaskFact>): StoppedTaskFact => ({ taskId: 't1', containers: [{ name: 'web' }], ...over });

const CB = 'ECS rolled the service back to web:4 (deployment ecs-svc/123): ECS deployment circuit breaker: tasks failed to start.';

const rows: Array<[string, string, FailureFacts, Cause]> = [
  [
    'ELB health checks with the HTTP code, from the target health',
    CB,
    facts({ targets: [{ reason: 'Target.ResponseCodeMismatch', description: 'Health checks failed with these codes: [500]' }] }),
    { kind: 'health-checks', codes: ['500'] }
  ],
  [
    'ELB health checks from the stopped tasks (the targets are gone by the time evidence is read)',
    CB,
    facts({
      stopped: [
        task({
          stoppedReason:
            'Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web-green/abc)',
          stopCode: 'ServiceSchedulerInitiated',
          containers: [{ name: 'web', exitCode: 0 }]
        })
      ],
      events: [
        '(service web-green) (port 8080) is unhealthy in (target-group arn:…/web-green/abc) due to (reason Health checks failed with these codes: [500]).'
      ]
    }),
    { kind: 'health-checks', codes: ['500'] }
  ],
  [
    'an essential container that exited, with its code',
    CB,
    facts({
      stopped: [
        task({
          stoppedReason: 'Essential container in task exited',
          stopCode: 'EssentialContainerExited',
          containers: [
            { name: 'web', exitCode: 3 },
            { name: 'sidecar', exitCode: 0 }
          ]
        })
      ]
    }),
    { kind: 'container-exited', container: 'web', exitCode: 3 }
  ],
  [
    'an OOM kill (exit 137 with OutOfMemoryError), even though the gate only counted failed tasks',
    'gate service failed during the bake: 1 task of web:5 failed in service web while it served traffic',
    facts({
      stopped: [
        task({
          stoppedReason: 'Essential container in task exited',
          stopCode: 'EssentialContainerExited',
          containers: [{ name: 'web', exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' }]
        })
      ]
    }),
    { kind: 'oom', container: 'web' }
  ],
  [
    'an image that cannot be pulled, naming the image',
    CB,
    facts({
      stopped: [
        task({
          stopCode: 'TaskFailedToStart',
          stoppedReason:
            'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref registry.example.com/web:v9: registry.example.com/web:v9: not found'
        })
      ]
    }),
    { kind: 'image-pull', image: 'registry.example.com/web:v9' }
  ],
  [
    'a secret that cannot be fetched, naming the secret',
    CB,
    facts({
      stopped: [
        task({
          stopCode: 'TaskFailedToStart',
          stoppedReason:
            'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret arn:aws:secretsmanager:us-east-1:123456789012:secret:web/db-AbCdEf from secrets manager: AccessDeniedException'
        })
      ]
    }),
    { kind: 'secret-fetch', secret: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:web/db-AbCdEf' }
  ],
  [
    'no capacity: ECS could not place a task',
    'web:5 was not stable after 2m (the timeout)',
    facts({
      events: [
        '(service web) was unable to place a task. Reason: Capacity is unavailable at this time. Please try again later or in a different availability zone.'
      ],
      rollout: { running: 0, desired: 2, pending: 0 }
    }),
    { kind: 'no-capacity' }
  ],
  [
    'a timeout while the tasks were still starting',
    'web:5 was not stable after 2m (the timeout)',
    facts({ rollout: { running: 1, desired: 2, pending: 1 } }),
    { kind: 'timeout-starting', running: 1, desired: 2, after: '2m' }
  ],
  [
    'an alarm, with its value and threshold',
    'gate alarms failed during the bake: alarm web-5xx is ALARM: Threshold Crossed: 1 out of the last 1 datapoints [42.0] was greater than the threshold (5.0) (latest value 42, threshold 5)',
    facts(),
    { kind: 'alarm', name: 'web-5xx', value: '42', threshold: '5' }
  ],
  [
    "ECS's own alarm rollback",
    'ECS rolled the service back to web:4 (deployment ecs-svc/9): ECS deployment alarm(s) detected: web-cpu.',
    facts(),
    { kind: 'alarm', name: 'web-cpu' }
  ],
  [
    'a metric gate (error rate)',
    'gate metrics failed during the bake: web-green: 5xx 12.5 % of 800 requests in 10:01–10:03 > max-error-rate 1 %',
    facts(),
    { kind: 'metric-gate', gate: 'max-error-rate', observed: '5xx 12.5 %', limit: '1 %' }
  ],
  ['a cancellation, with the signal', 'cancelled (SIGTERM) while web:5 was rolling out', facts(), { kind: 'cancelled', signal: 'SIGTERM' }],
  ['a lost lock', 'lost deployment lock prod/web: its item was taken over by run 42', facts(), { kind: 'lock', key: 'prod/web' }]
];

describe('classifyCause', () => {
  test.each(rows)('%s', (_name, reason, f, cause) => {
    expect(classifyCause(reason, f)).toEqual(cause);
  });

  test('the gate that failed decides over task evidence for alarms: the alarm is what the user set up to catch', () => {
    const f = facts({
      stopped: [
        task({
          stoppedReason: 'Essential container in task exited',
          stopCode: 'EssentialContainerExited',
          containers: [{ name: 'web', exitCode: 1 }]
        })
      ]
    });
    expect(classifyCause('gate alarms failed during the bake: alarm web-cpu is ALARM: Threshold Crossed', f).kind).toBe('alarm');
  });

  test('the most frequent task cause wins over a single odd one', () => {
    const crash = task({
      stoppedReason: 'Essential container in task exited',
      stopCode: 'EssentialContainerExited',
      containers: [{ name: 'web', exitCode: 1 }]
    });
    const oom = task({
      stoppedReason: 'Essential container in task exited',
      stopCode: 'EssentialContainerExited',
      containers: [{ name: 'web', exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' }]
    });
    expect(classifyCause(CB, facts({ stopped: [crash, oom, crash] }))).toEqual({ kind: 'container-exited', container: 'web', exitCode: 1 });
  });

  test('an AWS error keeps what was being done and its code, not the message that may quote anything', () => {
    expect(
      classifyCause('updating service web in cluster prod: AccessDeniedException: User: arn:aws:sts::1:assumed-role/x is not authorized')
    ).toEqual({
      kind: 'other',
      text: 'updating service web in cluster prod failed (AccessDeniedException)'
    });
  });

  test('without evidence the first clause of the reason stands, never the whole ECS text', () => {
    expect(classifyCause('watching the deployment failed: ThrottlingException: Rate exceeded; retried 8 times')).toEqual({
      kind: 'other',
      text: 'watching the deployment failed (ThrottlingException)'
    });
    expect(classifyCause('shifting 10 % to web-green failed: the listener read back 0 %; nothing moved')).toEqual({
      kind: 'other',
      text: 'shifting 10 % to web-green failed'
    });
  });
});

describe('taskCause', () => {
  test('a task stopped on purpose (scale-in, our rollback) has no cause', () => {
    expect(
      taskCause(
        task({
          stoppedReason: 'Scaling activity initiated by (deployment ecs-svc/1)',
          stopCode: 'ServiceSchedulerInitiated',
          containers: [{ name: 'web', exitCode: 0 }]
        })
      )
    ).toBeUndefined();
  });

  test('codes are read from ELB descriptions, falling back to the reason codes', () => {
    expect(codesIn('Health checks failed with these codes: [500, 502]')).toEqual(['500', '502']);
    expect(codesIn('Target.Timeout — Request timed out')).toEqual(['Target.Timeout']);
  });
});
