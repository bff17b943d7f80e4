/** The `strategy: ecs-native` inputs, read and validated once into typed settings before anything changes. */
import { formatDuration } from '../../duration.js';
import { InputError, InputProblems } from '../../errors.js';
import type { Inputs } from '../../inputs.js';

export const NATIVE_STRATEGIES = ['BLUE_GREEN', 'LINEAR', 'CANARY', 'ROLLING'] as const;
export type NativeStrategyName = (typeof NATIVE_STRATEGIES)[number];

/** What the inputs set for this deployment; anything left undefined stays as the service has it. */
export interface NativeSettings {
  strategy?: NativeStrategyName;
  /** deploymentConfiguration.bakeTimeInMinutes. */
  bakeTimeInMinutes?: number;
  linear?: { stepPercent?: number; stepBakeTimeInMinutes?: number };
  canary?: { canaryPercent?: number; canaryBakeTimeInMinutes?: number };
  /** A GET that must answer 2xx at every pause (typically the test listener). */
  smokeTest?: { url: string; timeoutMs: number };
}

/** The inputs only this strategy reads: given with another strategy they would be ignored without a word. */
export const NATIVE_ONLY = [
  'ecs-strategy',
  'ecs-bake-time',
  'linear-step-percent',
  'linear-step-bake',
  'canary-percent',
  'canary-bake'
] as const;

/** ECS takes 0 to 1440 whole minutes for every bake time (LinearConfiguration, CanaryConfiguration, bakeTimeInMinutes). */
const MAX_BAKE_MINUTES = 1440;

export function readNativeSettings(inputs: Inputs): NativeSettings {
  const problems = new InputProblems();
  const read = <T>(fn: () => T, fallback: T): T => problems.read(fn, fallback);
  const out: NativeSettings = {};

  const strategy = read(() => upperOneOf(inputs, 'ecs-strategy'), undefined);
  if (strategy) out.strategy = strategy;
  const bake = read(() => minutes(inputs, 'ecs-bake-time'), undefined);
  if (bake !== undefined) out.bakeTimeInMinutes = bake;

  // ECS: linear stepPercent is a multiple of 0.1 from 3.0 to 100.0; canaryPercent from 0.1 to 100.0.
  const stepPercent = read(() => tenths(inputs, 'linear-step-percent', 3), undefined);
  const stepBake = read(() => minutes(inputs, 'linear-step-bake'), undefined);
  const canaryPercent = read(() => tenths(inputs, 'canary-percent', 0.1), undefined);
  const canaryBake = read(() => minutes(inputs, 'canary-bake'), undefined);
  if (stepPercent !== undefined || stepBake !== undefined) {
    out.linear = {
      ...(stepPercent !== undefined ? { stepPercent } : {}),
      ...(stepBake !== undefined ? { stepBakeTimeInMinutes: stepBake } : {})
    };
  }
  if (canaryPercent !== undefined || canaryBake !== undefined) {
    out.canary = {
      ...(canaryPercent !== undefined ? { canaryPercent } : {}),
      ...(canaryBake !== undefined ? { canaryBakeTimeInMinutes: canaryBake } : {})
    };
  }
  // Inputs of one native strategy given with another would be silently ignored by ECS.
  if (out.linear && strategy && strategy !== 'LINEAR')
    problems.add(mismatch(inputs, ['linear-step-percent', 'linear-step-bake'], strategy, 'LINEAR'));
  if (out.canary && strategy && strategy !== 'CANARY')
    problems.add(mismatch(inputs, ['canary-percent', 'canary-bake'], strategy, 'CANARY'));

  const url = inputs.string('smoke-test-url');
  if (url !== undefined) {
    const ok = read(() => {
      const u = new URL(url);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http');
      return true;
    }, false);
    if (!ok) problems.add(new InputError(`${inputs.label('smoke-test-url')} is "${url}"`, {}, 'use an http:// or https:// URL'));
    const timeoutMs = read(() => inputs.duration('smoke-test-timeout', '10s', { max: 5 * 60_000, positive: true }), 5000);
    if (ok) out.smokeTest = { url, timeoutMs };
  }
  problems.throwIfAny();
  return out;
}

function upperOneOf(inputs: Inputs, name: string): NativeStrategyName | undefined {
  const v = inputs.string(name);
  if (v === undefined) return undefined;
  const upper = v.toUpperCase().replace(/-/g, '_');
  const found = NATIVE_STRATEGIES.find((s) => s === upper);
  if (!found) throw new InputError(`${inputs.label(name)} is "${v}"`, {}, `use one of: ${NATIVE_STRATEGIES.join(', ')}`);
  return found;
}

/** A duration input turned into the whole minutes ECS takes, refusing what would be rounded. */
function minutes(inputs: Inputs, name: string): number | undefined {
  if (inputs.string(name) === undefined) return undefined;
  const ms = inputs.duration(name, '0', { max: MAX_BAKE_MINUTES * 60_000 });
  if (ms % 60_000 !== 0) {
    const down = Math.floor(ms / 60_000);
    const up = down + 1;
    throw new InputError(
      `${inputs.label(name)} is ${formatDuration(ms)}`,
      {},
      `ECS takes bake times in whole minutes (0 to ${MAX_BAKE_MINUTES}): use ${down > 0 ? `${down}m or ` : ''}${up}m`
    );
  }
  return ms / 60_000;
}

function tenths(inputs: Inputs, name: string, min: number): number | undefined {
  const v = inputs.string(name);
  if (v === undefined) return undefined;
  const n = inputs.number(name, { min, max: 100 });
  if (n === undefined) return undefined;
  if (Math.abs(n * 10 - Math.round(n * 10)) > 1e-9) {
    throw new InputError(
      `${inputs.label(name)} is ${v}`,
      {},
      `ECS takes a multiple of 0.1 from ${min} to 100, e.g. ${Math.round(n * 10) / 10}`
    );
  }
  return Math.round(n * 10) / 10;
}

function mismatch(inputs: Inputs, names: string[], strategy: NativeStrategyName, needs: NativeStrategyName): InputError {
  const given = names.filter((n) => inputs.string(n) !== undefined).map((n) => inputs.label(n));
  return new InputError(
    `${given.join(', ')} ${given.length === 1 ? 'is' : 'are'} set but ${inputs.label('ecs-strategy')} is ${strategy}, which ignores ${given.length === 1 ? 'it' : 'them'}`,
    {},
    `set ${inputs.label('ecs-strategy')}: ${needs}, or remove ${given.length === 1 ? 'it' : 'them'}`
  );
}
