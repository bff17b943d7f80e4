/** The summary's Mermaid charts: traffic per colour and running tasks per revision, drawn as steps on a true time axis. */
import type { RolloutEvent } from '../events.js';

/**
 * Mermaid's xychart spaces a line's points evenly along a numeric x axis, so a step function
 * is drawn by sampling it at evenly spaced times. At 241 samples a change is a riser 1/240 of
 * the plot wide (about 3 px at GitHub's width): it reads as a step, not a slope.
 */
export const SAMPLES = 241;

/**
 * Mid-tone colours with at least 3.5:1 contrast on GitHub's light (#ffffff) and dark (#0d1117)
 * backgrounds, each with the emoji square that stands for it in the legend (xychart draws none).
 */
export const COLOURS = {
  blue: { hex: '#1f6feb', square: '🟦' },
  green: { hex: '#238636', square: '🟩' },
  orange: { hex: '#bc4c00', square: '🟧' },
  purple: { hex: '#8250df', square: '🟪' },
  red: { hex: '#d1242f', square: '🟥' },
  yellow: { hex: '#9a6700', square: '🟨' },
  brown: { hex: '#9c6644', square: '🟫' }
} as const;
export type ColourName = keyof typeof COLOURS;
/** For names that are no colour: blue first, then colours unlike it; green and red last, they read as good and bad. */
const PALETTE: ColourName[] = ['blue', 'orange', 'purple', 'yellow', 'brown', 'green', 'red'];

/** One line: a step function, `value` holding from `at` until the next point. */
interface Series {
  name: string;
  points: Array<{ at: number; value: number }>;
}

/**
 * The colour of each line: a name that says a colour (web-blue, green) is drawn in it; the
 * others take the palette's next colour that no line uses yet.
 */
export function coloursFor(names: readonly string[]): ColourName[] {
  const said = names.map((n) => (Object.keys(COLOURS) as ColourName[]).find((c) => new RegExp(`(^|[^a-z])${c}([^a-z]|$)`, 'i').test(n)));
  const used = new Set(said.filter((c): c is ColourName => c !== undefined));
  return said.map((c) => {
    if (c) return c;
    const next = PALETTE.find((p) => !used.has(p)) ?? PALETTE[used.size % PALETTE.length]!;
    used.add(next);
    return next;
  });
}

/** The x axis: seconds up to 3 minutes, then minutes, then hours; `max` rounded so tick labels stay short. */
export function timeAxis(durationMs: number): { title: string; unitMs: number; max: number } {
  const ms = Math.max(durationMs, 1000);
  const [title, unitMs] =
    ms <= 180_000
      ? ['seconds since start', 1000]
      : ms <= 3 * 3_600_000
        ? ['minutes since start', 60_000]
        : ['hours since start', 3_600_000];
  // Rounded up to a tenth of the unit, so the last sample is never before the last change.
  return { title, unitMs, max: Math.ceil((ms / unitMs) * 10) / 10 };
}

/** The value of a step function at `t`; before its first point, the first point's value (nothing we did had changed it yet). */
function valueAt(series: Series, t: number): number {
  let value = series.points[0]!.value;
  for (const p of series.points) {
    if (p.at > t) break;
    value = p.value;
  }
  return value;
}

function number(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/0+$/, '').replace(/\.$/, '');
}

/** Mermaid text may not hold a double quote; titles come from AWS names, which never need one. */
function quoted(text: string): string {
  return `"${text.replace(/"/g, "'")}"`;
}

function xychart(title: string, yTitle: string, yMax: number, series: Series[], t0: number, t1: number): string {
  const axis = timeAxis(t1 - t0);
  const times = Array.from({ length: SAMPLES }, (_, i) => t0 + ((axis.max * axis.unitMs) / (SAMPLES - 1)) * i);
  const colours = coloursFor(series.map((s) => s.name));
  const init = { themeVariables: { xyChart: { plotColorPalette: colours.map((c) => COLOURS[c].hex).join(', ') } } };
  return [
    '```mermaid',
    `%%{init: ${JSON.stringify(init)}}%%`,
    'xychart-beta',
    `  title ${quoted(title)}`,
    `  x-axis ${quoted(axis.title)} 0 --> ${number(axis.max)}`,
    `  y-axis ${quoted(yTitle)} 0 --> ${number(yMax)}`,
    ...series.map((s) => `  line ${quoted(s.name)} [${times.map((t) => number(valueAt(s, t))).join(', ')}]`),
    '```',
    '',
    series.map((s, i) => `${COLOURS[colours[i]!].square} ${s.name}`).join(' · ')
  ].join('\n');
}

/** When the story starts and ends: the first phase, and the last thing that happened. */
function span(events: RolloutEvent[], fallback: number): [number, number] {
  const times = events.flatMap((e) => ('at' in e && typeof e.at === 'number' ? [e.at] : []));
  const t0 = events.find((e) => e.kind === 'phase-started')?.at ?? fallback;
  return [t0, Math.max(t0, ...times)];
}

function shortName(key: string): string {
  // Target group ARNs: arn:aws:elasticloadbalancing:…:targetgroup/NAME/ID → NAME
  const tg = /targetgroup\/([^/]+)\//.exec(key);
  return tg ? tg[1]! : key;
}

/** Each colour's share of the traffic over time; none when the traffic never moved. */
export function trafficChart(events: RolloutEvent[]): string | undefined {
  const weights = events.filter((e): e is Extract<RolloutEvent, { kind: 'weights' }> => e.kind === 'weights');
  const moved = weights.some((w) => JSON.stringify(w.weights) !== JSON.stringify(weights[0]!.weights));
  if (!moved) return undefined;
  const names = [...new Set(weights.flatMap((w) => Object.keys(w.weights)))];
  const series = names.map((n) => ({ name: shortName(n), points: weights.map((w) => ({ at: w.at, value: w.weights[n] ?? 0 })) }));
  const [t0, t1] = span(events, weights[0]!.at);
  return xychart('Traffic share per colour (%)', 'traffic %', 100, series, t0, t1);
}

/**
 * Running tasks per revision over time, from the polls of a deployment (a rolling one has no
 * traffic to chart); none when the counts never changed. Two services are told apart by name.
 */
export function tasksChart(events: RolloutEvent[]): string | undefined {
  const polls = events.filter((e): e is Extract<RolloutEvent, { kind: 'tasks' }> => e.kind === 'tasks');
  if (polls.length < 2) return undefined;
  const services = [...new Set(polls.map((p) => p.service))];
  const keys = [...new Set(polls.flatMap((p) => Object.keys(p.running).map((r) => `${p.service}\u0000${r}`)))];
  const series: Series[] = keys.map((key) => {
    const [service, revision] = key.split('\u0000') as [string, string];
    // A revision no longer among the deployments runs nothing.
    const points = polls.filter((p) => p.service === service).map((p) => ({ at: p.at, value: p.running[revision] ?? 0 }));
    return { name: services.length > 1 ? `${service} ${revision}` : revision, points };
  });
  const changed = series.some((s) => s.points.some((p) => p.value !== s.points[0]!.value));
  if (!changed) return undefined;
  const top = Math.max(1, ...polls.flatMap((p) => Object.values(p.running)));
  const [t0, t1] = span(events, polls[0]!.at);
  const title = services.length > 1 ? 'Running tasks per revision' : `Running tasks of ${services[0]} per revision`;
  return xychart(title, 'running tasks', top, series, t0, t1);
}
