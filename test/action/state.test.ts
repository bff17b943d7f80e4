/**
 * The action's state store: the post step reads what the main step saved (STATE_*), and the
 * main step reads back what it saved itself, e.g. the temporary alarms it deletes at the end.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { actionState } from '../../src/action/state.js';
import { TEMPORARY_ALARMS_STATE, cleanupTemporaryAlarms } from '../../src/gates/alarms.js';
import { RecordingReporter } from '../../src/events.js';
import type { Aws } from '../../src/aws/clients.js';

const saved = { GITHUB_STATE: process.env.GITHUB_STATE };
let file: string;
beforeEach(() => {
  file = join(mkdtempSync(join(tmpdir(), 'state-test-')), 'state');
  writeFileSync(file, '');
  process.env.GITHUB_STATE = file;
});
afterEach(() => {
  if (saved.GITHUB_STATE === undefined) delete process.env.GITHUB_STATE;
  else process.env.GITHUB_STATE = saved.GITHUB_STATE;
  delete process.env.STATE_from_main;
});

describe('actionState', () => {
  it('the main step reads back what it saved, and the runner gets it for the post step', () => {
    actionState.save('rolling-test', { phase: 'watching', service: 'web' });
    expect(actionState.load('rolling-test')).toEqual({ phase: 'watching', service: 'web' });
    actionState.save('rolling-test', { phase: 'done', service: 'web' });
    expect(actionState.load('rolling-test')).toEqual({ phase: 'done', service: 'web' });
    expect(readFileSync(file, 'utf8')).toContain('{"phase":"done","service":"web"}');
  });

  it('the post step reads what the main step saved (STATE_*)', () => {
    process.env.STATE_from_main = JSON.stringify(['ecs-rollout-prod-web-cpu-1']);
    expect(actionState.load('from_main')).toEqual(['ecs-rollout-prod-web-cpu-1']);
    expect(actionState.load('never-saved')).toBeUndefined();
  });

  it('saved state that cannot be read fails loudly with what to do, never "nothing to roll back"', () => {
    process.env.STATE_from_main = '{"phase":"shift';
    expect(() => actionState.load('from_main')).toThrow(/the saved state from_main cannot be read .*roll back by hand/);
  });

  it('cleanup at the end of the main step finds the temporary alarms it created and deletes them', async () => {
    const deleted: string[][] = [];
    const cloudwatch = {
      describeAlarms: async (names: string[]) => ({ metricAlarms: names.map((AlarmName) => ({ AlarmName })), compositeAlarms: [] }),
      deleteAlarms: async (names: string[]) => void deleted.push(names)
    } as unknown as Aws['cloudwatch'];
    actionState.save(TEMPORARY_ALARMS_STATE, ['ecs-rollout-prod-web-cpu-abc']);
    const gone = await cleanupTemporaryAlarms({ aws: { cloudwatch }, reporter: new RecordingReporter(), state: actionState });
    expect(gone).toEqual(['ecs-rollout-prod-web-cpu-abc']);
    expect(deleted).toEqual([['ecs-rollout-prod-web-cpu-abc']]);
    expect(actionState.load(TEMPORARY_ALARMS_STATE)).toEqual([]);
  });
});
