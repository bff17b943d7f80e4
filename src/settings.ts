import { InputError, InputProblems } from './errors.js';
import type { Inputs } from './inputs.js';
import { readRenderSettings, type RenderSettings } from './render/settings.js';
import { readDeploySettings, type DeploySettings } from './deploy/settings.js';
import { readBlueGreenSettings, type BlueGreenSettings } from './deploy/blue-green-settings.js';
import { readGateSettings, type GateSettings } from './gates/settings.js';

/** What a run does, decided once from the inputs. */
export type Mode = 'render' | 'register' | 'deploy';

/** Every input, read once and validated before anything else happens. */
export interface Settings {
  mode: Mode;
  render: RenderSettings;
  deploy: DeploySettings;
  /** Present when strategy is blue-green. */
  blueGreen?: BlueGreenSettings;
  gates: GateSettings;
}

export function readSettings(inputs: Inputs, env: Record<string, string | undefined>): Settings {
  // Read every group even when a later one fails, so the user sees all problems at once.
  const problems = new InputProblems();
  const read = <T>(fn: () => T): T | undefined => problems.read<T | undefined>(fn, undefined);
  const render = read(() => readRenderSettings(inputs, env));
  const register = read(() => inputs.bool('register', true));
  const deploy = read(() => readDeploySettings(inputs));
  const blueGreen = deploy?.strategy === 'blue-green' ? read(() => readBlueGreenSettings(inputs)) : undefined;
  const gates = read(() => readGateSettings(inputs));
  problems.throwIfAny();

  const deploying = deploy!.strategy === 'blue-green' || Boolean(deploy!.service);
  if (deploying && !register) {
    throw new InputError(
      `${inputs.label('register')} is false but a service is given`,
      {},
      'a deployment needs a registered revision: remove register: false, or pass task-definition-arn to deploy an existing revision'
    );
  }
  const mode: Mode = deploying ? 'deploy' : register ? 'register' : 'render';
  return { mode, render: render!, deploy: deploy!, ...(blueGreen ? { blueGreen } : {}), gates: gates! };
}
