/** traffic-steps cases mutation testing found unguarded: the edges of each range and the exact messages. */
import { describe, expect, it } from '@jest/globals';
import { parseTrafficSteps, remainingSteps } from '../../src/deploy/steps.js';

describe('parseTrafficSteps at the edges', () => {
  it.each([
    ['canary-99', [99, 100]],
    ['canary10', [10, 100]],
    ['linear-99', [99, 100]],
    ['LINEAR-25', [25, 50, 75, 100]],
    ['1,100', [1, 100]],
    ['1 2 3 100', [1, 2, 3, 100]],
    [',10,,50,100,', [10, 50, 100]]
  ])('%j → %j', (text, steps) => {
    expect(parseTrafficSteps(text)).toEqual(steps);
  });

  it('linear-1 is a hundred steps of 1', () => {
    expect(parseTrafficSteps('linear-1')).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it.each([
    ['', 'input `traffic-steps` is empty (use e.g. 10,50,100, all-at-once, canary-10 or linear-20)'],
    ['  Canary-100 ', 'input `traffic-steps` is "Canary-100" (use canary-N with N a whole percentage from 1 to 99, e.g. canary-10)'],
    ['linear-0', 'input `traffic-steps` is "linear-0" (use linear-N with N a whole percentage from 1 to 99, e.g. linear-20)'],
    ['linear-2.5', 'input `traffic-steps` is "linear-2.5" (use linear-N with N a whole percentage from 1 to 99, e.g. linear-20)'],
    [
      '101',
      'input `traffic-steps` has "101" (each step is a whole percentage from 1 to 100, e.g. 10,50,100; or use a preset: all-at-once, canary-10, linear-20)'
    ],
    ['50,40,100', 'input `traffic-steps` goes from 50 to 40 (list the steps in increasing order, e.g. 10,50,100)'],
    [
      '10,50',
      'input `traffic-steps` ends at 50 % (end the list with 100, e.g. 10,50,100: a deployment only succeeds once the new revision serves all traffic)'
    ]
  ])('%j is refused with the default label and the fix', (text, message) => {
    expect(() => parseTrafficSteps(text)).toThrow(message);
  });

  it.each([['10,canary-10'], ['canary-10 50'], ['xlinear-20']])('a preset inside a list (%j) is not a preset: refused', (text) => {
    expect(() => parseTrafficSteps(text)).toThrow(/^input `traffic-steps` has "(canary-10|xlinear-20)"/);
  });

  it('the label names where the steps came from', () => {
    expect(() => parseTrafficSteps('5', 'services[web].traffic-steps')).toThrow(/^services\[web\]\.traffic-steps ends at 5 %/);
  });

  it('remainingSteps keeps only the steps above the current share', () => {
    expect(remainingSteps([10, 50, 100], 10)).toEqual([50, 100]);
    expect(remainingSteps([10, 50, 100], 0)).toEqual([10, 50, 100]);
    expect(remainingSteps([10, 50, 100], 100)).toEqual([]);
  });
});
