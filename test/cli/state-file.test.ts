/**
 * Saved rollback state that cannot be read fails loudly with what to do: never "nothing to roll back"
 * while a service may be half-deployed (CLI state files, and the shape of a saved rolling deployment).
 */
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileState, newStatePath, stateFiles } from '../../src/cli/state-file.js';
import { finishInterrupted } from '../../src/recover.js';
import type { DeployContext, StateStore } from '../../src/deploy/types.js';
import { context, fakeAws } from '../deploy/rolling-fakes.js';

const dir = (): string => mkdtempSync(join(tmpdir(), 'state-file-'));

describe('fileState', () => {
  it('a missing file is an empty state; what is saved is read back', () => {
    const state = fileState(join(dir(), 'x.json'));
    expect(state.load('rolling')).toBeUndefined();
    state.save('rolling', { phase: 'watching' });
    state.save('alarms', ['a']);
    expect(state.load('rolling')).toEqual({ phase: 'watching' });
    expect(state.load('alarms')).toEqual(['a']);
  });

  it.each([
    ['truncated JSON', '{"rolling": {"phase": "watch'],
    ['an array', '[1, 2]'],
    ['a string', '"rolling"'],
    ['null', 'null'],
    ['empty', '']
  ])('a state file holding %s fails, naming the file and what to do', (_, text) => {
    const path = join(dir(), 'prod-web.1234.json');
    writeFileSync(path, text);
    const state = fileState(path);
    expect(() => state.load('rolling')).toThrow(
      `the state file ${path} is not a JSON object; look at it, finish the rollback by hand, then delete it`
    );
    // Saving over it would erase the only record of what was left half-done.
    expect(() => state.save('rolling', { phase: 'done' })).toThrow(/is not a JSON object/);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it('a state file that cannot be read (a directory) says so, with the file', () => {
    const path = join(dir(), 'state.json');
    const state = fileState(dir());
    expect(() => state.load('x')).toThrow(/^cannot read the state file /);
    expect(fileState(path).load('x')).toBeUndefined();
  });

  it('saving leaves no temporary file beside the state, so `rollback` never lists one', () => {
    const root = dir();
    const path = newStatePath(root, 'prod-web');
    fileState(path).save('rolling', { phase: 'updating' });
    expect(stateFiles(root)).toEqual([path]);
    expect(readdirSync(join(root, '.ecs-rollout'))).toHaveLength(1);
  });
});

describe('finishInterrupted with a saved rolling state it cannot read', () => {
  const ctx = (saved: Record<string, unknown>): DeployContext => {
    const { ctx } = context(fakeAws({ describe: () => new Error('no AWS call may be made') }).aws);
    const state: StateStore = { save: () => undefined, load: <T>(key: string) => saved[key] as T | undefined };
    return { ...ctx, state };
  };

  it.each([
    ['a string', 'watching'],
    [
      'an unknown phase',
      { cluster: 'prod', service: 'web', taskDefinitionArn: 'td:8', previousTaskDefinitionArn: 'td:7', phase: 'shifting' }
    ],
    ['no service', { cluster: 'prod', taskDefinitionArn: 'td:8', previousTaskDefinitionArn: 'td:7', phase: 'watching' }],
    ['null', null]
  ])('%s fails with what to do instead of "nothing to roll back"', async (_, rolling) => {
    await expect(finishInterrupted(ctx({ rolling }), { sameOwner: true })).rejects.toThrow(
      /^the saved state rolling cannot be read \(.*\): .*nothing was rolled back\. .*ecs-rollout rollback --cluster/
    );
  });
});
