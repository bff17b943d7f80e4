/**
 * CloudWatch Logs (JSON 1.1, target prefix Logs_20140328): log groups, log streams and
 * their events, as the awslogs driver writes them for ECS tasks and as a deployment tool
 * reads them back. Timestamps are epoch milliseconds on the wire (Logs' `long`), not the
 * epoch seconds of the other JSON services.
 */
import { ApiError, type Handler, type ServiceModel, type SimClock } from '../types.js';
import { list, optBoolean, optNumber } from '../util.js';

export interface LogsDeps {
  clock: SimClock;
  region: string;
  accountId: string;
}

export interface LogLine {
  /** Epoch ms, the moment the container printed it. */
  timestamp: number;
  message: string;
}

/** What the ECS model needs: the awslogs driver's writes. */
export interface LogsSink {
  /**
   * Appends lines to a stream, creating the stream (as the driver does) and, with
   * `createGroup` (the driver's `awslogs-create-group`), the group. False when the group
   * does not exist and may not be created.
   */
  write(group: string, stream: string, lines: LogLine[], createGroup?: boolean): boolean;
}

export interface LogsModel extends ServiceModel {
  readonly sink: LogsSink;
}

interface StoredEvent extends LogLine {
  ingestionTime: number;
  eventId: string;
}

interface LogStream {
  name: string;
  creationTime: number;
  lastIngestionTime?: number;
  /** Kept sorted by timestamp (stable for equal timestamps), as GetLogEvents returns them. */
  events: StoredEvent[];
}

interface LogGroup {
  name: string;
  creationTime: number;
  retentionInDays?: number;
  kmsKeyId?: string;
  tags: Record<string, string>;
  streams: Map<string, LogStream>;
}

const GROUP_NAME = /^[.\-_/#A-Za-z0-9]{1,512}$/;
const STREAM_NAME = /^[^:*]{1,512}$/;

function invalid(message: string): ApiError {
  return new ApiError('InvalidParameterException', message);
}

function constraint(value: unknown, member: string, rule: string): ApiError {
  return invalid(`1 validation error detected: Value '${String(value)}' at '${member}' failed to satisfy constraint: ${rule}`);
}

function requiredString(value: unknown, member: string): string {
  if (value === undefined || value === null || value === '') {
    throw invalid(`1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
  }
  return String(value);
}

function groupName(value: unknown, member = 'logGroupName'): string {
  const name = requiredString(value, member);
  if (!GROUP_NAME.test(name)) throw constraint(name, member, 'Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+');
  return name;
}

function streamName(value: unknown, member = 'logStreamName'): string {
  const name = requiredString(value, member);
  if (!STREAM_NAME.test(name)) throw constraint(name, member, 'Member must satisfy regular expression pattern: [^:*]*');
  return name;
}

function limitOf(value: unknown, max: number, fallback: number): number {
  const n = optNumber(value, 'limit', 'InvalidParameterException');
  if (n === undefined) return fallback;
  if (!Number.isInteger(n) || n < 1) throw constraint(value, 'limit', 'Member must have value greater than or equal to 1');
  if (n > max) throw constraint(value, 'limit', `Member must have value less than or equal to ${max}`);
  return n;
}

const PAGE_PREFIX = 'sim-logs-v1:';

function pageToken(kind: string, key: string): string {
  return Buffer.from(`${PAGE_PREFIX}${kind}:${key}`, 'utf8').toString('base64');
}

/** The key a page token names (the last item of the previous page), or an error for a token the sim never issued. */
function fromToken(token: unknown, kind: string): string | undefined {
  if (token === undefined || token === null || token === '') return undefined;
  const text = Buffer.from(String(token), 'base64').toString('utf8');
  if (!text.startsWith(`${PAGE_PREFIX}${kind}:`)) throw invalid('The specified nextToken is invalid.');
  return text.slice(PAGE_PREFIX.length + kind.length + 1);
}

/** Real stream tokens look like `f/37…/s`; the number here is the event index the token points at. */
function eventToken(direction: 'f' | 'b', index: number): string {
  return `${direction}/${String(index).padStart(56, '0')}/s`;
}

function parseEventToken(token: unknown): { direction: 'f' | 'b'; index: number } | undefined {
  if (token === undefined || token === null || token === '') return undefined;
  const m = /^([fb])\/(\d{56})\/s$/.exec(String(token));
  if (!m) throw invalid('The specified nextToken is invalid.');
  return { direction: m[1] as 'f' | 'b', index: Number(m[2]) };
}

/**
 * A filter pattern's plain-text form: every term must occur (case-sensitive), a quoted
 * term as a whole, `-term` must not, and `?a ?b` matches any of them. JSON and
 * space-delimited patterns (`{…}`, `[…]`) are not modelled and are refused rather than
 * silently matching everything.
 */
export function matchesPattern(pattern: string, message: string): boolean {
  const p = pattern.trim();
  if (p === '' || p === '""') return true;
  if (p.startsWith('{') || p.startsWith('['))
    throw invalid('The local ECS models text filter patterns only (terms, "quoted phrases", -exclusions, ?alternatives).');
  const terms = [...p.matchAll(/([?-]?)(?:"([^"]*)"|(\S+))/g)].map((m) => ({ op: m[1] ?? '', text: m[2] ?? m[3] ?? '' }));
  const any = terms.filter((t) => t.op === '?');
  if (any.length > 0 && !any.some((t) => message.includes(t.text))) return false;
  return terms.every((t) => (t.op === '-' ? !message.includes(t.text) : t.op === '?' || message.includes(t.text)));
}

export function createLogs(deps: LogsDeps): LogsModel {
  const groups = new Map<string, LogGroup>();
  let nextEventId = 1;
  const groupArn = (name: string): string => `arn:aws:logs:${deps.region}:${deps.accountId}:log-group:${name}`;

  const findGroup = (name: string): LogGroup => {
    const g = groups.get(name);
    if (!g) throw new ApiError('ResourceNotFoundException', 'The specified log group does not exist.');
    return g;
  };
  const findStream = (g: LogGroup, name: string): LogStream => {
    const s = g.streams.get(name);
    if (!s) throw new ApiError('ResourceNotFoundException', 'The specified log stream does not exist.');
    return s;
  };
  const createGroup = (name: string, extra: Partial<LogGroup> = {}): LogGroup => {
    const g: LogGroup = { name, creationTime: deps.clock.now(), tags: {}, streams: new Map(), ...extra };
    groups.set(name, g);
    return g;
  };
  const createStream = (g: LogGroup, name: string): LogStream => {
    const s: LogStream = { name, creationTime: deps.clock.now(), events: [] };
    g.streams.set(name, s);
    return s;
  };
  const append = (s: LogStream, lines: LogLine[]): void => {
    const now = deps.clock.now();
    for (const line of lines) {
      const event: StoredEvent = {
        ...line,
        ingestionTime: Math.max(now, line.timestamp),
        eventId: String(nextEventId++).padStart(56, '0')
      };
      let at = s.events.length;
      while (at > 0 && s.events[at - 1].timestamp > event.timestamp) at--;
      s.events.splice(at, 0, event);
    }
    if (lines.length) s.lastIngestionTime = now;
  };
  /** The group a request names by logGroupName or logGroupIdentifier (a name or its ARN). */
  const groupOf = (input: Record<string, any>): LogGroup => {
    if (input.logGroupName !== undefined && input.logGroupIdentifier !== undefined) {
      throw invalid('LogGroup name and LogGroup ARN are mutually exclusive parameters.');
    }
    if (input.logGroupIdentifier !== undefined) {
      const id = String(input.logGroupIdentifier);
      const name = id.startsWith('arn:') ? (id.replace(/:\*$/, '').split(':log-group:')[1] ?? '') : id;
      return findGroup(name);
    }
    return findGroup(groupName(input.logGroupName));
  };

  const streamShape = (g: LogGroup, s: LogStream): Record<string, unknown> => ({
    logStreamName: s.name,
    creationTime: s.creationTime,
    firstEventTimestamp: s.events[0]?.timestamp,
    lastEventTimestamp: s.events.at(-1)?.timestamp,
    lastIngestionTime: s.lastIngestionTime,
    uploadSequenceToken: String(s.events.length + 1).padStart(56, '4'),
    arn: `${groupArn(g.name)}:log-stream:${s.name}`,
    storedBytes: 0
  });

  const handlers: Record<string, Handler> = {
    CreateLogGroup: (input) => {
      const name = groupName(input.logGroupName);
      if (groups.has(name)) throw new ApiError('ResourceAlreadyExistsException', 'The specified log group already exists');
      const tags: Record<string, string> = {};
      for (const [k, v] of Object.entries((input.tags ?? {}) as Record<string, unknown>)) tags[k] = String(v);
      createGroup(name, { kmsKeyId: input.kmsKeyId === undefined ? undefined : String(input.kmsKeyId), tags });
      return {};
    },
    CreateLogStream: (input) => {
      const g = findGroup(groupName(input.logGroupName));
      const name = streamName(input.logStreamName);
      if (g.streams.has(name)) throw new ApiError('ResourceAlreadyExistsException', 'The specified log stream already exists');
      createStream(g, name);
      return {};
    },
    PutLogEvents: (input) => {
      const g = findGroup(groupName(input.logGroupName));
      const s = findStream(g, streamName(input.logStreamName));
      const raw = list<Record<string, any>>(input.logEvents);
      if (raw.length === 0) throw constraint('[]', 'logEvents', 'Member must have length greater than or equal to 1');
      if (raw.length > 10000)
        throw constraint(`[${raw.length} events]`, 'logEvents', 'Member must have length less than or equal to 10000');
      const lines = raw.map((e, i) => {
        const timestamp = optNumber(e.timestamp, `logEvents.${i + 1}.member.timestamp`, 'InvalidParameterException');
        if (timestamp === undefined)
          throw invalid(
            `1 validation error detected: Value null at 'logEvents.${i + 1}.member.timestamp' failed to satisfy constraint: Member must not be null`
          );
        return { timestamp, message: requiredString(e.message, `logEvents.${i + 1}.member.message`) };
      });
      // CloudWatch Logs refuses a batch that is not in chronological order.
      for (let i = 1; i < lines.length; i++) {
        if (lines[i].timestamp < lines[i - 1].timestamp)
          throw invalid('Log events in a single PutLogEvents request must be in chronological order.');
      }
      append(s, lines);
      return { nextSequenceToken: String(s.events.length + 1).padStart(56, '4') };
    },
    DescribeLogGroups: (input) => {
      if (input.logGroupNamePrefix !== undefined && input.logGroupNamePattern !== undefined) {
        throw invalid('LogGroupNamePrefix and LogGroupNamePattern are mutually exclusive parameters.');
      }
      const prefix = input.logGroupNamePrefix === undefined ? '' : groupName(input.logGroupNamePrefix, 'logGroupNamePrefix');
      const pattern = input.logGroupNamePattern === undefined ? undefined : String(input.logGroupNamePattern).toLowerCase();
      const limit = limitOf(input.limit, 50, 50);
      const after = fromToken(input.nextToken, 'groups');
      const names = [...groups.keys()]
        .filter((n) => n.startsWith(prefix) && (pattern === undefined || n.toLowerCase().includes(pattern)))
        .sort()
        .filter((n) => after === undefined || n > after);
      const page = names.slice(0, limit);
      return {
        logGroups: page.map((n) => {
          const g = groups.get(n)!;
          return {
            logGroupName: g.name,
            creationTime: g.creationTime,
            retentionInDays: g.retentionInDays,
            metricFilterCount: 0,
            arn: `${groupArn(g.name)}:*`,
            storedBytes: 0,
            kmsKeyId: g.kmsKeyId,
            logGroupClass: 'STANDARD',
            logGroupArn: groupArn(g.name)
          };
        }),
        nextToken: names.length > limit ? pageToken('groups', page.at(-1)!) : undefined
      };
    },
    DescribeLogStreams: (input) => {
      const g = groupOf(input);
      const orderBy = String(input.orderBy ?? 'LogStreamName');
      if (orderBy !== 'LogStreamName' && orderBy !== 'LastEventTime') {
        throw constraint(orderBy, 'orderBy', 'Member must satisfy enum value set: [LogStreamName, LastEventTime]');
      }
      if (orderBy === 'LastEventTime' && input.logStreamNamePrefix !== undefined) {
        throw invalid('Cannot order by LastEventTime with a logStreamNamePrefix.');
      }
      const prefix = input.logStreamNamePrefix === undefined ? '' : String(input.logStreamNamePrefix);
      const descending = optBoolean(input.descending) ?? false;
      const limit = limitOf(input.limit, 50, 50);
      const key = (s: LogStream): string =>
        orderBy === 'LogStreamName' ? s.name : `${String(s.events.at(-1)?.timestamp ?? 0).padStart(16, '0')}\u0000${s.name}`;
      const sorted = [...g.streams.values()]
        .filter((s) => s.name.startsWith(prefix))
        .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
      if (descending) sorted.reverse();
      const after = fromToken(input.nextToken, `streams-${orderBy}-${descending}`);
      const rest = after === undefined ? sorted : sorted.filter((s) => (descending ? key(s) < after : key(s) > after));
      const page = rest.slice(0, limit);
      return {
        logStreams: page.map((s) => streamShape(g, s)),
        nextToken: rest.length > limit ? pageToken(`streams-${orderBy}-${descending}`, key(page.at(-1)!)) : undefined
      };
    },
    GetLogEvents: (input) => {
      const g = groupOf(input);
      const s = findStream(g, streamName(input.logStreamName));
      const limit = limitOf(input.limit, 10000, 10000);
      const start = optNumber(input.startTime, 'startTime', 'InvalidParameterException');
      const end = optNumber(input.endTime, 'endTime', 'InvalidParameterException');
      // Indexes into the stream of the events inside the time window.
      const window = s.events
        .map((e, i) => ({ e, i }))
        .filter(({ e }) => (start === undefined || e.timestamp >= start) && (end === undefined || e.timestamp < end));
      const token = parseEventToken(input.nextToken);
      const fromHead = optBoolean(input.startFromHead) ?? false;
      let picked: typeof window;
      if (token?.direction === 'f' || (!token && fromHead)) {
        const from = token?.index ?? 0;
        picked = window.filter(({ i }) => i >= from).slice(0, limit);
      } else {
        const before = token?.index ?? s.events.length;
        picked = window.filter(({ i }) => i < before).slice(-limit);
      }
      // At either end the token handed back is the one passed in, which is how a reader knows it has everything.
      const first = picked[0]?.i ?? token?.index ?? (fromHead ? 0 : s.events.length);
      const last = picked.at(-1)?.i;
      return {
        events: picked.map(({ e }) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime })),
        nextForwardToken: eventToken('f', last === undefined ? first : last + 1),
        nextBackwardToken: eventToken('b', first)
      };
    },
    FilterLogEvents: (input) => {
      const g = groupOf(input);
      const names = list<string>(input.logStreamNames).map((n) => String(n));
      if (names.length && input.logStreamNamePrefix !== undefined) {
        throw invalid('You cannot specify both logStreamNames and logStreamNamePrefix parameters.');
      }
      if (names.length > 100)
        throw constraint(`[${names.length} names]`, 'logStreamNames', 'Member must have length less than or equal to 100');
      const prefix = input.logStreamNamePrefix === undefined ? undefined : String(input.logStreamNamePrefix);
      const streams = [...g.streams.values()].filter((s) =>
        names.length ? names.includes(s.name) : prefix === undefined || s.name.startsWith(prefix)
      );
      if (names.length && streams.length === 0) throw new ApiError('ResourceNotFoundException', 'The specified log stream does not exist.');
      const limit = limitOf(input.limit, 10000, 10000);
      const start = optNumber(input.startTime, 'startTime', 'InvalidParameterException');
      const end = optNumber(input.endTime, 'endTime', 'InvalidParameterException');
      const pattern = input.filterPattern === undefined ? '' : String(input.filterPattern);
      const matches = streams
        .flatMap((s) => s.events.map((e) => ({ s, e })))
        .filter(
          ({ e }) =>
            (start === undefined || e.timestamp >= start) && (end === undefined || e.timestamp <= end) && matchesPattern(pattern, e.message)
        )
        .sort((a, b) => a.e.timestamp - b.e.timestamp || (a.e.eventId < b.e.eventId ? -1 : 1));
      const after = fromToken(input.nextToken, 'filter');
      const rest =
        after === undefined ? matches : matches.filter(({ e }) => `${String(e.timestamp).padStart(16, '0')}${e.eventId}` > after);
      const page = rest.slice(0, limit);
      const lastKey = page.length ? `${String(page.at(-1)!.e.timestamp).padStart(16, '0')}${page.at(-1)!.e.eventId}` : '';
      return {
        events: page.map(({ s, e }) => ({
          logStreamName: s.name,
          timestamp: e.timestamp,
          message: e.message,
          ingestionTime: e.ingestionTime,
          eventId: e.eventId
        })),
        searchedLogStreams: streams.map((s) => ({ logStreamName: s.name, searchedCompletely: rest.length <= limit })),
        nextToken: rest.length > limit ? pageToken('filter', lastKey) : undefined
      };
    }
  };

  const sink: LogsSink = {
    write(group, stream, lines, create = false) {
      let g = groups.get(group);
      if (!g) {
        if (!create) return false;
        g = createGroup(group);
      }
      append(g.streams.get(stream) ?? createStream(g, stream), lines);
      return true;
    }
  };

  return {
    handlers,
    sink,
    tick: () => undefined,
    snapshot: () =>
      Object.fromEntries(
        [...groups.values()].map((g) => [g.name, Object.fromEntries([...g.streams.values()].map((s) => [s.name, s.events.length]))])
      )
  };
}
