import { InputError } from '../errors.js';

/**
 * `traffic-steps`: the percentages of production traffic the new colour receives, one
 * shift at a time. Either an explicit list (`10,50,100`, `5%, 25%, 100%`) or a preset
 * named after CodeDeploy's:
 *
 *   all-at-once   100
 *   canary-N      N, 100              (canary-10 → 10, 100)
 *   linear-N      N, 2N, …, 100       (linear-20 → 20, 40, 60, 80, 100; linear-30 → 30, 60, 90, 100)
 *
 * An explicit list must be strictly increasing whole percentages from 1 to 100 and must end
 * at 100. We do not append a missing 100: `10,50` reads like "stop at 50 %", and a
 * deployment only ever succeeds once the new revision serves all traffic, so we ask the
 * user to say so rather than guess.
 */
export function parseTrafficSteps(text: string, label = 'input `traffic-steps`'): number[] {
  const s = text.trim().toLowerCase();
  if (s === '') throw new InputError(`${label} is empty`, {}, 'use e.g. 10,50,100, all-at-once, canary-10 or linear-20');
  if (s === 'all-at-once') return [100];

  const preset = /^(canary|linear)-?(\S*)$/.exec(s);
  if (preset) {
    const [, kind, raw] = preset;
    const n = Number(raw);
    if (raw === '' || !Number.isInteger(n) || n < 1 || n > 99) {
      throw new InputError(
        `${label} is "${text.trim()}"`,
        {},
        `use ${kind}-N with N a whole percentage from 1 to 99, e.g. ${kind}-${kind === 'canary' ? 10 : 20}`
      );
    }
    if (kind === 'canary') return [n, 100];
    const steps: number[] = [];
    for (let p = n; p < 100; p += n) steps.push(p);
    steps.push(100);
    return steps;
  }

  const items = s.split(/[\s,]+/).filter((x) => x !== '');
  const steps: number[] = [];
  for (const item of items) {
    const m = /^(\d+)%?$/.exec(item);
    const n = m ? Number(m[1]) : NaN;
    if (!Number.isInteger(n) || n < 1 || n > 100) {
      throw new InputError(
        `${label} has "${item}"`,
        {},
        'each step is a whole percentage from 1 to 100, e.g. 10,50,100; or use a preset: all-at-once, canary-10, linear-20'
      );
    }
    const previous = steps[steps.length - 1];
    if (previous !== undefined && n <= previous) {
      throw new InputError(`${label} goes from ${previous} to ${n}`, {}, 'list the steps in increasing order, e.g. 10,50,100');
    }
    steps.push(n);
  }
  if (steps[steps.length - 1] !== 100) {
    throw new InputError(
      `${label} ends at ${steps[steps.length - 1]} %`,
      {},
      `end the list with 100, e.g. ${[...steps, 100].join(',')}: a deployment only succeeds once the new revision serves all traffic`
    );
  }
  return steps;
}

/**
 * The steps still to take when traffic already sends `current` % to the new colour (a
 * resumed deployment): those above it. At 100 nothing is left to shift.
 */
export function remainingSteps(steps: number[], current: number): number[] {
  return steps.filter((p) => p > current);
}
