/** All inputs are read once, and every problem in every group is reported together. */
import { expect, test } from '@jest/globals';
import { InputErrors } from '../src/errors.js';
import { Inputs, type InputSource } from '../src/inputs.js';
import { readSettings } from '../src/settings.js';

function inputs(values: Record<string, string>): Inputs {
  const source: InputSource = { get: (n) => values[n] ?? '', label: (n) => `input \`${n}\`` };
  return new Inputs(source);
}

test('problems from several groups, some with several problems each, come back together', () => {
  let thrown: unknown;
  try {
    readSettings(
      inputs({
        'task-definition': 'web.json',
        images: 'no equals sign',
        'environment-variables': 'ALSO BAD',
        'container-name': 'web',
        'poll-interval': 'fast',
        'cpu-alarm-threshold': '150'
      }),
      {}
    );
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(InputErrors);
  const messages = (thrown as InputErrors).errors.map((e) => e.message).join('\n');
  expect(messages).toMatch(/input `images`/);
  expect(messages).toMatch(/input `environment-variables`/);
  expect(messages).toMatch(/input `poll-interval`/);
  expect(messages).toMatch(/input `cpu-alarm-threshold`/);
});
