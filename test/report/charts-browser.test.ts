/**
 * The summary's charts as a reader sees them: the Mermaid blocks of real summaries rendered by
 * Mermaid in headless Chromium (Debian's `chromium`), in the light and the dark theme, and the
 * drawn SVG read back: each line's colour, its step shape, where its steps fall on the time
 * axis, and the axis labels. Without Chromium this suite fails: it never skips.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { JSDOM } from 'jsdom';
import type { RolloutEvent } from '../../src/events.js';
import { COLOURS, SAMPLES } from '../../src/report/charts.js';
import { renderSummary } from '../../src/report/summary.js';

const ROOT = resolve(import.meta.dirname, '../..');
const MERMAID = join(ROOT, 'node_modules/mermaid/dist/mermaid.min.js');

/** Chromium: CHROMIUM_PATH, or the first of Debian's and Google's names on PATH. */
function findChromium(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']) {
    for (const dir of (process.env.PATH ?? '').split(delimiter)) {
      if (dir && existsSync(join(dir, name))) return join(dir, name);
    }
  }
  return undefined;
}

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Renders each Mermaid source with Mermaid's browser build and returns the page after it drew.
 * `--virtual-time-budget` lets the page's promises run before `--dump-dom` writes the DOM out.
 */
async function renderInChromium(chromium: string, sources: string[], theme: 'default' | 'dark'): Promise<Document> {
  const dir = mkdtempSync(join(tmpdir(), 'charts-browser-'));
  const page = join(dir, 'page.html');
  writeFileSync(
    page,
    [
      '<!doctype html><html><head><meta charset="utf-8"></head><body>',
      ...sources.map((s, i) => `<pre class="mermaid" id="chart-${i}">${escape(s)}</pre>`),
      `<script src="${pathToFileURL(MERMAID).href}"></script>`,
      `<script>mermaid.initialize({ startOnLoad: false, theme: ${JSON.stringify(theme)} });`,
      'mermaid.run().then(() => document.body.dataset.rendered = "ok", (e) => document.body.dataset.rendered = "error: " + e);</script>',
      '</body></html>'
    ].join('\n')
  );
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--allow-file-access-from-files',
    `--user-data-dir=${join(dir, 'profile')}`,
    '--virtual-time-budget=30000',
    '--dump-dom',
    pathToFileURL(page).href
  ];
  const html = await new Promise<string>((ok, fail) => {
    execFile(chromium, args, { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) fail(new Error(`${chromium} failed: ${error.message}\n${stderr.slice(-2000)}`));
      else ok(stdout);
    });
  });
  const doc = new JSDOM(html).window.document;
  expect(doc.body.dataset.rendered).toBe('ok');
  return doc;
}

// ---- reading the drawn chart back -------------------------------------------------------

interface Drawn {
  title: string;
  xTitle: string;
  xTicks: Array<{ value: number; x: number }>;
  yTicks: Array<{ value: number; y: number }>;
  lines: Array<{ stroke: string; points: Array<[number, number]> }>;
}

function translate(el: Element): [number, number] {
  const m = /translate\(([-\d.e]+),\s*([-\d.e]+)\)/.exec(el.getAttribute('transform') ?? '');
  if (!m) throw new Error(`no translate() on ${el.outerHTML.slice(0, 200)}`);
  return [Number(m[1]), Number(m[2])];
}

function pathPoints(d: string): Array<[number, number]> {
  // d3's line(): M x,y L x,y …
  return [...d.matchAll(/[ML]\s*([-\d.e]+)[ ,]([-\d.e]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

function readChart(svg: Element): Drawn {
  const texts = (selector: string): Element[] => [...svg.querySelectorAll(selector)];
  const ticks = (axis: string): Array<{ value: number; at: [number, number] }> =>
    texts(`g.${axis} g.label text`).map((t) => ({ value: Number(t.textContent), at: translate(t) }));
  return {
    title: svg.querySelector('g.chart-title text')?.textContent ?? '',
    xTitle: svg.querySelector('g.bottom-axis g.title text')?.textContent ?? '',
    xTicks: ticks('bottom-axis').map((t) => ({ value: t.value, x: t.at[0] })),
    yTicks: ticks('left-axis').map((t) => ({ value: t.value, y: t.at[1] })),
    lines: texts('g.plot g[class^="line-plot-"] path').map((p) => ({
      stroke: p.getAttribute('stroke') ?? '',
      points: pathPoints(p.getAttribute('d') ?? '')
    }))
  };
}

/** A linear map through the first and last tick: the value a position on the axis stands for. */
function axisScale(ticks: Array<{ value: number; pos: number }>): { toPos(v: number): number; toValue(p: number): number } {
  const a = ticks[0];
  const b = ticks[ticks.length - 1];
  const k = (b.pos - a.pos) / (b.value - a.value);
  return { toPos: (v) => a.pos + (v - a.value) * k, toValue: (p) => a.value + (p - a.pos) / k };
}

/** A whole value read off the axis (+ 0: no -0 from rounding a hair below zero). */
const whole = (v: number): number => Math.round(v) + 0;

interface Step {
  /** Seconds since the start. */
  at: number;
  from: number;
  to: number;
}

/**
 * The drawn line as steps: every segment is flat (same y) or a riser one sample wide, the
 * nearest to vertical an xychart can draw; risers are returned as (time, from, to).
 */
function steps(chart: Drawn, line: Drawn['lines'][number], secondsPerUnit: number): { first: number; steps: Step[] } {
  const x = axisScale(chart.xTicks.map((t) => ({ value: t.value, pos: t.x })));
  const y = axisScale(chart.yTicks.map((t) => ({ value: t.value, pos: t.y })));
  const pts = line.points;
  expect(pts).toHaveLength(SAMPLES);
  const sampleWidth = (pts[pts.length - 1][0] - pts[0][0]) / (SAMPLES - 1);
  // A riser is at most a few pixels wide on GitHub's 700 px chart.
  expect(sampleWidth).toBeLessThan(3);
  const out: Step[] = [];
  for (let i = 1; i < pts.length; i++) {
    const [x0, y0] = pts[i - 1];
    const [x1, y1] = pts[i];
    expect(Math.abs(x1 - x0 - sampleWidth)).toBeLessThan(0.01);
    if (Math.abs(y1 - y0) < 0.01) continue;
    out.push({ at: x.toValue((x0 + x1) / 2) * secondsPerUnit, from: whole(y.toValue(y0)), to: whole(y.toValue(y1)) });
  }
  return { first: whole(y.toValue(pts[0][1])), steps: out };
}

// ---- the summaries ---------------------------------------------------------------------

const T0 = 73_456.5;
const at = (s: number): number => T0 + s * 1000;
const tg = (name: string): string => `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/${name}/0a1b2c3d4e5f6a7b`;
const phase = (s: number): RolloutEvent[] => [{ kind: 'phase-started', phase: 'render', title: 'Render', at: at(s) }];
const weights = (blue: number, s: number): RolloutEvent => ({
  kind: 'weights',
  weights: { [tg('web-blue')]: blue, [tg('web-green')]: 100 - blue },
  verified: true,
  at: at(s)
});
const verdict = (s: number): RolloutEvent => ({ kind: 'verdict', status: 'succeeded', reason: 'done', at: at(s) });
const tasks = (running: Record<string, number>, s: number): RolloutEvent => ({ kind: 'tasks', service: 'web', running, at: at(s) });

/** Blue/green, 10 → 50 → 100 % over three and a half minutes. */
const blueGreen = renderSummary({
  events: [...phase(0), weights(100, 1.9), weights(100, 30), weights(90, 64), weights(50, 95), weights(0, 126), verdict(216.5)],
  outputs: {},
  status: 'succeeded',
  reason: 'done'
});
/** Shifted to 10 %, then back on an alarm, within a minute and a half. */
const rolledBack = renderSummary({
  events: [...phase(0), weights(100, 1.9), weights(90, 64), weights(100, 81.6), verdict(112)],
  outputs: {},
  status: 'rolled-back',
  reason: 'alarm'
});
/** Rolling, 3 tasks: the new revision starts, the old one drains. */
const rolling = renderSummary({
  events: [
    ...phase(0),
    tasks({ 'web:4': 3 }, 5),
    tasks({ 'web:5': 1, 'web:4': 3 }, 20),
    tasks({ 'web:5': 3, 'web:4': 3 }, 40),
    tasks({ 'web:5': 3, 'web:4': 1 }, 60),
    tasks({ 'web:5': 3 }, 75),
    verdict(90)
  ],
  outputs: {},
  status: 'succeeded',
  reason: 'done'
});
/** The live colour read twice, never moved: no chart at all. */
const unmoved = renderSummary({
  events: [...phase(0), weights(100, 2), weights(100, 40)],
  outputs: {},
  status: 'failed',
  reason: 'preflight'
});

const blocks = (md: string): string[] => [...md.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((m) => m[1]);

describe.each(['default', 'dark'] as const)('the summary charts drawn by Mermaid in Chromium (%s theme)', (theme) => {
  let charts: Drawn[];

  beforeAll(async () => {
    const chromium = findChromium();
    if (!chromium)
      throw new Error('Chromium not found: install it (apt-get install -y chromium) or set CHROMIUM_PATH; this test does not skip');
    const sources = [blueGreen, rolledBack, rolling].map((md) => {
      const found = blocks(md);
      expect(found).toHaveLength(1);
      return found[0];
    });
    const doc = await renderInChromium(chromium, sources, theme);
    charts = sources.map((_, i) => {
      const svg = doc.querySelector(`#chart-${i} svg`);
      if (!svg) throw new Error(`chart ${i} was not drawn: ${doc.querySelector(`#chart-${i}`)?.innerHTML.slice(0, 500)}`);
      return readChart(svg);
    });
  }, 180_000);

  it('a blue/green deployment: the blue line is blue, the green line green, each drawn as steps at the times the weights changed, minutes on the axis', () => {
    const chart = charts[0];
    expect(chart.title).toBe('Traffic share per colour (%)');
    expect(chart.xTitle).toBe('minutes since start');
    expect(chart.xTicks.map((t) => t.value)).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5]);
    expect(chart.lines.map((l) => l.stroke)).toEqual([COLOURS.blue.hex, COLOURS.green.hex]);
    const [blue, green] = chart.lines.map((l) => steps(chart, l, 60));
    expect(blue.first).toBe(100);
    expect(blue.steps.map((s) => [s.from, s.to])).toEqual([
      [100, 90],
      [90, 50],
      [50, 0]
    ]);
    expect(green.first).toBe(0);
    expect(green.steps.map((s) => [s.from, s.to])).toEqual([
      [0, 10],
      [10, 50],
      [50, 100]
    ]);
    // Each step is drawn where it happened on the time axis, within one sample (~0.9 s here).
    for (const line of [blue, green]) {
      line.steps.forEach((s, i) => expect(Math.abs(s.at - [64, 95, 126][i])).toBeLessThan(1));
    }
  });

  it('a rollback: the step out and the step back, in seconds', () => {
    const chart = charts[1];
    expect(chart.xTitle).toBe('seconds since start');
    expect(chart.xTicks.map((t) => t.value)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110]);
    expect(chart.lines.map((l) => l.stroke)).toEqual([COLOURS.blue.hex, COLOURS.green.hex]);
    const blue = steps(chart, chart.lines[0], 1);
    expect(blue.steps.map((s) => [s.from, s.to])).toEqual([
      [100, 90],
      [90, 100]
    ]);
    expect(Math.abs(blue.steps[0].at - 64)).toBeLessThan(0.5);
    expect(Math.abs(blue.steps[1].at - 81.6)).toBeLessThan(0.5);
  });

  it('a rolling deployment: running tasks per revision over time, one colour each', () => {
    const chart = charts[2];
    expect(chart.title).toBe('Running tasks of web per revision');
    expect(chart.xTitle).toBe('seconds since start');
    expect(chart.lines).toHaveLength(2);
    expect(new Set(chart.lines.map((l) => l.stroke)).size).toBe(2);
    const [old, fresh] = chart.lines.map((l) => steps(chart, l, 1));
    expect(old.first).toBe(3);
    expect(old.steps.map((s) => [s.from, s.to, Math.round(s.at)])).toEqual([
      [3, 1, 60],
      [1, 0, 75]
    ]);
    expect(fresh.first).toBe(0);
    expect(fresh.steps.map((s) => [s.from, s.to, Math.round(s.at)])).toEqual([
      [0, 1, 20],
      [1, 3, 40]
    ]);
  });
});

it('a deployment whose traffic never moved has no chart to draw', () => {
  expect(blocks(unmoved)).toEqual([]);
});
