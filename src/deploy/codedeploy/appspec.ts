/**
 * Pure: the AppSpec of a CodeDeploy ECS deployment, as the official deploy action builds it:
 * the user's file (JSON or YAML, keys matched case-insensitively) with every resource's
 * TaskDefinition replaced by the new revision, sent as JSON with its sha256. When the default
 * appspec.yaml does not exist, the AppSpec is written from the service's load balancer.
 */
import { createHash } from 'node:crypto';
import { parseDocument } from 'yaml';
import { InputError } from '../../errors.js';

export type AppSpec = Record<string, unknown>;

/** What CodeDeploy reroutes traffic to: the container and port registered in the target groups. */
export interface AppSpecTarget {
  containerName: string;
  containerPort: number;
}

const FIX =
  'see https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-resources.html#reference-appspec-file-structure-resources-ecs';

function isObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

/** The key of `obj` that matches `name` case-insensitively, as the official action matches them. */
export function findKey(obj: Record<string, unknown>, name: string): string | undefined {
  const want = name.toLowerCase();
  return Object.keys(obj).find((k) => k.toLowerCase() === want);
}

/**
 * Parses and checks an AppSpec: `Resources` is a list of named resources, each with
 * `Properties.TaskDefinition` (its value is replaced, so any placeholder will do). Aliases are
 * refused: an AppSpec needs none, and expanding them is how a small file becomes gigabytes.
 */
export function parseAppSpec(text: string, file: string): AppSpec {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  const problem = doc.errors[0];
  if (problem) throw new InputError(`is neither JSON nor YAML: ${problem.message.split('\n')[0]}`, { file }, FIX);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 0 });
  } catch (error) {
    const alias = error instanceof Error && /alias/i.test(error.message);
    throw new InputError(
      alias ? 'uses YAML aliases (*name)' : `cannot be read: ${error instanceof Error ? error.message : String(error)}`,
      { file },
      alias ? 'write the values out in full' : FIX
    );
  }
  if (!isObject(value)) throw new InputError('is not an AppSpec: it must be an object with version and Resources', { file }, FIX);
  const resourcesKey = findKey(value, 'resources');
  const resources = resourcesKey === undefined ? undefined : value[resourcesKey];
  if (!Array.isArray(resources) || resources.length === 0) {
    throw new InputError(
      'has no Resources list',
      { file, path: 'Resources' },
      `list the ECS service as Resources: [{TargetService: {Type: AWS::ECS::Service, Properties: {TaskDefinition, LoadBalancerInfo}}}] (${FIX})`
    );
  }
  resources.forEach((resource, i) => {
    if (!isObject(resource) || Object.keys(resource).length === 0) {
      throw new InputError(
        'is not a named resource',
        { file, path: `Resources[${i}]` },
        'write it as TargetService: {Type: AWS::ECS::Service, Properties: {…}}'
      );
    }
    for (const [name, body] of Object.entries(resource)) {
      const at = `Resources[${i}].${name}`;
      const propsKey = isObject(body) ? findKey(body, 'properties') : undefined;
      const props = propsKey === undefined || !isObject(body) ? undefined : body[propsKey];
      if (!isObject(props))
        throw new InputError('has no Properties', { file, path: at }, 'give Properties with TaskDefinition and LoadBalancerInfo');
      if (findKey(props, 'taskDefinition') === undefined) {
        throw new InputError(
          'has no TaskDefinition',
          { file, path: `${at}.Properties` },
          'add TaskDefinition: <any placeholder>; it is replaced by the revision being deployed'
        );
      }
    }
  });
  return value;
}

/** The AppSpec with every resource's TaskDefinition set to the new revision (a copy; the input is left as it was). */
export function withTaskDefinition(spec: AppSpec, taskDefinitionArn: string): AppSpec {
  const copy = structuredClone(spec);
  const resourcesKey = findKey(copy, 'resources');
  const resources = resourcesKey === undefined ? [] : copy[resourcesKey];
  for (const resource of Array.isArray(resources) ? resources : []) {
    if (!isObject(resource)) continue;
    for (const body of Object.values(resource)) {
      if (!isObject(body)) continue;
      const propsKey = findKey(body, 'properties');
      const props = propsKey === undefined ? undefined : body[propsKey];
      if (!isObject(props)) continue;
      props[findKey(props, 'taskDefinition') ?? 'TaskDefinition'] = taskDefinitionArn;
    }
  }
  return copy;
}

/** The AppSpec ecs-rollout writes when there is no appspec.yaml: the service's container and port, nothing else. */
export function defaultAppSpec(taskDefinitionArn: string, target: AppSpecTarget): AppSpec {
  return {
    version: 0.0,
    Resources: [
      {
        TargetService: {
          Type: 'AWS::ECS::Service',
          Properties: {
            TaskDefinition: taskDefinitionArn,
            LoadBalancerInfo: { ContainerName: target.containerName, ContainerPort: target.containerPort }
          }
        }
      }
    ]
  };
}

/** What CreateDeployment receives: the AppSpec as JSON and the sha256 of exactly that text. */
export function appSpecContent(spec: AppSpec): { content: string; sha256: string } {
  const content = JSON.stringify(spec);
  return { content, sha256: createHash('sha256').update(content).digest('hex') };
}

/** The container and port of the first resource's LoadBalancerInfo, when the AppSpec gives them. */
export function appSpecTarget(spec: AppSpec): Partial<AppSpecTarget> {
  const resourcesKey = findKey(spec, 'resources');
  const resources = resourcesKey === undefined ? undefined : spec[resourcesKey];
  const first = Array.isArray(resources) && isObject(resources[0]) ? Object.values(resources[0])[0] : undefined;
  if (!isObject(first)) return {};
  const propsKey = findKey(first, 'properties');
  const props = propsKey === undefined ? undefined : first[propsKey];
  if (!isObject(props)) return {};
  const lbKey = findKey(props, 'loadBalancerInfo');
  const lb = lbKey === undefined ? undefined : props[lbKey];
  if (!isObject(lb)) return {};
  const nameKey = findKey(lb, 'containerName');
  const portKey = findKey(lb, 'containerPort');
  const name = nameKey === undefined ? undefined : lb[nameKey];
  const port = portKey === undefined ? undefined : Number(lb[portKey]);
  return {
    ...(typeof name === 'string' ? { containerName: name } : {}),
    ...(port !== undefined && Number.isInteger(port) ? { containerPort: port } : {})
  };
}
