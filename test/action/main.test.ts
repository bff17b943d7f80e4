/**
 * The action's main step with @actions/core mocked: inputs are read once and validated,
 * outputs set, failures annotated on the template file and turned into a failed step.
 */
import { beforeEach, describe, expect, jest, test } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '../../__fixtures__/core.js';

jest.unstable_mockModule('@actions/core', () => core);
const { run } = await import('../../src/main.js');

const ROOT = join(import.meta.dirname ?? '.', '../..');
const vars = readFileSync(join(ROOT, 'examples/web.vars'), 'utf8');

function givenInputs(inputs: Record<string, string>): void {
  core.getInput.mockImplementation((name: string) => inputs[name] ?? '');
}

beforeEach(() => {
  jest.clearAllMocks();
  process.env.RUNNER_TEMP = mkdtempSync(join(tmpdir(), 'main-test-'));
  delete process.env.GITHUB_STEP_SUMMARY;
});

describe('run()', () => {
  test('render-only: outputs the rendered file and does not fail', async () => {
    givenInputs({ 'task-definition': join(ROOT, 'examples/web.taskdef.json'), vars, register: 'false' });
    await run();
    expect(core.setFailed).not.toHaveBeenCalled();
    const [name, path] = core.setOutput.mock.calls[0];
    expect(name).toBe('task-definition');
    expect(JSON.parse(readFileSync(String(path), 'utf8')).family).toBe('web');
    expect(core.startGroup).toHaveBeenCalledWith('Render and validate the task definition');
  });

  test('bad inputs fail the step naming each input, before any work', async () => {
    givenInputs({ 'task-definition': join(ROOT, 'examples/web.taskdef.json'), vars, register: 'perhaps', strategy: 'canary' });
    await run();
    const message = String(core.setFailed.mock.calls[0][0]);
    expect(message).toMatch(/input `register` is "perhaps"/);
    expect(message).toMatch(/input `strategy` is "canary"/);
    expect(core.setOutput).not.toHaveBeenCalled();
    expect(core.startGroup).not.toHaveBeenCalled();
  });

  test('template problems become annotations on the file, and the step fails', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tpl-')), 'web.json');
    writeFileSync(file, readFileSync(join(ROOT, 'examples/web.taskdef.json'), 'utf8').replace('"{{ cpu }}"', '"{{ cpus }}"'));
    givenInputs({ 'task-definition': file, vars, register: 'false' });
    await run();
    expect(core.error).toHaveBeenCalledWith(
      expect.stringMatching(/placeholder \{\{ cpus \}\} has no value/),
      expect.objectContaining({ file, startLine: 5 })
    );
    expect(core.setFailed).toHaveBeenCalledWith(expect.stringMatching(/the template has a problem/));
  });

  test('a secret variable is masked before anything is printed', async () => {
    givenInputs({
      'task-definition': join(ROOT, 'examples/web.taskdef.json'),
      vars: vars.replace(/^greeting=.*$/m, 'greeting=s3cr3t-value'),
      'secret-vars': 'greeting',
      register: 'false'
    });
    await run();
    expect(core.setSecret).toHaveBeenCalledWith('s3cr3t-value');
    const firstPrint = Math.min(...[core.info, core.startGroup].flatMap((f) => f.mock.invocationCallOrder));
    expect(core.setSecret.mock.invocationCallOrder[0]).toBeLessThan(firstPrint);
  });

  test('a throw of a non-Error still fails the step', async () => {
    core.getInput.mockImplementation(() => {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- the point: a throw of something that is not an Error
      throw 'not an Error';
    });
    await run();
    expect(core.setFailed).toHaveBeenCalledWith('not an Error');
  });
});
