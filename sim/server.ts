/**
 * The local ECS's HTTP front: detects the protocol of each request (ECS awsJson1_1,
 * CloudWatch awsJson1_0 with query compatibility, ELBv2 awsQuery), records the call,
 * applies injected faults, ticks the world and dispatches to the service's model.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleAdmin } from './admin.js';
import { Faults, type BucketSettings, type FaultKind, type FaultRule, type StoredFault } from './faults.js';
import { encodeJson, parseJsonBody } from './protocols/json.js';
import { encodeQueryError, encodeQueryResponse, parseQueryBody } from './protocols/query.js';
import { seedScenario, type Scenario } from './seed.js';
import { ApiError, type RequestContext, type ServiceName } from './types.js';
import { createEcs } from './ecs/index.js';
import { dynamoDbErrorType, dynamoDbFault } from './dynamodb/index.js';
import type { TrafficReport } from './elbv2/index.js';
import { ECS_UNAVAILABLE, World } from './world.js';

export type { Scenario } from './seed.js';
export type { TrafficReport } from './elbv2/index.js';

export interface SimOptions {
  port?: number;
  timeScale?: number;
  /** Build the ready scenario (see seed.ts) before answering. */
  seed?: boolean;
  randomSeed?: number;
  /** CloudWatch's ingestion delay for ECS / ALB metrics (see WorldOptions); default 60–120 s, 0 for none. */
  cloudwatchDelayMs?: number | { min: number; max: number };
}

export interface CallRecord {
  service: ServiceName;
  operation: string;
  accessKeyId: string;
  region: string;
  /** Real time (epoch ms) the request arrived. */
  at: number;
  /** The error code answered, when the call failed (including injected faults); `ConnectionDropped` when the connection was reset instead. */
  error?: string;
  /** The injected fault that shaped this call, if any: the terminal one, else `ignore` or `latency`. `lost-answer`: the model applied the call, then the connection was reset. */
  fault?: FaultKind;
}

export interface CallFilter {
  service?: ServiceName;
  operation?: string;
  accessKeyId?: string;
}

export interface Sim {
  readonly url: string;
  readonly scenario?: Scenario;
  /** The models; replaced by reset(). */
  readonly world: World;
  readonly faults: Faults;
  close(): Promise<void>;
  /** Moves simulated time forward by `simMs` and brings every model up to date. */
  advance(simMs: number): void;
  setTimeScale(scale: number): void;
  /** Simulated now (epoch ms). */
  now(): number;
  /** Empties the world (and forgets the scenario, faults and call log). */
  reset(): void;
  seed(): Promise<Scenario>;
  state(): Record<string, unknown>;
  addFault(rule: FaultRule): StoredFault;
  removeFault(id: number): boolean;
  clearFaults(): void;
  /** The realistic ECS read throttle (token bucket, ~20/s, burst 50); undefined turns it off. */
  setEcsReadThrottle(settings: Partial<BucketSettings> | undefined): void;
  calls(filter?: CallFilter): CallRecord[];
  clearCalls(): void;
  /** Requests per target group so far (where traffic really went). */
  traffic(): TrafficReport;
  /** Synthetic requests per simulated second for a load balancer (name or ARN), on each of its listeners. */
  setRequestRate(loadBalancer: string, requestsPerSecond: number): void;
}

const ECS_TARGET = 'AmazonEC2ContainerServiceV20141113.';
const CW_TARGET = 'GraniteServiceVersion20100801.';
const DDB_TARGET = 'DynamoDB_20120810.';
const CODEDEPLOY_TARGET = 'CodeDeploy_20141006.';
const LOGS_TARGET = 'Logs_20140328.';
/** JSON 1.1 services that `ecs-rollout verify` reads, by target prefix. */
const VERIFY_TARGETS: [string, ServiceName][] = [
  ['AmazonEC2ContainerRegistry_V20150921.', 'ecr'],
  ['AmazonSSM.', 'ssm'],
  ['secretsmanager.', 'secretsmanager']
];
const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const ELB_NS = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';
const CW_NS = 'http://monitoring.amazonaws.com/doc/2010-08-01/';

/** CloudWatch's query error codes → the exception names of its JSON protocol (the SDK maps them back). */
const CW_EXCEPTIONS: Record<string, string> = {
  InvalidParameterValue: 'InvalidParameterValueException',
  InvalidParameterCombination: 'InvalidParameterCombinationException',
  MissingParameter: 'MissingRequiredParameterException',
  LimitExceeded: 'LimitExceededFault',
  InvalidFormat: 'InvalidFormatFault',
  InternalServiceError: 'InternalServiceFault',
  AccessDenied: 'AccessDeniedException',
  Throttling: 'ThrottlingException',
  ValidationError: 'ValidationException'
};

/** `ddb`: awsJson1_0 with DynamoDB's namespaced `__type` and no query-compatibility header. */
type Wire = 'json1.1' | 'json1.0' | 'ddb' | 'query';

interface Parsed {
  service: ServiceName;
  operation: string;
  wire: Wire;
  input: Record<string, any>;
  /** For CloudWatch over awsQuery (older clients). */
  queryNamespace?: string;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** `Credential=AKID/20260101/us-east-1/ecs/aws4_request` → the key id and the region. */
export function parseAuthorization(header: string | undefined): { accessKeyId: string; region?: string } {
  const m = /Credential=([^/,\s]+)\/\d{8}\/([^/,\s]+)\//.exec(header ?? '');
  return m ? { accessKeyId: m[1], region: m[2] } : { accessKeyId: 'anonymous' };
}

function parseRequest(req: IncomingMessage, body: string): Parsed | ApiError {
  const target = String(req.headers['x-amz-target'] ?? '');
  try {
    if (target.startsWith(ECS_TARGET))
      return { service: 'ecs', operation: target.slice(ECS_TARGET.length), wire: 'json1.1', input: parseJsonBody(body) };
    if (target.startsWith(CODEDEPLOY_TARGET))
      return { service: 'codedeploy', operation: target.slice(CODEDEPLOY_TARGET.length), wire: 'json1.1', input: parseJsonBody(body) };
    if (target.startsWith(LOGS_TARGET))
      return { service: 'logs', operation: target.slice(LOGS_TARGET.length), wire: 'json1.1', input: parseJsonBody(body) };
    for (const [prefix, service] of VERIFY_TARGETS) {
      if (target.startsWith(prefix))
        return { service, operation: target.slice(prefix.length), wire: 'json1.1', input: parseJsonBody(body) };
    }
    if (target.startsWith(DDB_TARGET))
      return { service: 'dynamodb', operation: target.slice(DDB_TARGET.length), wire: 'ddb', input: parseJsonBody(body) };
    if (target.startsWith(CW_TARGET))
      return { service: 'cloudwatch', operation: target.slice(CW_TARGET.length), wire: 'json1.0', input: parseJsonBody(body) };
  } catch (error) {
    return new ApiError(
      'SerializationException',
      `The request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`
    );
  }
  if (String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
    const q = parseQueryBody(body);
    if (!q.action) return new ApiError('MissingAction', 'The request must contain the parameter Action');
    if (q.version === '2010-08-01')
      return { service: 'cloudwatch', operation: q.action, wire: 'query', input: q.input, queryNamespace: CW_NS };
    if (q.version === '2010-05-08') return { service: 'iam', operation: q.action, wire: 'query', input: q.input, queryNamespace: IAM_NS };
    return { service: 'elbv2', operation: q.action, wire: 'query', input: q.input, queryNamespace: ELB_NS };
  }
  return new ApiError(
    'UnknownOperationException',
    `Cannot tell which service this request is for (x-amz-target '${target}', content-type '${req.headers['content-type'] ?? ''}')`
  );
}

function send(res: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

function sendError(res: ServerResponse, wire: Wire, error: ApiError, requestId: string, queryNamespace?: string): void {
  const headers = { 'x-amzn-requestid': requestId };
  if (wire === 'query') {
    const xml = encodeQueryError(error.code, error.message, error.status, requestId);
    send(res, error.status, 'text/xml', queryNamespace && queryNamespace !== ELB_NS ? xml.replace(ELB_NS, queryNamespace) : xml, headers);
  } else if (wire === 'ddb') {
    send(
      res,
      error.status,
      'application/x-amz-json-1.0',
      JSON.stringify({ __type: dynamoDbErrorType(error.code), message: error.message }),
      headers
    );
  } else if (wire === 'json1.0') {
    send(
      res,
      error.status,
      'application/x-amz-json-1.0',
      JSON.stringify({ __type: CW_EXCEPTIONS[error.code] ?? error.code, message: error.message }),
      {
        ...headers,
        'x-amzn-query-error': `${error.code};${error.status >= 500 ? 'Receiver' : 'Sender'}`
      }
    );
  } else {
    send(res, error.status, 'application/x-amz-json-1.1', JSON.stringify({ __type: error.code, message: error.message }), headers);
  }
}

/** The ARN a deny message names, from the request where it is obvious. */
function deniedResource(p: Parsed, world: World, region: string): string {
  const i = p.input;
  const acct = world.accountId;
  if (p.service === 'ecs') {
    const cluster = String(i.cluster ?? 'default')
      .split('/')
      .pop();
    if (i.service)
      return String(i.service).startsWith('arn:') ? String(i.service) : `arn:aws:ecs:${region}:${acct}:service/${cluster}/${i.service}`;
    if (i.taskDefinition && p.operation.includes('TaskDefinition'))
      return `arn:aws:ecs:${region}:${acct}:task-definition/${String(i.taskDefinition).split('/').pop()}`;
    if (i.cluster) return `arn:aws:ecs:${region}:${acct}:cluster/${cluster}`;
    return '*';
  }
  if (p.service === 'dynamodb') return i.TableName ? `arn:aws:dynamodb:${region}:${acct}:table/${i.TableName}` : '*';
  if (p.service === 'codedeploy') {
    if (i.applicationName && i.deploymentGroupName)
      return `arn:aws:codedeploy:${region}:${acct}:deploymentgroup:${i.applicationName}/${i.deploymentGroupName}`;
    return i.applicationName ? `arn:aws:codedeploy:${region}:${acct}:application:${i.applicationName}` : '*';
  }
  if (p.service === 'logs') return i.logGroupName ? `arn:aws:logs:${region}:${acct}:log-group:${i.logGroupName}` : '*';
  if (p.service === 'elbv2') return String(i.ListenerArn ?? i.RuleArn ?? i.TargetGroupArn ?? i.LoadBalancerArn ?? '*');
  return i.AlarmName ? `arn:aws:cloudwatch:${region}:${acct}:alarm:${i.AlarmName}` : '*';
}

const IAM_PREFIX: Record<ServiceName, string> = {
  ecs: 'ecs',
  elbv2: 'elasticloadbalancing',
  cloudwatch: 'cloudwatch',
  dynamodb: 'dynamodb',
  codedeploy: 'codedeploy',
  logs: 'logs',
  ecr: 'ecr',
  ssm: 'ssm',
  secretsmanager: 'secretsmanager',
  iam: 'iam'
};

/** Throttling and server-error codes of the services `verify` reads, from botocore's models. */
const VERIFY_FAULTS: Partial<Record<ServiceName, { throttle: string; error: string }>> = {
  ecr: { throttle: 'ThrottlingException', error: 'ServerException' },
  ssm: { throttle: 'ThrottlingException', error: 'InternalServerError' },
  secretsmanager: { throttle: 'ThrottlingException', error: 'InternalServiceError' },
  iam: { throttle: 'Throttling', error: 'ServiceFailure' }
};

function faultError(kind: string, p: Parsed, world: World, region: string, accessKeyId: string, role?: string): ApiError {
  const { service, operation } = p;
  if (service === 'dynamodb' && kind !== 'deny') return dynamoDbFault(kind, operation);
  const own = VERIFY_FAULTS[service];
  if (own && kind !== 'deny')
    return kind === 'throttle'
      ? new ApiError(own.throttle, 'Rate exceeded')
      : new ApiError(own.error, 'Internal failure. Please try again later.', 500);
  switch (kind) {
    case 'throttle':
      return new ApiError(
        service === 'ecs' || service === 'codedeploy' || service === 'logs' ? 'ThrottlingException' : 'Throttling',
        'Rate exceeded'
      );
    case 'deny': {
      const action = `${IAM_PREFIX[service]}:${operation}`;
      const message =
        `User: arn:aws:sts::${world.accountId}:assumed-role/${role ?? 'ecs-rollout-deployer'}/${accessKeyId} is not authorized to perform: ${action} ` +
        `on resource: ${deniedResource(p, world, region)} because no identity-based policy allows the ${action} action`;
      return service === 'ecs' ||
        service === 'dynamodb' ||
        service === 'codedeploy' ||
        service === 'logs' ||
        (VERIFY_FAULTS[service] && service !== 'iam')
        ? new ApiError('AccessDeniedException', message)
        : new ApiError('AccessDenied', message, 403);
    }
    default:
      if (service === 'ecs') return new ApiError('ServerException', 'Service Unavailable. Please try again later.', 500);
      if (service === 'logs') return new ApiError('ServiceUnavailableException', 'The service cannot complete the request.', 500);
      if (service === 'elbv2' || service === 'codedeploy')
        return new ApiError('InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', 500);
      return new ApiError('InternalServiceError', 'Internal service error.', 500);
  }
}

function unknownOperation(p: Parsed, world: World): ApiError {
  if (p.service === 'ecs' && !world.ecsAvailable) return new ApiError('ServerException', `${p.operation}: ${ECS_UNAVAILABLE}`, 500);
  const what = `The operation ${p.operation} is not implemented by the local ECS (service ${p.service})`;
  return p.wire === 'query' ? new ApiError('InvalidAction', `${what}.`) : new ApiError('UnknownOperationException', `${what}.`);
}

export async function startSim(opts: SimOptions = {}): Promise<Sim> {
  const makeWorld = (): World =>
    new World({ timeScale: opts.timeScale ?? 1, randomSeed: opts.randomSeed, createEcs, cloudwatchDelayMs: opts.cloudwatchDelayMs });
  let world = makeWorld();
  world.start();
  // Reads the current world's stream, so reset() (a new world) also restarts the fault rolls from the seed.
  const faults = new Faults(() => world.faultRandom());
  let log: CallRecord[] = [];
  let scenario: Scenario | undefined;

  const dispatch = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const requestId = randomUUID();
    const parsed = parseRequest(req, body);
    if (parsed instanceof ApiError) {
      sendError(res, req.headers['x-amz-target'] ? 'json1.1' : 'query', parsed, requestId);
      return;
    }
    const auth = parseAuthorization(req.headers.authorization);
    const region = auth.region ?? world.region;
    const record: CallRecord = {
      service: parsed.service,
      operation: parsed.operation,
      accessKeyId: auth.accessKeyId,
      region,
      at: Date.now()
    };
    log.push(record);
    const call = { service: parsed.service, operation: parsed.operation, accessKeyId: auth.accessKeyId };

    const decision = faults.decide(call);
    // Unref'd: a request held for minutes (a hung call) must not keep a test process alive after close().
    if (decision.latencyMs > 0) await new Promise((r) => setTimeout(r, decision.latencyMs).unref());
    const fault = decision.terminal;
    if (fault) record.fault = fault.kind;
    else if (decision.latencyMs > 0) record.fault = 'latency';
    const resetConnection = (): void => {
      record.error = 'ConnectionDropped';
      req.socket.destroy();
    };
    if (fault?.kind === 'drop') return resetConnection();
    const lostAnswer = fault?.kind === 'lost-answer';
    let output: unknown;
    try {
      if (fault && !lostAnswer)
        throw faultError(fault.kind, parsed, world, region, auth.accessKeyId, 'role' in fault ? fault.role : undefined);
      world.tick();
      const handler = world.model(parsed.service, region).handlers[parsed.operation];
      if (!handler) throw unknownOperation(parsed, world);
      const ctx: RequestContext = {
        ...call,
        region,
        takeFault: (kind) => {
          const hit = faults.take(kind, call);
          if (hit) record.fault ??= kind;
          return hit;
        }
      };
      output = await handler(parsed.input, ctx);
    } catch (error) {
      const apiError = error instanceof ApiError ? error : faultError('error', parsed, world, region, auth.accessKeyId);
      if (!(error instanceof ApiError)) {
        console.error(`local ECS: ${parsed.service}.${parsed.operation} failed:`, error);
      }
      if (lostAnswer) return resetConnection();
      record.error = apiError.code;
      sendError(res, parsed.wire, apiError, requestId, parsed.queryNamespace);
      return;
    }
    // The change is made; the caller only sees the connection reset.
    if (lostAnswer) return resetConnection();
    if (parsed.wire === 'query') {
      send(res, 200, 'text/xml', encodeQueryResponse(parsed.operation, parsed.queryNamespace ?? ELB_NS, output, requestId), {
        'x-amzn-requestid': requestId
      });
    } else {
      send(res, 200, parsed.wire === 'json1.1' ? 'application/x-amz-json-1.1' : 'application/x-amz-json-1.0', encodeJson(output), {
        'x-amzn-requestid': requestId
      });
    }
  };

  const sim: Sim = {
    url: '',
    get scenario() {
      return scenario;
    },
    get world() {
      return world;
    },
    faults,
    close: () =>
      new Promise<void>((resolve) => {
        world.stop();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    advance: (ms) => world.advance(ms),
    setTimeScale: (x) => world.clock.setTimeScale(x),
    now: () => world.clock.now(),
    reset: () => {
      const scale = world.clock.timeScale;
      world.stop();
      world = makeWorld();
      world.clock.setTimeScale(scale);
      world.start();
      faults.clear();
      log = [];
      scenario = undefined;
    },
    seed: async () => {
      if (scenario) return scenario;
      scenario = await seedScenario(world);
      return scenario;
    },
    state: () => ({
      ...world.snapshot(),
      scenario,
      faults: faults.list(),
      ecsReadThrottle: faults.ecsReadThrottle() ?? null,
      calls: log.length
    }),
    addFault: (rule) => faults.add(rule),
    removeFault: (id) => faults.remove(id),
    clearFaults: () => faults.clear(),
    setEcsReadThrottle: (s) => faults.setEcsReadThrottle(s),
    calls: (filter = {}) =>
      log.filter(
        (c) =>
          (!filter.service || c.service === filter.service) &&
          (!filter.operation || c.operation === filter.operation) &&
          (!filter.accessKeyId || c.accessKeyId === filter.accessKeyId)
      ),
    clearCalls: () => {
      log = [];
    },
    traffic: () => world.models().elbv2.traffic(),
    setRequestRate: (lb, rps) => world.models().elbv2.setRequestRate(lb, rps)
  };

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const work = path.startsWith('/_sim/') ? handleAdmin(sim, req, res) : dispatch(req, res);
    work.catch((error: unknown) => {
      console.error('local ECS: request failed:', error);
      send(res, 500, 'application/json', JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  Object.defineProperty(sim, 'url', { value: `http://127.0.0.1:${port}`, enumerable: true });
  if (opts.seed) await sim.seed();
  return sim;
}
