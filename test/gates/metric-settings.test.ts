// Inputs of the metric gates: max-error-rate, max-response-time, compare-to-baseline, min-requests.
import { describe, expect, it } from '@jest/globals';
import { InputError, InputErrors } from '../../src/errors.js';
import { Inputs } from '../../src/inputs.js';
import { readGateSettings } from '../../src/gates/settings.js';

function inputs(values: Record<string, string>): Inputs {
  return new Inputs({ get: (n) => values[n] ?? '', label: (n) => `input \`${n}\`` });
}

function problem(values: Record<string, string>): string {
  try {
    readGateSettings(inputs(values));
  } catch (error) {
    if (error instanceof InputError || error instanceof InputErrors) return error.message;
    throw error;
  }
  throw new Error('expected an input error');
}

describe('metric gate inputs', () => {
  it('none given: no metric gate (the action default min-requests 50 alone changes nothing)', () => {
    expect(readGateSettings(inputs({})).metrics).toBeUndefined();
    expect(readGateSettings(inputs({ 'min-requests': '50', 'compare-to-baseline': 'false' })).metrics).toBeUndefined();
  });

  it.each([
    [{ 'max-error-rate': '1%' }, { maxErrorRate: 1, compareToBaseline: false, minRequests: 50 }],
    [{ 'max-error-rate': '0.5' }, { maxErrorRate: 0.5, compareToBaseline: false, minRequests: 50 }],
    [{ 'max-response-time': 'p99 800ms' }, { maxResponseTime: { stat: 'p99', ms: 800 }, compareToBaseline: false, minRequests: 50 }],
    [
      { 'max-response-time': 'avg 1.5s', 'compare-to-baseline': 'true', 'min-requests': '200' },
      { maxResponseTime: { stat: 'Average', ms: 1500 }, compareToBaseline: true, minRequests: 200 }
    ],
    [
      { 'max-response-time': 'P99.9 1s', 'max-error-rate': '0%' },
      { maxErrorRate: 0, maxResponseTime: { stat: 'p99.9', ms: 1000 }, compareToBaseline: false, minRequests: 50 }
    ]
  ])('%j', (values, expected) => {
    expect(readGateSettings(inputs(values)).metrics).toEqual(expected);
  });

  it.each([
    [{ 'max-error-rate': '1 percent' }, /input `max-error-rate` is "1 percent".*e\.g\. 1%/s],
    [{ 'max-error-rate': '100%' }, /from 0 to below 100/],
    [{ 'max-response-time': '800ms' }, /input `max-response-time` is "800ms".*"p99 800ms"/s],
    [{ 'max-response-time': 'p100 1s' }, /statistic "p100"/],
    [{ 'max-response-time': 'median 1s' }, /statistic "median"/],
    [{ 'max-response-time': 'p99 800' }, /duration "800"/],
    [{ 'max-error-rate': '1%', 'min-requests': '0' }, /input `min-requests` is "0"/],
    [{ 'compare-to-baseline': 'true' }, /input `compare-to-baseline` is true but no metric gate is set.*max-error-rate/s]
  ])('%j is refused', (values, message) => {
    expect(problem(values)).toMatch(message);
  });
});
