/**
 * Task definitions: register (validated the way ECS validates, answering ClientException),
 * describe by ARN / family:revision / family, list, deregister. Registered containers are
 * filled with the defaults ECS adds (cpu 0, essential true, empty lists, tcp ports), so a
 * describe → register round trip sees what it would see on AWS.
 */
import { ApiError, type Handler } from '../types.js';
import { includes, tagsFrom, type EcsState, type TaskDefinition } from './model.js';

const FAMILY = /^[A-Za-z0-9_-]{1,255}$/;

/** Fargate's CPU units → allowed memory (MiB). */
const FARGATE: Record<number, number[]> = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192)
};

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

function clientError(message: string): ApiError {
  return new ApiError('ClientException', message);
}

/** "1 vCPU" / "0.25 vcpu" / "1024" → CPU units; "2 GB" / "512" → MiB. ECS stores the numeric form. */
function units(value: unknown, kind: 'cpu' | 'memory'): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const s = String(value).trim();
  const m = /^(\d+(?:\.\d+)?)\s*(vcpu|gb)?$/i.exec(s);
  if (!m) throw clientError(`Invalid 'cpu' or 'memory' value: ${s}.`);
  const n = Number(m[1]);
  if (!m[2]) return n;
  const unit = m[2].toLowerCase();
  if (kind === 'cpu' && unit === 'vcpu') return Math.round(n * 1024);
  if (kind === 'memory' && unit === 'gb') return Math.round(n * 1024);
  throw clientError(`Invalid '${kind}' value: ${s}.`);
}

function validateContainers(input: Record<string, any>, networkMode: string, taskMemory: number | undefined): Record<string, any>[] {
  const defs: unknown = input.containerDefinitions;
  if (!Array.isArray(defs) || defs.length === 0) throw clientError('Container list cannot be empty.');
  const names = new Set<string>();
  const out = defs.map((raw: Record<string, any>) => {
    if (!raw || typeof raw !== 'object') throw clientError('Container definitions must be objects.');
    if (typeof raw.name !== 'string' || raw.name.trim() === '') throw clientError('Container.name should not be null or empty.');
    if (typeof raw.image !== 'string' || raw.image.trim() === '') throw clientError('Container.image should not be null or empty.');
    if (names.has(raw.name))
      throw clientError(`Duplicate container name '${raw.name}' found. Container names must be unique within a task definition.`);
    names.add(raw.name);
    if (taskMemory === undefined && raw.memory === undefined && raw.memoryReservation === undefined) {
      throw clientError(`Invalid setting for container '${raw.name}'. At least one of 'memory' or 'memoryReservation' must be specified.`);
    }
    const portMappings = (Array.isArray(raw.portMappings) ? raw.portMappings : []).map((p: Record<string, any>) => {
      const containerPort = p?.containerPort;
      if (!Number.isInteger(containerPort) || containerPort < 0 || containerPort > 65535) {
        throw clientError(`Invalid containerPort for container '${raw.name}': ${String(containerPort)}.`);
      }
      if (networkMode === 'awsvpc' && p.hostPort !== undefined && p.hostPort !== containerPort) {
        throw clientError('When networkMode=awsvpc, the host ports and container ports in port mappings must match.');
      }
      const hostPort = networkMode === 'awsvpc' || networkMode === 'host' ? containerPort : p.hostPort;
      return { ...p, containerPort, ...(hostPort !== undefined ? { hostPort } : {}), protocol: p.protocol ?? 'tcp' };
    });
    return {
      ...raw,
      cpu: raw.cpu ?? 0,
      portMappings,
      essential: raw.essential ?? true,
      environment: raw.environment ?? [],
      mountPoints: raw.mountPoints ?? [],
      volumesFrom: raw.volumesFrom ?? [],
      systemControls: raw.systemControls ?? []
    };
  });
  if (!out.some((c) => c.essential)) throw clientError('A task definition must have at least one essential container.');
  return out;
}

export function registerTaskDefinition(state: EcsState, input: Record<string, any>): TaskDefinition {
  const family = input.family;
  if (typeof family !== 'string' || family === '') throw clientError('Family must not be null or empty.');
  if (!FAMILY.test(family))
    throw clientError(
      'Family contains invalid characters. Up to 255 letters (uppercase and lowercase), numbers, hyphens and underscores are allowed.'
    );
  const requires: string[] = Array.isArray(input.requiresCompatibilities) ? input.requiresCompatibilities.map(String) : [];
  const fargate = requires.includes('FARGATE');
  const networkMode: string = input.networkMode ?? (fargate ? '' : 'bridge');
  const cpu = units(input.cpu, 'cpu');
  const memory = units(input.memory, 'memory');
  if (fargate) {
    if (networkMode !== 'awsvpc') throw clientError("Fargate only supports network mode 'awsvpc'.");
    if (cpu === undefined) throw clientError("Fargate requires that 'cpu' be defined at the task level.");
    if (memory === undefined) throw clientError("Fargate requires that 'memory' be defined at the task level.");
    if (!FARGATE[cpu]?.includes(memory))
      throw clientError(
        `No Fargate configuration exists for given values: ${cpu} CPU, ${memory} memory. See the Amazon ECS documentation for the valid values.`
      );
  }
  if (!['bridge', 'host', 'awsvpc', 'none'].includes(networkMode)) throw clientError(`Invalid networkMode: ${networkMode}.`);
  const containerDefinitions = validateContainers(input, networkMode, memory);
  const tags = tagsFrom(input.tags);

  const revisions = state.families.get(family) ?? [];
  state.families.set(family, revisions);
  const revision = revisions.length + 1;
  const compatibilities = ['EC2', ...(networkMode === 'awsvpc' ? ['FARGATE'] : [])];
  const body: Record<string, any> = {
    containerDefinitions,
    family,
    ...(input.taskRoleArn ? { taskRoleArn: input.taskRoleArn } : {}),
    ...(input.executionRoleArn ? { executionRoleArn: input.executionRoleArn } : {}),
    networkMode,
    volumes: input.volumes ?? [],
    requiresAttributes: [
      { name: 'com.amazonaws.ecs.capability.docker-remote-api.1.18' },
      ...(networkMode === 'awsvpc' ? [{ name: 'ecs.capability.task-eni' }] : [])
    ],
    placementConstraints: input.placementConstraints ?? [],
    compatibilities,
    requiresCompatibilities: requires,
    ...(cpu !== undefined ? { cpu: String(cpu) } : {}),
    ...(memory !== undefined ? { memory: String(memory) } : {}),
    ...(input.pidMode ? { pidMode: input.pidMode } : {}),
    ...(input.ipcMode ? { ipcMode: input.ipcMode } : {}),
    ...(input.proxyConfiguration ? { proxyConfiguration: input.proxyConfiguration } : {}),
    ...(input.inferenceAccelerators ? { inferenceAccelerators: input.inferenceAccelerators } : {}),
    ...(input.ephemeralStorage ? { ephemeralStorage: input.ephemeralStorage } : {}),
    ...(input.runtimePlatform ? { runtimePlatform: input.runtimePlatform } : {}),
    ...(input.enableFaultInjection !== undefined ? { enableFaultInjection: input.enableFaultInjection } : {}),
    registeredBy: `arn:aws:iam::${state.deps.accountId}:root`
  };
  const td: TaskDefinition = {
    arn: state.arn(`task-definition/${family}:${revision}`),
    family,
    revision,
    status: 'ACTIVE',
    registeredAt: state.now(),
    body,
    tags
  };
  revisions.push(td);
  return td;
}

export function taskDefinitionShape(td: TaskDefinition): Record<string, unknown> {
  return {
    taskDefinitionArn: td.arn,
    ...td.body,
    revision: td.revision,
    status: td.status,
    registeredAt: new Date(td.registeredAt),
    ...(td.deregisteredAt !== undefined ? { deregisteredAt: new Date(td.deregisteredAt) } : {})
  };
}

export function requireTaskDefinition(state: EcsState, ref: unknown): TaskDefinition {
  const td = state.findTaskDefinition(ref);
  if (!td) throw clientError('Unable to describe task definition.');
  return td;
}

function pageOf<T>(items: T[], input: Record<string, any>, max = 100): { page: T[]; nextToken?: string } {
  const size = input.maxResults === undefined ? max : Number(input.maxResults);
  if (!Number.isInteger(size) || size < 1 || size > max)
    throw new ApiError('InvalidParameterException', `maxResults must be between 1 and ${max}.`);
  const start = input.nextToken ? Number(Buffer.from(String(input.nextToken), 'base64').toString('utf8')) : 0;
  if (!Number.isInteger(start) || start < 0) throw new ApiError('InvalidParameterException', 'Invalid nextToken.');
  const page = items.slice(start, start + size);
  const next = start + size < items.length ? Buffer.from(String(start + size), 'utf8').toString('base64') : undefined;
  return { page, nextToken: next };
}

export { pageOf };

export function taskDefinitionHandlers(regional: (region: string) => EcsState): Record<string, Handler> {
  return {
    RegisterTaskDefinition: (input, ctx) => {
      const td = registerTaskDefinition(regional(ctx.region), input);
      return { taskDefinition: taskDefinitionShape(td), tags: td.tags };
    },
    DescribeTaskDefinition: (input, ctx) => {
      const td = requireTaskDefinition(regional(ctx.region), input.taskDefinition);
      return { taskDefinition: taskDefinitionShape(td), ...(includes(input, 'TAGS') ? { tags: td.tags } : {}) };
    },
    ListTaskDefinitions: (input, ctx) => {
      const status = input.status ?? 'ACTIVE';
      const desc = input.sort === 'DESC';
      // Despite its name, ListTaskDefinitions' familyPrefix is "the full family name" (botocore's model):
      // `web` lists web's revisions, never web-worker's. ListTaskDefinitionFamilies' familyPrefix is a prefix.
      const all = [...regional(ctx.region).families.entries()]
        .filter(([family]) => !input.familyPrefix || family === String(input.familyPrefix))
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .flatMap(([, revs]) => revs.filter((t) => t.status === status).map((t) => t.arn));
      if (desc) all.reverse();
      const { page, nextToken } = pageOf(all, input);
      return { taskDefinitionArns: page, nextToken };
    },
    ListTaskDefinitionFamilies: (input, ctx) => {
      const status = input.status ?? 'ACTIVE';
      const all = [...regional(ctx.region).families.entries()]
        .filter(([family]) => !input.familyPrefix || family.startsWith(String(input.familyPrefix)))
        .filter(([, revs]) => status === 'ALL' || revs.some((t) => t.status === status))
        .map(([family]) => family)
        .sort();
      const { page, nextToken } = pageOf(all, input);
      return { families: page, nextToken };
    },
    DeregisterTaskDefinition: (input, ctx) => {
      const ref = String(input.taskDefinition ?? '');
      if (!/:\d+$/.test(ref)) throw clientError('The specified task definition must include a revision (family:revision or a full ARN).');
      const td = requireTaskDefinition(regional(ctx.region), ref);
      if (td.status === 'ACTIVE') {
        td.status = 'INACTIVE';
        td.deregisteredAt = regional(ctx.region).now();
      }
      return { taskDefinition: taskDefinitionShape(td) };
    }
  };
}
