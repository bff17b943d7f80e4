/**
 * The release file: several services deployed as one unit. Its keys are the action's own
 * inputs, so each service's settings are read by the same readers, from the same names, as a
 * workflow step's `with:` — and the whole file is validated (every problem of every service
 * reported together) before anything changes.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import { InputError, InputProblems } from '../errors.js';
import { INPUTS } from '../generated/action-spec.js';
import { inputDefault, Inputs, type InputSource } from '../inputs.js';
import { deploymentLockKeys } from '../deploy/locking.js';
import { readSettings, type Settings } from '../settings.js';
import { closest, scalarText } from '../text.js';

export type OnFailure = 'rollback' | 'keep';

export interface ReleaseService {
  /** The key under `services:`. */
  name: string;
  /** The inputs as a workflow step's `with:` would give them: defaults, then the service's own. */
  inputs: Map<string, string>;
  dependsOn: string[];
  settings: Settings;
  /** 0-based: the services of wave 0 depend on nothing. */
  wave: number;
}

export interface ReleasePlan {
  file: string;
  cluster: string;
  /** Services deploying at the same time, at most. */
  maxParallel: number;
  onFailure: OnFailure;
  /** The release-level gate: alarms watched for the whole release. */
  alarms: string[];
  /** In wave order. */
  services: ReleaseService[];
  /** Service names per wave. */
  waves: string[][];
}

const TOP_LEVEL = ['cluster', 'defaults', 'services', 'max-parallel', 'on-failure', 'alarms'] as const;
const INPUT_NAMES = INPUTS.map((i) => i.name);
/** Inputs of the step itself, not of one service. */
const STEP_ONLY = new Set(['release', 'environment', 'environment-url', 'github-token']);
const SERVICE_KEYS = [...INPUT_NAMES.filter((n) => !STEP_ONLY.has(n)), 'depends-on'];
/** Inputs naming a file the deployment reads. */
const FILE_INPUTS = ['task-definition', 'codedeploy-appspec'];
export const DEFAULT_MAX_PARALLEL = 10;
const MAX_PARALLEL_LIMIT = 100;

/** Reads and validates the release file at `path` (relative to the working directory, like every path input). */
export function readReleaseFile(path: string, env: Record<string, string | undefined>, label = 'input `release`'): ReleasePlan {
  const resolved = resolve(path);
  if (!existsSync(resolved) || !statSync(resolved).isFile()) {
    throw new InputError(
      `${label} is ${path}, but there is no such file`,
      { file: path },
      'give the path of the release file, relative to the repository root'
    );
  }
  return parseRelease(readFileSync(resolved, 'utf8'), path, env);
}

/** The plan, or every problem in the file at once (InputErrors). */
export function parseRelease(text: string, file: string, env: Record<string, string | undefined>): ReleasePlan {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  const at = (node: Node | null | undefined, path: string): { file: string; path: string; line?: number } => {
    const offset = node?.range?.[0];
    return { file, path, ...(offset !== undefined ? { line: lines.linePos(offset).line } : {}) };
  };
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw new InputError(
      `is not valid YAML: ${e.message.split('\n')[0]}`,
      { file, line: lines.linePos(e.pos[0]).line },
      'fix the YAML syntax'
    );
  }
  const problems = new InputProblems();
  const root = doc.contents;
  if (!isMap(root)) throw new InputError('is not a YAML mapping', { file }, 'start the file with cluster:, defaults: and services:');

  for (const pair of root.items) {
    const key = keyOf(pair);
    if (!(TOP_LEVEL as readonly string[]).includes(key)) problems.add(unknownKey(key, TOP_LEVEL, at(pair.key, key), 'at the top level'));
  }
  duplicateKeys(root, '', at).forEach((e) => problems.add(e));

  const cluster = problems.read(() => optionalScalar(root, 'cluster', at), undefined);
  const maxParallel = problems.read(() => {
    const v = optionalScalar(root, 'max-parallel', at);
    if (v === undefined) return DEFAULT_MAX_PARALLEL;
    const n = /^\d+$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n) || n < 1 || n > MAX_PARALLEL_LIMIT) {
      throw new InputError(
        `max-parallel is "${v}"`,
        at(root.get('max-parallel', true), 'max-parallel'),
        `use a whole number from 1 to ${MAX_PARALLEL_LIMIT}`
      );
    }
    return n;
  }, DEFAULT_MAX_PARALLEL);
  const onFailure = problems.read((): OnFailure => {
    const v = optionalScalar(root, 'on-failure', at) ?? 'rollback';
    if (v !== 'rollback' && v !== 'keep')
      throw new InputError(
        `on-failure is "${v}"`,
        at(root.get('on-failure', true), 'on-failure'),
        'use rollback (every service back when one fails) or keep'
      );
    return v;
  }, 'rollback');
  const alarms = problems.read(() => {
    const node = root.get('alarms', true) as Node | undefined;
    return node === undefined
      ? []
      : inputValue(node, 'alarms', at)
          .split(/[\n,]/)
          .map((s) => s.trim())
          .filter(Boolean);
  }, []);

  // defaults: any input, for every service.
  const defaults = new Map<string, { value: string; node: Node }>();
  const defaultsNode = root.get('defaults', true) as Node | undefined;
  if (defaultsNode !== undefined && !isNullNode(defaultsNode)) {
    if (!isMap(defaultsNode))
      problems.add(
        new InputError('defaults is not a mapping', at(defaultsNode, 'defaults'), 'write defaults: followed by indented input: value lines')
      );
    else {
      duplicateKeys(defaultsNode, 'defaults.', at).forEach((e) => problems.add(e));
      for (const pair of defaultsNode.items) {
        const key = keyOf(pair);
        const path = `defaults.${key}`;
        if (key === 'depends-on' || !SERVICE_KEYS.includes(key)) {
          problems.add(
            STEP_ONLY.has(key)
              ? stepOnly(key, at(pair.key as Node, path))
              : unknownKey(
                  key,
                  INPUT_NAMES.filter((n) => !STEP_ONLY.has(n)),
                  at(pair.key as Node, path),
                  'in defaults'
                )
          );
          continue;
        }
        const value = problems.read(() => inputValue(pair.value as Node, path, at), undefined);
        if (value !== undefined) defaults.set(key, { value, node: pair.value as Node });
      }
    }
  }

  const servicesNode = root.get('services', true) as Node | undefined;
  if (servicesNode === undefined || isNullNode(servicesNode) || (isMap(servicesNode) && servicesNode.items.length === 0)) {
    problems.add(
      new InputError('has no services', { file, path: 'services' }, 'list the services to deploy under services:, each with its inputs')
    );
    problems.throwIfAny();
  }
  if (!isMap(servicesNode)) {
    problems.add(
      new InputError(
        'services is not a mapping',
        at(servicesNode, 'services'),
        'write services: followed by one indented name: per service'
      )
    );
    problems.throwIfAny();
    throw new Error('unreachable');
  }
  duplicateKeys(servicesNode, 'services.', at, (name) => `service ${name} is named twice`).forEach((e) => problems.add(e));

  const entries: Array<{
    name: string;
    inputs: Map<string, string>;
    dependsOn: string[];
    node: Node;
    dependsNode?: Node;
    settings?: Settings;
  }> = [];
  const seen = new Set<string>();
  for (const pair of servicesNode.items) {
    const name = keyOf(pair);
    if (seen.has(name)) continue;
    seen.add(name);
    const base = `services.${name}`;
    const node = pair.value as Node;
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/.test(name)) {
      problems.add(
        new InputError(`"${name}" is not a service name`, at(pair.key as Node, base), 'use letters, digits, - and _ (an ECS service name)')
      );
      continue;
    }
    if (!isMap(node)) {
      problems.add(
        new InputError(
          `${base} is not a mapping`,
          at(node ?? (pair.key as Node), base),
          'give the service its inputs, e.g. task-definition: deploy/api.taskdef.json'
        )
      );
      continue;
    }
    duplicateKeys(node, `${base}.`, at).forEach((e) => problems.add(e));
    const own = new Map<string, string>();
    let dependsOn: string[] = [];
    let dependsNode: Node | undefined;
    for (const item of node.items) {
      const key = keyOf(item);
      const path = `${base}.${key}`;
      if (!SERVICE_KEYS.includes(key)) {
        problems.add(
          STEP_ONLY.has(key)
            ? stepOnly(key, at(item.key as Node, path))
            : unknownKey(key, SERVICE_KEYS, at(item.key as Node, path), `in service ${name}`)
        );
        continue;
      }
      if (key === 'depends-on') {
        dependsNode = item.value as Node;
        dependsOn = problems.read(() => nameList(item.value as Node, path, at), []);
        continue;
      }
      const value = problems.read(() => inputValue(item.value as Node, path, at), undefined);
      if (value !== undefined) own.set(key, value);
    }
    const inputs = new Map<string, string>();
    if (cluster !== undefined) inputs.set('cluster', cluster);
    for (const [k, v] of defaults) inputs.set(k, v.value);
    for (const [k, v] of own) inputs.set(k, v);
    // The key names the service, unless the inputs name its services (blue/green) or the service itself.
    const strategy = inputs.get('strategy') ?? inputDefault('strategy');
    if (!inputs.has('service') && strategy !== 'blue-green') inputs.set('service', name);
    for (const fileInput of FILE_INPUTS) {
      const path = inputs.get(fileInput);
      if (path && !path.startsWith('arn:') && !existsSync(resolve(path))) {
        const where = own.has(fileInput) ? `${base}.${fileInput}` : `defaults.${fileInput}`;
        problems.add(
          new InputError(
            `${where} is ${path}, but there is no such file`,
            { file, path: where },
            'give the path relative to the repository root (where the workflow runs)'
          )
        );
      }
    }
    const source: InputSource = {
      get: (input) => inputs.get(input) ?? inputDefault(input),
      label: (input) => `\`${own.has(input) || !defaults.has(input) ? `${base}.${input}` : `defaults.${input}`}\` in ${file}`
    };
    const settings = problems.read(() => readSettings(new Inputs(source), env), undefined);
    if (settings && settings.mode !== 'deploy') {
      problems.add(
        new InputError(
          `service ${name} deploys nothing (no service to update)`,
          at(node, base),
          'give it a task definition and a service (or the blue/green inputs)'
        )
      );
    }
    entries.push({ name, inputs, dependsOn, node, ...(dependsNode ? { dependsNode } : {}), ...(settings ? { settings } : {}) });
  }

  // Dependencies: every name known, no service depending on itself, no cycle.
  const names = new Set(entries.map((e) => e.name));
  for (const e of entries) {
    for (const d of e.dependsOn) {
      if (d === e.name)
        problems.add(
          new InputError(
            `service ${e.name} depends on itself`,
            at(e.dependsNode, `services.${e.name}.depends-on`),
            `remove ${d} from its depends-on`
          )
        );
      else if (!names.has(d)) {
        const guess = closest(d, names);
        problems.add(
          new InputError(
            `service ${e.name} depends on ${d}, which is not a service of this release`,
            at(e.dependsNode, `services.${e.name}.depends-on`),
            guess ? `did you mean ${guess}?` : `use one of: ${[...names].join(', ')}`
          )
        );
      }
    }
  }
  const graph = new Map(entries.map((e) => [e.name, e.dependsOn.filter((d) => d !== e.name && names.has(d))]));
  const cycle = findCycle(graph);
  if (cycle)
    problems.add(
      new InputError(
        `the services depend on each other in a cycle: ${cycle.join(' → ')}`,
        { file, path: `services.${cycle[0]}.depends-on` },
        'remove one of these depends-on so that an order exists'
      )
    );

  // Two entries deploying the same ECS service (or moving the same listener) would race each other.
  const owners = new Map<string, string>();
  for (const e of entries) {
    if (!e.settings) continue;
    for (const key of deploymentLockKeys(e.settings)) {
      const other = owners.get(key);
      if (other !== undefined && other !== e.name) {
        problems.add(
          new InputError(
            `services ${other} and ${e.name} both deploy ${key.replace(/^(service|listener|rule):/, '$1 ')}`,
            { file, path: `services.${e.name}` },
            'a service is deployed by one entry of a release: remove or merge one of them'
          )
        );
      } else owners.set(key, e.name);
    }
  }
  // One lock table for the whole release: the lock is taken once, for every service.
  const lockTables = new Set(entries.flatMap((e) => (e.settings ? [e.settings.safety.lock?.table ?? '(no lock)'] : [])));
  if (lockTables.size > 1) {
    problems.add(
      new InputError(
        `the services use different deployment locks (${[...lockTables].join(', ')})`,
        { file },
        'set lock and lock-table once, in defaults'
      )
    );
  }
  problems.throwIfAny();

  const waves = wavesOf(graph);
  const waveOf = new Map(waves.flatMap((w, i) => w.map((n) => [n, i] as const)));
  const services = waves.flat().map((name) => {
    const e = entries.find((x) => x.name === name)!;
    return { name, inputs: e.inputs, dependsOn: e.dependsOn, settings: e.settings!, wave: waveOf.get(name)! };
  });
  return { file, cluster: cluster ?? services[0]!.settings.deploy.cluster, maxParallel, onFailure, alarms, services, waves };
}

/** Services grouped in waves: each wave depends only on earlier ones; names sorted within a wave, so a run is repeatable. */
export function wavesOf(graph: Map<string, string[]>): string[][] {
  const placed = new Map<string, number>();
  const level = (name: string): number => {
    const known = placed.get(name);
    if (known !== undefined) return known;
    const deps = graph.get(name) ?? [];
    const l = deps.length ? Math.max(...deps.map(level)) + 1 : 0;
    placed.set(name, l);
    return l;
  };
  for (const name of graph.keys()) level(name);
  const waves: string[][] = [];
  for (const [name, l] of placed) (waves[l] ??= []).push(name);
  return waves.map((w) => w.sort());
}

/** The first dependency cycle found, as a closed path (a → b → a), or undefined. */
export function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'open') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'open');
    stack.push(name);
    for (const d of graph.get(name) ?? []) {
      const found = visit(d);
      if (found) return found;
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const name of [...graph.keys()].sort()) {
    const found = visit(name);
    if (found) return found;
  }
  return undefined;
}

type At = (node: Node | null | undefined, path: string) => { file: string; path: string; line?: number };

function keyOf(pair: Pair): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

function isNullNode(node: Node): boolean {
  return isScalar(node) && (node.value === null || node.value === undefined);
}

function unknownKey(key: string, known: Iterable<string>, where: ReturnType<At>, context: string): InputError {
  const guess = closest(key, known);
  return new InputError(
    `unknown key "${key}" ${context}`,
    where,
    guess ? `did you mean "${guess}"?` : 'see docs/release.md for the keys a release file takes'
  );
}

function stepOnly(key: string, where: ReturnType<At>): InputError {
  return new InputError(
    `"${key}" belongs to the workflow step, not to a service of the release`,
    where,
    `set ${key} in the step's with:, next to release`
  );
}

function duplicateKeys(
  map: YAMLMap,
  prefix: string,
  at: At,
  message = (key: string): string => `${prefix}${key} is given twice`
): InputError[] {
  const first = new Map<string, Pair>();
  const out: InputError[] = [];
  for (const pair of map.items) {
    const key = keyOf(pair);
    const earlier = first.get(key);
    if (!earlier) {
      first.set(key, pair);
      continue;
    }
    const where = at(pair.key as Node, `${prefix}${key}`);
    const firstLine = at(earlier.key as Node, '').line;
    out.push(new InputError(`${message(key)}${firstLine ? ` (first on line ${firstLine})` : ''}`, where, 'keep one of them'));
  }
  return out;
}

function optionalScalar(map: YAMLMap, key: string, at: At): string | undefined {
  const node = map.get(key, true) as Node | undefined;
  if (node === undefined || isNullNode(node)) return undefined;
  if (!isScalar(node)) throw new InputError(`${key} is not a single value`, at(node, key), `write ${key}: value`);
  return String(node.value).trim();
}

/**
 * An input's text as a step's `with:` would carry it: scalars as written, a list as lines,
 * a mapping as KEY=VALUE lines (vars: { tag: v42 }).
 */
function inputValue(node: Node, path: string, at: At): string {
  if (isScalar(node)) return scalarText(node.value);
  if (isSeq(node)) {
    return node.items
      .map((item, i) => {
        if (!isScalar(item))
          throw new InputError(`${path}[${i}] is not a single value`, at(item as Node, `${path}[${i}]`), 'list plain values');
        return String(item.value);
      })
      .join('\n');
  }
  if (isMap(node)) {
    return node.items
      .map((pair) => {
        const key = keyOf(pair);
        const value = pair.value as Node;
        if (!isScalar(value))
          throw new InputError(`${path}.${key} is not a single value`, at(value, `${path}.${key}`), 'give each key one value');
        const text = scalarText(value.value);
        // Multi-line values keep the heredoc form the input parsers already read.
        return text.includes('\n') ? `${key}<<__ECS_ROLLOUT_EOF__\n${text}\n__ECS_ROLLOUT_EOF__` : `${key}=${text}`;
      })
      .join('\n');
  }
  throw new InputError(`${path} cannot be read`, at(node, path), 'give a value, a list or a mapping');
}

function nameList(node: Node, path: string, at: At): string[] {
  if (isScalar(node))
    return scalarText(node.value)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  if (isSeq(node))
    return node.items.map((item, i) => {
      if (!isScalar(item))
        throw new InputError(
          `${path}[${i}] is not a service name`,
          at(item as Node, `${path}[${i}]`),
          'list service names of this release'
        );
      return String(item.value).trim();
    });
  throw new InputError(`${path} is not a list of services`, at(node, path), 'write depends-on: [api, db]');
}
