/**
 * The AppSpec of an ECS deployment (revision type AppSpecContent): parsed (JSON or YAML, keys
 * matched case-insensitively as the official deploy action writes them back), checked, and turned
 * into what CodeDeploy asks ECS for: the replacement task set's task definition, container and
 * port, network configuration and platform version. Errors answer InvalidRevisionException.
 */
import { createHash } from 'node:crypto';
import { parse } from 'yaml';
import { ApiError } from '../types.js';

export const HOOK_EVENTS = ['BeforeInstall', 'AfterInstall', 'AfterAllowTestTraffic', 'BeforeAllowTraffic', 'AfterAllowTraffic'];

export interface EcsAppSpec {
  taskDefinition: string;
  containerName: string;
  containerPort: number;
  platformVersion?: string;
  /** In ECS's shape (awsvpcConfiguration {subnets, securityGroups, assignPublicIp}). */
  networkConfiguration?: Record<string, unknown>;
  capacityProviderStrategy?: Record<string, unknown>[];
  /** Lambda function ARNs by lifecycle event. */
  hooks: { event: string; functionArn: string }[];
}

function invalid(message: string): ApiError {
  return new ApiError('InvalidRevisionException', message);
}

function key(obj: Record<string, unknown>, name: string): unknown {
  const k = Object.keys(obj).find((x) => x.toLowerCase() === name.toLowerCase());
  return k === undefined ? undefined : obj[k];
}

function isObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

export function sha256(content: string): string {
  return createHash('sha256').update(content).digest('hex');
}

export function parseAppSpec(content: unknown): EcsAppSpec {
  if (typeof content !== 'string' || content.trim() === '')
    throw invalid('The AppSpec content (revision.appSpecContent.content) is empty.');
  let doc: unknown;
  try {
    doc = parse(content, { maxAliasCount: 50 });
  } catch (error) {
    throw invalid(`The AppSpec content is neither JSON nor YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  if (!isObject(doc)) throw invalid('The AppSpec content must be an object with version, Resources and (optionally) Hooks.');
  const version = key(doc, 'version');
  if (version !== undefined && String(version) !== '0' && String(version) !== '0.0')
    throw invalid(`AppSpec version must be 0.0, got ${String(version)}.`);
  const resources = key(doc, 'Resources');
  if (!Array.isArray(resources) || resources.length !== 1)
    throw invalid('AppSpec Resources must list exactly one resource (the ECS service, e.g. TargetService) for an ECS deployment.');
  const entry = resources[0];
  if (!isObject(entry) || Object.keys(entry).length !== 1)
    throw invalid('AppSpec Resources[0] must be one named resource, e.g. TargetService: {Type, Properties}.');
  const [name, resource] = Object.entries(entry)[0];
  if (!isObject(resource)) throw invalid(`AppSpec Resources[0].${name} must be an object with Type and Properties.`);
  const type = key(resource, 'Type');
  if (type !== 'AWS::ECS::Service')
    throw invalid(`AppSpec Resources[0].${name}.Type must be AWS::ECS::Service, got ${JSON.stringify(type)}.`);
  const props = key(resource, 'Properties');
  if (!isObject(props)) throw invalid(`AppSpec Resources[0].${name}.Properties is missing.`);
  const taskDefinition = key(props, 'TaskDefinition');
  if (typeof taskDefinition !== 'string' || taskDefinition === '')
    throw invalid(`AppSpec Resources[0].${name}.Properties.TaskDefinition must be a task definition ARN.`);
  const lbi = key(props, 'LoadBalancerInfo');
  if (!isObject(lbi))
    throw invalid(
      `AppSpec Resources[0].${name}.Properties.LoadBalancerInfo (ContainerName, ContainerPort) is required for a deployment with traffic control.`
    );
  const containerName = key(lbi, 'ContainerName');
  const containerPort = Number(key(lbi, 'ContainerPort'));
  if (typeof containerName !== 'string' || containerName === '')
    throw invalid(`AppSpec Resources[0].${name}.Properties.LoadBalancerInfo.ContainerName is required.`);
  if (!Number.isInteger(containerPort) || containerPort < 1 || containerPort > 65535)
    throw invalid(`AppSpec Resources[0].${name}.Properties.LoadBalancerInfo.ContainerPort must be a port number.`);
  const out: EcsAppSpec = { taskDefinition, containerName, containerPort, hooks: [] };
  const pv = key(props, 'PlatformVersion');
  if (pv !== undefined) out.platformVersion = String(pv);
  const net = key(props, 'NetworkConfiguration');
  if (net !== undefined) {
    const vpc = isObject(net) ? key(net, 'AwsvpcConfiguration') : undefined;
    if (!isObject(vpc)) throw invalid(`AppSpec Resources[0].${name}.Properties.NetworkConfiguration must hold AwsvpcConfiguration.`);
    const subnets = key(vpc, 'Subnets');
    if (!Array.isArray(subnets) || subnets.length === 0)
      throw invalid(`AppSpec ...NetworkConfiguration.AwsvpcConfiguration.Subnets must list at least one subnet.`);
    const groups = key(vpc, 'SecurityGroups');
    const assign = key(vpc, 'AssignPublicIp');
    out.networkConfiguration = {
      awsvpcConfiguration: {
        subnets: subnets.map(String),
        ...(Array.isArray(groups) ? { securityGroups: groups.map(String) } : {}),
        ...(assign !== undefined ? { assignPublicIp: String(assign) } : {})
      }
    };
  }
  const cps = key(props, 'CapacityProviderStrategy');
  if (Array.isArray(cps)) {
    out.capacityProviderStrategy = cps.map((c) =>
      isObject(c) ? { capacityProvider: key(c, 'CapacityProvider'), base: key(c, 'Base'), weight: key(c, 'Weight') } : {}
    );
  }
  const hooks = key(doc, 'Hooks');
  if (hooks !== undefined && hooks !== null) {
    if (!Array.isArray(hooks)) throw invalid('AppSpec Hooks must be a list of {<lifecycle event>: <Lambda function ARN>}.');
    for (const h of hooks) {
      if (!isObject(h) || Object.keys(h).length !== 1)
        throw invalid('Each AppSpec Hooks entry must be one {<lifecycle event>: <Lambda function ARN>}.');
      const [event, fn] = Object.entries(h)[0];
      if (!HOOK_EVENTS.includes(event)) throw invalid(`AppSpec Hooks: ${event} is not an ECS lifecycle event (${HOOK_EVENTS.join(', ')}).`);
      if (typeof fn !== 'string' || fn === '') throw invalid(`AppSpec Hooks: ${event} must name a Lambda function.`);
      out.hooks.push({ event, functionArn: fn });
    }
  }
  return out;
}
