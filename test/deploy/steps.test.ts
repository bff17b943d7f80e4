import { describe, expect, it } from '@jest/globals';
import { parseTrafficSteps, remainingSteps } from '../../src/deploy/steps.js';
import { InputError } from '../../src/errors.js';

describe('parseTrafficSteps', () => {
  it.each([
    ['10,50,100', [10, 50, 100]],
    [' 5%, 25% ,100% ', [5, 25, 100]],
    ['10\n50\n100', [10, 50, 100]],
    ['100', [100]],
    ['all-at-once', [100]],
    ['All-At-Once', [100]],
    ['canary-10', [10, 100]],
    ['canary-1', [1, 100]],
    ['linear-20', [20, 40, 60, 80, 100]],
    ['linear-30', [30, 60, 90, 100]],
    ['linear-50', [50, 100]]
  ])('%j → %j', (text, steps) => {
    expect(parseTrafficSteps(text)).toEqual(steps);
  });

  it.each([
    ['', /is empty.*canary-10/],
    ['10,50', /ends at 50 %.*end the list with 100, e\.g\. 10,50,100/],
    ['50,10,100', /goes from 50 to 10.*increasing order/],
    ['10,10,100', /goes from 10 to 10/],
    ['0,100', /has "0".*from 1 to 100/],
    ['10,150', /has "150"/],
    ['10.5,100', /has "10\.5"/],
    ['ten,100', /has "ten"/],
    ['canary-0', /canary-N with N a whole percentage from 1 to 99/],
    ['canary-100', /canary-N/],
    ['linear-', /linear-N/],
    ['linear-abc', /linear-N/],
    ['blue-green', /has "blue-green".*preset/]
  ])('rejects %j naming the input and the fix', (text, message) => {
    let error: unknown;
    try {
      parseTrafficSteps(text, 'input `traffic-steps`');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain('input `traffic-steps`');
    expect((error as Error).message).toMatch(message);
  });
});

describe('remainingSteps', () => {
  it.each([
    [[10, 50, 100], 0, [10, 50, 100]],
    [[10, 50, 100], 10, [50, 100]],
    [[10, 50, 100], 30, [50, 100]],
    [[10, 50, 100], 100, []]
  ])('%j from %d → %j', (steps, current, rest) => {
    expect(remainingSteps(steps, current)).toEqual(rest);
  });
});
