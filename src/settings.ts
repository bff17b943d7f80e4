import { InputError, InputProblems } from './errors.js';
import { inputDefault, type Inputs, type InputSource } from './inputs.js';
import { readRenderSettings, type RenderSettings } from './render/settings.js';
import { readDeploySettings, STRATEGIES, type DeploySettings, type Strategy } from './deploy/settings.js';
import { readBlueGreenSettings, type BlueGreenSettings } from './deploy/blue-green-settings.js';
import { NATIVE_ONLY, readNativeSettings, type NativeSettings } from './deploy/ecs-native/settings.js';
import { CODEDEPLOY_ONLY, readCodeDeploySettings, type CodeDeploySettings } from './deploy/codedeploy/settings.js';
import { writtenForOfficial } from './compat/official.js';
import { INPUTS } from './generated/action-spec.js';
import { readGateSettings, type GateSettings } from './gates/settings.js';
import { readSafetySettings, type SafetySettings } from './safety-settings.js';
import { refusedInputs } from './compat/official.js';

/** What a run does, decided once from the inputs. */
/** `run-task`: register, then run the one-off task with no service to deploy (as the official deploy action can). */
export type Mode = 'render' | 'register' | 'deploy' | 'run-task';

/** Every input, read once and validated before anything else happens. */
export interface Settings {
  mode: Mode;
  render: RenderSettings;
  deploy: DeploySettings;
  /** Present when strategy is blue-green. */
  blueGreen?: BlueGreenSettings;
  /** Present when strategy is ecs-native. */
  native?: NativeSettings;
  /** The official action's CodeDeploy inputs: used when the service is on the CODE_DEPLOY controller. */
  codeDeploy: CodeDeploySettings;
  gates: GateSettings;
  /** The per-call AWS deadline and the deployment lock. */
  safety: SafetySettings;
}

/** Inputs only blue/green reads: given with `strategy: rolling` they would be ignored without a word. */
const BLUE_GREEN_ONLY = [
  'blue-service',
  'green-service',
  'blue-target-group',
  'green-target-group',
  'listener-arn',
  'listener-rule-arn',
  'traffic-steps',
  'step-bake',
  'final-bake',
  'termination-wait',
  'on-interrupted',
  'idle-desired-count',
  'smoke-test-url',
  'smoke-test-timeout'
] as const;

/** Inputs only rolling reads, each with the value that means "not asked for". */
const ROLLING_ONLY: ReadonlyArray<readonly [string, (v: string) => boolean]> = [
  ['run-task', (v) => !/^(false|no|0|off)$/i.test(v)],
  ['bake-time', (v) => !/^0+(\.0+)?(ms|s|m|h)?$/.test(v)],
  ['ecs-alarm-rollback', (v) => !/^(false|no|0|off)$/i.test(v)],
  // UpdateService's volumeConfigurations are sent by the rolling update only.
  ['service-managed-ebs-volume-name', () => true],
  ['service-managed-ebs-volume', (v) => v !== '{}']
];

/**
 * Whether an input was given: inputs with a default in action.yml arrive with that default
 * (the runner fills it in), so only a different value shows the user set it.
 */
function given(source: InputSource, name: string): string | undefined {
  const v = source.get(name).trim();
  return v === '' || v === inputDefault(name) ? undefined : v;
}

/**
 * Whether the inputs ask for a deployment, read from the raw values so it can be answered
 * when reading the settings failed: such a run must still end with status=failed and a reason.
 */
export function deploymentIntended(source: InputSource): boolean {
  try {
    if (['blue-green', 'ecs-native'].includes(source.get('strategy').trim())) return true;
    return ['service', ...BLUE_GREEN_ONLY, ...NATIVE_ONLY, ...CODEDEPLOY_ONLY].some((name) => given(source, name) !== undefined);
  } catch {
    return false;
  }
}

/** Inputs of one strategy given with the other: refused, so nothing the user asked for is silently skipped. */
function strategyMismatch(inputs: Inputs, strategy: Strategy): InputError[] {
  const label = (name: string): string => inputs.label(name);
  const errors: InputError[] = [];
  const nativeStray = strategy === 'ecs-native' ? [] : NATIVE_ONLY.filter((name) => given(inputs.source, name) !== undefined);
  // CodeDeploy deploys a CODE_DEPLOY service with the default strategy; the other strategies would ignore its inputs.
  const codeDeployStray = strategy === 'rolling' ? [] : CODEDEPLOY_ONLY.filter((name) => given(inputs.source, name) !== undefined);
  if (codeDeployStray.length) {
    errors.push(
      new InputError(
        `${codeDeployStray.map(label).join(', ')} ${codeDeployStray.length === 1 ? 'is' : 'are'} set but ${label('strategy')} is ${strategy}, which ignores ${codeDeployStray.length === 1 ? 'it' : 'them'}`,
        {},
        'a service on the CODE_DEPLOY controller is deployed through CodeDeploy with strategy left at rolling (the default): remove strategy, or the codedeploy inputs'
      )
    );
  }
  if (nativeStray.length) {
    errors.push(
      new InputError(
        `${nativeStray.map(label).join(', ')} ${nativeStray.length === 1 ? 'is' : 'are'} set but ${label('strategy')} is ${strategy}, which ignores ${nativeStray.length === 1 ? 'it' : 'them'}`,
        {},
        "set strategy: ecs-native to deploy with ECS's own blue/green, linear or canary deployments, or remove them"
      )
    );
  }
  if (strategy === 'ecs-native') {
    // The smoke test is gated at every pause of a native deployment too.
    const stray = BLUE_GREEN_ONLY.filter((name) => !name.startsWith('smoke-test') && given(inputs.source, name) !== undefined);
    for (const [name, set] of ROLLING_ONLY) {
      const v = inputs.string(name);
      if (v !== undefined && set(v) && name !== 'ecs-alarm-rollback') stray.push(name as (typeof BLUE_GREEN_ONLY)[number]);
    }
    if (stray.length) {
      errors.push(
        new InputError(
          `${stray.map(label).join(', ')} ${stray.length === 1 ? 'is' : 'are'} set but ${label('strategy')} is ecs-native, which does not use ${stray.length === 1 ? 'it' : 'them'}`,
          {},
          `ecs-native deploys ${label('service')} with ECS's own strategy (${label('ecs-strategy')}, ${label('ecs-bake-time')}, the linear and canary inputs): remove them, or choose the strategy they belong to`
        )
      );
    }
    return errors;
  }
  if (strategy === 'rolling') {
    const stray = BLUE_GREEN_ONLY.filter((name) => given(inputs.source, name) !== undefined);
    if (stray.length === 0) return errors;
    return [
      ...errors,
      new InputError(
        `${stray.map(label).join(', ')} ${stray.length === 1 ? 'is' : 'are'} set but ${label('strategy')} is rolling, which ignores ${stray.length === 1 ? 'it' : 'them'}`,
        {},
        'set strategy: blue-green to deploy blue/green, or remove them'
      )
    ];
  }
  if (inputs.string('service') !== undefined) {
    errors.push(
      new InputError(
        `${label('service')} is set but ${label('strategy')} is blue-green, which does not use it`,
        {},
        `blue/green deploys ${label('blue-service')} and ${label('green-service')} with ${label('blue-target-group')}, ${label('green-target-group')} and ${label('listener-arn')} (or ${label('listener-rule-arn')}): remove ${label('service')}, or use strategy: rolling`
      )
    );
  }
  for (const [name, set] of ROLLING_ONLY) {
    const v = inputs.string(name);
    if (v !== undefined && set(v)) {
      errors.push(
        new InputError(
          `${label(name)} is "${v}" but only rolling deployments use it`,
          {},
          `remove ${label(name)}, or use strategy: rolling`
        )
      );
    }
  }
  return errors;
}

export function readSettings(inputs: Inputs, env: Record<string, string | undefined>): Settings {
  // Read every group even when a later one fails, so the user sees all problems at once.
  const problems = new InputProblems();
  const read = <T>(fn: () => T): T | undefined => problems.read<T | undefined>(fn, undefined);
  const render = read(() => readRenderSettings(inputs, env));
  // A render step written for the official render action (only its inputs set, with the container-name and image
  // that action requires) renders only, as that action does.
  const renderOnlyStep =
    inputs.string('register') === undefined &&
    inputs.string('service') === undefined &&
    inputs.string('container-name') !== undefined &&
    inputs.string('image') !== undefined &&
    writtenForOfficial(
      (name) => given(inputs.source, name) !== undefined,
      INPUTS.map((i) => i.name)
    ) &&
    !['run-task', 'blue-service', 'task-definition-arn'].some((name) => given(inputs.source, name) !== undefined);
  const register = read(() => inputs.bool('register', !renderOnlyStep));
  const deploy = read(() => readDeploySettings(inputs));
  // An unknown strategy is reported by readDeploySettings; the checks below need a known one.
  const strategy = STRATEGIES.find((st) => st === (inputs.string('strategy') ?? 'rolling'));
  if (strategy !== undefined) strategyMismatch(inputs, strategy).forEach((e) => problems.add(e));
  // Official inputs ecs-rollout cannot honour yet fail here, before any AWS call, never silently ignored.
  for (const [name, why] of refusedInputs()) {
    if (inputs.string(name) !== undefined) problems.add(new InputError(`${inputs.label(name)} is set`, {}, why));
  }
  const blueGreen = strategy === 'blue-green' ? read(() => readBlueGreenSettings(inputs)) : undefined;
  const native = strategy === 'ecs-native' ? read(() => readNativeSettings(inputs)) : undefined;
  // Read whatever the strategy: the official action takes them for a CODE_DEPLOY service without being told.
  const codeDeploy = read(() => readCodeDeploySettings(inputs, env));
  const gates = read(() => readGateSettings(inputs));
  const safety = read(() => readSafetySettings(inputs, deploy ?? { timeoutMs: 30 * 60_000, pollIntervalMs: 5_000 }));
  problems.throwIfAny();

  if (deploy!.strategy === 'ecs-native' && !deploy!.service) {
    throw new InputError(
      `${inputs.label('strategy')} is ecs-native but no service is given`,
      {},
      `set ${inputs.label('service')} to the service whose ECS-native deployment to gate`
    );
  }
  const deploying = deploy!.strategy === 'blue-green' || Boolean(deploy!.service);
  if (deploying && !register) {
    throw new InputError(
      `${inputs.label('register')} is false but a service is given`,
      {},
      'a deployment needs a registered revision: remove register: false, or pass task-definition-arn to deploy an existing revision'
    );
  }
  const mode: Mode = deploying ? 'deploy' : deploy!.runTask ? 'run-task' : register ? 'register' : 'render';
  return {
    mode,
    render: render!,
    deploy: deploy!,
    ...(blueGreen ? { blueGreen } : {}),
    ...(native ? { native } : {}),
    codeDeploy: codeDeploy!,
    gates: gates!,
    safety: safety!
  };
}
