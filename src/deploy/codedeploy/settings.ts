/** The official deploy action's CodeDeploy inputs, read and validated once into typed settings before anything changes. */
import { isAbsolute, resolve } from 'node:path';
import { InputError, InputProblems } from '../../errors.js';
import type { Inputs } from '../../inputs.js';

/** The inputs only a CodeDeploy deployment reads: given for a service on another controller they would be ignored. */
export const CODEDEPLOY_ONLY = [
  'codedeploy-appspec',
  'codedeploy-application',
  'codedeploy-deployment-group',
  'codedeploy-deployment-description',
  'codedeploy-deployment-config'
] as const;

/** The official action's default AppSpec path, relative to the workspace. */
export const DEFAULT_APPSPEC = 'appspec.yaml';

export interface CodeDeploySettings {
  appspec: {
    /** As given (or the default), for messages. */
    path: string;
    /** Absolute: relative paths are taken from the workspace, as the official action does. */
    resolved: string;
    /** false: the default path; a missing default file means "write the AppSpec from the service". */
    given: boolean;
  };
  /** Undefined: AppECS-{cluster}-{service}. */
  application?: string;
  /** Undefined: DgpECS-{cluster}-{service}. */
  deploymentGroup?: string;
  /** At most 512 characters (truncated as the official action does). */
  description?: string;
  /** Undefined: the deployment group's own configuration. */
  deploymentConfig?: string;
}

/** CodeDeploy's limit for application, deployment group and deployment configuration names. */
const MAX_NAME = 100;
/** CodeDeploy's limit for a deployment's description. */
export const MAX_DESCRIPTION = 512;

export function readCodeDeploySettings(inputs: Inputs, env: Record<string, string | undefined>): CodeDeploySettings {
  const problems = new InputProblems();
  const given = inputs.string('codedeploy-appspec');
  const path = given ?? DEFAULT_APPSPEC;
  const workspace = env['GITHUB_WORKSPACE'] || process.cwd();
  const out: CodeDeploySettings = {
    appspec: { path, resolved: isAbsolute(path) ? path : resolve(workspace, path), given: given !== undefined }
  };
  const name = (input: string, what: string): string | undefined =>
    problems.read(() => {
      const v = inputs.string(input);
      if (v === undefined) return undefined;
      if (v.length > MAX_NAME)
        throw new InputError(
          `${inputs.label(input)} has ${v.length} characters`,
          {},
          `CodeDeploy ${what} names have at most ${MAX_NAME} characters`
        );
      return v;
    }, undefined);
  const application = name('codedeploy-application', 'application');
  if (application) out.application = application;
  const group = name('codedeploy-deployment-group', 'deployment group');
  if (group) out.deploymentGroup = group;
  const config = name('codedeploy-deployment-config', 'deployment configuration');
  if (config) out.deploymentConfig = config;
  const description = inputs.string('codedeploy-deployment-description');
  if (description !== undefined) out.description = truncateDescription(description);
  problems.throwIfAny();
  return out;
}

/** The official action keeps 511 characters and adds an ellipsis when a description is longer than CodeDeploy takes. */
export function truncateDescription(text: string): string {
  return text.length <= MAX_DESCRIPTION ? text : `${text.slice(0, MAX_DESCRIPTION - 1)}…`;
}

/** The last part of a name or ARN: `prod` from `arn:aws:ecs:…:cluster/prod`. */
function nameOf(nameOrArn: string): string {
  return nameOrArn.split('/').pop() ?? nameOrArn;
}

/** The application and deployment group, with the official action's defaults (the names the ECS console gives them). */
export function codeDeployNames(
  settings: Pick<CodeDeploySettings, 'application' | 'deploymentGroup'>,
  cluster: string,
  service: string
): { application: string; group: string } {
  const c = nameOf(cluster);
  const s = nameOf(service);
  return { application: settings.application ?? `AppECS-${c}-${s}`, group: settings.deploymentGroup ?? `DgpECS-${c}-${s}` };
}

/** Whether any CodeDeploy input was given (for refusing them with a service on another controller). */
export function codeDeployInputsGiven(inputs: Inputs): string[] {
  return CODEDEPLOY_ONLY.filter((n) => inputs.string(n) !== undefined);
}
