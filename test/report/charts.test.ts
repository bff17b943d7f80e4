/**
 * The chart rules a reader relies on without a browser: colours that are what their names say
 * and readable on both GitHub backgrounds, the time unit of the axis, no chart when nothing
 * moved, and the running-tasks chart built from the polls' counts.
 */
import { describe, expect, it } from '@jest/globals';
import { runningByRevision, type RolloutEvent } from '../../src/events.js';
import { COLOURS, coloursFor, SAMPLES, tasksChart, timeAxis, trafficChart } from '../../src/report/charts.js';

/** WCAG 2 relative luminance and contrast ratio. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5]
    .map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** The values of the line titled `name` in a chart's Mermaid source. */
function values(chart: string, name: string): number[] {
  const m = new RegExp(`line "${name}" \\[([^\\]]*)\\]`).exec(chart);
  if (!m) throw new Error(`no line ${name} in\n${chart}`);
  return m[1].split(', ').map(Number);
}
function palette(chart: string): string[] {
  const m = /"plotColorPalette":"([^"]*)"/.exec(chart);
  return m ? m[1].split(', ') : [];
}

describe('colours', () => {
  it.each(Object.entries(COLOURS))(
    '%s stands out on GitHub’s light and dark backgrounds (≥ 3.5:1 on #ffffff and #0d1117)',
    (_name, { hex }) => {
      expect(contrast(hex, '#ffffff')).toBeGreaterThanOrEqual(3.5);
      expect(contrast(hex, '#0d1117')).toBeGreaterThanOrEqual(3.5);
    }
  );

  it('a line named after a colour is drawn in it, whatever the order; other names get distinct colours', () => {
    expect(coloursFor(['web-green', 'web-blue'])).toEqual(['green', 'blue']);
    expect(coloursFor(['Blue', 'GREEN'])).toEqual(['blue', 'green']);
    expect(coloursFor(['web:4', 'web:5', 'web:6'])).toEqual(['blue', 'orange', 'purple']);
    // A palette colour already said by a name is not given to another line.
    expect(coloursFor(['api-orange', 'primary', 'canary'])).toEqual(['orange', 'blue', 'purple']);
    // "bluegreen" says no one colour.
    expect(coloursFor(['bluegreen-a', 'web-green'])).toEqual(['blue', 'green']);
  });

  it('the chart tells Mermaid the colours in line order, and a legend under it says which is which', () => {
    const chart = trafficChart([
      { kind: 'weights', weights: { 'web-green': 0, 'web-blue': 100 }, verified: true, at: 0 },
      { kind: 'weights', weights: { 'web-green': 100, 'web-blue': 0 }, verified: true, at: 5000 }
    ])!;
    expect(palette(chart)).toEqual([COLOURS.green.hex, COLOURS.blue.hex]);
    expect(chart.split('\n').pop()).toBe('🟩 web-green · 🟦 web-blue');
  });
});

describe('the time axis', () => {
  it.each<[number, string, number]>([
    [500, 'seconds since start', 1],
    [42_300, 'seconds since start', 42.3],
    [180_000, 'seconds since start', 180],
    [216_500, 'minutes since start', 3.7],
    [45 * 60_000, 'minutes since start', 45],
    [5 * 3_600_000, 'hours since start', 5]
  ])('%i ms → %s, up to %d', (ms, title, max) => {
    expect(timeAxis(ms)).toMatchObject({ title, max });
  });

  it('samples are spread evenly over the whole run, so a step lands where it happened', () => {
    const chart = trafficChart([
      { kind: 'phase-started', phase: 'render', title: 'Render', at: 1000 },
      { kind: 'weights', weights: { blue: 100, green: 0 }, verified: true, at: 2000 },
      { kind: 'weights', weights: { blue: 0, green: 100 }, verified: true, at: 31_000 },
      { kind: 'verdict', status: 'succeeded', reason: 'ok', at: 61_000 }
    ])!;
    expect(chart).toContain('x-axis "seconds since start" 0 --> 60');
    const blue = values(chart, 'blue');
    expect(blue).toHaveLength(SAMPLES);
    // 60 s over 240 intervals: sample i is at i/4 s; the shift at 30 s is sample 120.
    expect(blue.slice(118, 123)).toEqual([100, 100, 0, 0, 0]);
    expect(blue.indexOf(0)).toBe(120);
  });
});

describe('no chart when there is nothing to see', () => {
  it('traffic read once, or read again unchanged, is no chart', () => {
    const w = (at: number): RolloutEvent => ({ kind: 'weights', weights: { blue: 100, green: 0 }, verified: true, at });
    expect(trafficChart([])).toBeUndefined();
    expect(trafficChart([w(0)])).toBeUndefined();
    expect(trafficChart([w(0), w(10_000), w(20_000)])).toBeUndefined();
  });

  it('running counts that never changed are no chart', () => {
    const t = (at: number): RolloutEvent => ({ kind: 'tasks', service: 'web', running: { 'web:4': 3 }, at });
    expect(tasksChart([t(0)])).toBeUndefined();
    expect(tasksChart([t(0), t(5000)])).toBeUndefined();
  });
});

describe('running tasks per revision', () => {
  it('counts each revision’s running tasks across its deployments', () => {
    expect(
      runningByRevision([
        { taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:5', runningCount: 2 },
        { taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:4', runningCount: 3 },
        { taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:5', runningCount: 1 },
        { taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:6' }
      ])
    ).toEqual({ 'web:5': 3, 'web:4': 3, 'web:6': 0 });
  });

  it('a revision is 0 before it appears and after its deployment is gone; the y axis reaches the most tasks seen', () => {
    const chart = tasksChart([
      { kind: 'phase-started', phase: 'deploy', title: 'Deploy', at: 0 },
      { kind: 'tasks', service: 'web', running: { 'web:4': 4 }, at: 0 },
      { kind: 'tasks', service: 'web', running: { 'web:4': 4, 'web:5': 2 }, at: 30_000 },
      { kind: 'tasks', service: 'web', running: { 'web:5': 4 }, at: 45_000 },
      { kind: 'verdict', status: 'succeeded', reason: 'ok', at: 60_000 }
    ])!;
    expect(chart).toContain('title "Running tasks of web per revision"');
    expect(chart).toContain('y-axis "running tasks" 0 --> 4');
    const old = values(chart, 'web:4');
    const fresh = values(chart, 'web:5');
    // Sample i is at i/4 s.
    expect([old[0], old[119], old[120], old[179], old[180], old[240]]).toEqual([4, 4, 4, 4, 0, 0]);
    expect([fresh[0], fresh[119], fresh[120], fresh[180], fresh[240]]).toEqual([0, 0, 2, 4, 4]);
  });

  it('two services’ revisions are told apart by service name', () => {
    const chart = tasksChart([
      { kind: 'tasks', service: 'api', running: { 'api:1': 1 }, at: 0 },
      { kind: 'tasks', service: 'worker', running: { 'worker:1': 1 }, at: 0 },
      { kind: 'tasks', service: 'api', running: { 'api:1': 0, 'api:2': 1 }, at: 10_000 }
    ])!;
    expect(chart).toContain('title "Running tasks per revision"');
    expect(values(chart, 'api api:2').at(-1)).toBe(1);
    expect(values(chart, 'worker worker:1').at(-1)).toBe(1);
  });
});
