/**
 * The official render action's inputs (container-name + image, environment-variables, secrets,
 * log-configuration-*, docker-labels, command, env-files) and `images`, applied to a rendered document.
 * They merge the way aws-actions/amazon-ecs-render-task-definition does: a variable or secret
 * of the same name is replaced in place, new ones are appended, options and labels are merged,
 * environment files are replaced; with `container-name: web,worker` each named container gets them.
 */
import { InputError } from '../errors.js';
import { closest } from '../text.js';
import { isObject, type Json, type JsonObject } from './json.js';
import type { ContainerOverrides } from './settings.js';

export interface OverrideLabels {
  /** How to name an input in a message (e.g. "input `image`" or "--image"). */
  label(name: string): string;
}

const defaultLabels: OverrideLabels = { label: (name) => `input \`${name}\`` };

export function applyOverrides(doc: JsonObject, o: ContainerOverrides, labels: OverrideLabels = defaultLabels): InputError[] {
  const errors: InputError[] = [];
  const containers = Array.isArray(doc['containerDefinitions']) ? doc['containerDefinitions'] : undefined;
  // A missing or malformed containerDefinitions is reported by validation; nothing to apply to here.
  if (!containers) return errors;
  const byName = new Map<string, JsonObject>();
  for (const c of containers) if (isObject(c) && typeof c['name'] === 'string') byName.set(c['name'], c);

  const find = (name: string, input: string): JsonObject | undefined => {
    const found = byName.get(name);
    if (!found) {
      const guess = closest(name, byName.keys());
      errors.push(
        new InputError(
          `${labels.label(input)} names container "${name}", which the task definition does not have`,
          {},
          guess ? `did you mean "${guess}"?` : `use one of: ${[...byName.keys()].join(', ') || '(no named containers)'}`
        )
      );
    }
    return found;
  };

  const missing = new Set<string>();
  for (const [name, image] of o.images) {
    const input = o.containerNames.includes(name) ? 'container-name' : 'images';
    const c = find(name, input);
    if (c) c['image'] = image;
    else missing.add(name);
  }

  const hasContainerInputs =
    o.environment.size + o.secrets.size + o.logOptions.size + o.dockerLabels.size > 0 ||
    o.logDriver !== undefined ||
    o.command !== undefined ||
    o.envFiles !== undefined;
  if (!hasContainerInputs) return errors;
  for (const name of o.containerNames) {
    if (missing.has(name)) continue;
    const c = o.images.has(name) ? byName.get(name) : find(name, 'container-name');
    if (c) applyToContainer(c, o);
  }
  return errors;
}

function applyToContainer(c: JsonObject, o: ContainerOverrides): void {
  if (o.environment.size > 0) c['environment'] = mergeNamed(c['environment'], o.environment, 'value');
  if (o.secrets.size > 0) c['secrets'] = mergeNamed(c['secrets'], o.secrets, 'valueFrom');
  if (o.logDriver !== undefined || o.logOptions.size > 0) {
    const log = isObject(c['logConfiguration']) ? c['logConfiguration'] : {};
    if (o.logDriver !== undefined) log['logDriver'] = o.logDriver;
    if (o.logOptions.size > 0) log['options'] = mergeMap(log['options'], o.logOptions);
    c['logConfiguration'] = log;
  }
  if (o.dockerLabels.size > 0) c['dockerLabels'] = mergeMap(c['dockerLabels'], o.dockerLabels);
  if (o.command !== undefined) c['command'] = [...o.command];
  if (o.envFiles !== undefined) c['environmentFiles'] = o.envFiles.map((value) => ({ value, type: 's3' }));
}

function mergeNamed(existing: Json | undefined, values: Map<string, string>, field: 'value' | 'valueFrom'): Json[] {
  const list = Array.isArray(existing) ? existing : [];
  for (const [name, value] of values) {
    const item = list.find((e): e is JsonObject => isObject(e) && e['name'] === name);
    if (item) item[field] = value;
    else list.push({ name, [field]: value });
  }
  return list;
}

function mergeMap(existing: Json | undefined, values: Map<string, string>): JsonObject {
  const map = isObject(existing) ? existing : {};
  for (const [k, v] of values) map[k] = v;
  return map;
}
