/**
 * The job summary for the three endings a user meets: a blue/green deployment that
 * succeeds, one that rolls back on an alarm, and a run that fails before deploying.
 * The Mermaid chart is checked with Mermaid's own parser (in Node, with jsdom standing in
 * for the browser DOM its text sanitiser wants), and its data points read back from the
 * parsed diagram: what GitHub would draw, not what the string looks like.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JSDOM } from 'jsdom';
import { InputError, InputErrors } from '../../src/errors.js';
import type { Phase, RolloutEvent } from '../../src/events.js';
import { renderSummary, trafficChart, verdictLine, type SummaryInput } from '../../src/report/summary.js';
import { diffTaskDefinitions, formatDiff } from '../../src/render/diff.js';

function taskDef(image: string) {
  return { family: 'web', containerDefinitions: [{ name: 'web', image, essential: true, portMappings: [{ containerPort: 8080 }] }] };
}

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const tg = (name: string, id: string): string => `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/${name}/${id}`;
const BLUE_TG = tg('web-blue', '0a1b2c3d4e5f6a7b');
const GREEN_TG = tg('web-green', '1b2c3d4e5f6a7b8c');
const NEW_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/web:42`;
const OLD_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/web:41`;

/**
 * Builds a story on a monotonic clock that does not start at zero (as performance.now()
 * does not): `at` values are seconds since the story began.
 */
class Story {
  static readonly T0 = 73_456.5;
  readonly events: RolloutEvent[] = [];
  private ms = (s: number): number => Story.T0 + s * 1000;
  start(phase: Phase, title: string, at: number): this {
    this.events.push({ kind: 'phase-started', phase, title, at: this.ms(at) });
    return this;
  }
  end(phase: Phase, ok: boolean, at: number): this {
    this.events.push({ kind: 'phase-finished', phase, ok, at: this.ms(at) });
    return this;
  }
  weights(blue: number, green: number, at: number, verified = true): this {
    this.events.push({ kind: 'weights', weights: { [BLUE_TG]: blue, [GREEN_TG]: green }, verified, at: this.ms(at) });
    return this;
  }
  gate(gate: string, phase: 'pass' | 'fail' | 'inconclusive', reason: string, at: number): this {
    this.events.push({ kind: 'gate', gate, phase, reason, at: this.ms(at) });
    return this;
  }
  add(event: RolloutEvent): this {
    this.events.push(event);
    return this;
  }
}

/** Render + register + discover + the green service started: shared by both blue/green stories. */
function preparedBlueGreen(): Story {
  return new Story()
    .start('render', 'Render task definition', 0)
    .add({ kind: 'rendered', file: 'examples/web.taskdef.json', family: 'web' })
    .end('render', true, 0.2)
    .start('register', 'Register revision', 0.2)
    .add({ kind: 'registered', arn: NEW_ARN, reused: false })
    .end('register', true, 1.4)
    .start('discover', 'Find the live colour', 1.4)
    .weights(100, 0, 1.9)
    .end('discover', true, 2)
    .start('prepare', 'Start web-green on web:42', 2)
    .end('prepare', true, 62)
    .start('gates', 'Gates before the first shift', 62)
    .gate('targets', 'pass', 'all 3 targets healthy', 62.5)
    .end('gates', true, 63);
}

const succeeded: SummaryInput = {
  events: preparedBlueGreen()
    .start('shift', 'Shift to 10%', 63)
    .weights(90, 10, 64)
    .end('shift', true, 64)
    .start('bake', 'Bake 30s at 10%', 64)
    .gate('alarm web-5xx', 'inconclusive', 'INSUFFICIENT_DATA: no datapoints yet', 70)
    .gate('alarm web-5xx', 'pass', 'OK', 80)
    .end('bake', true, 94)
    .start('shift', 'Shift to 50%', 94)
    .weights(50, 50, 95)
    .end('shift', true, 95)
    .start('bake', 'Bake 30s at 50%', 95)
    .end('bake', true, 125)
    .start('shift', 'Shift to 100%', 125)
    .weights(0, 100, 126)
    .end('shift', true, 126)
    .start('bake', 'Final bake 60s', 126)
    .end('bake', true, 186)
    .start('promote', 'Retire web-blue', 186)
    .end('promote', true, 216.5)
    .add({ kind: 'verdict', status: 'succeeded', reason: 'web-green serves 100% on web:42', at: Story.T0 + 216_500 }).events,
  outputs: {
    'task-definition': '/tmp/runner/web.taskdef.rendered.json',
    'task-definition-arn': NEW_ARN,
    'task-definition-reused': 'false',
    'previous-task-definition-arn': OLD_ARN,
    status: 'succeeded',
    'rolled-back': 'false',
    reason: 'web-green serves 100% on web:42',
    'live-service': 'web-green',
    'previous-service': 'web-blue',
    traffic: 'web-blue=0,web-green=100',
    'steps-completed': '3'
  },
  status: 'succeeded',
  reason: 'web-green serves 100% on web:42',
  region: REGION,
  cluster: 'prod',
  services: ['web-blue', 'web-green'],
  // What the pipeline passes: the revision diff as src/render/diff.ts formats it, not hand-written text.
  diff: formatDiff(diffTaskDefinitions(taskDef('registry.example.com/web:v1'), taskDef('registry.example.com/web:v2')))
};

const ALARM_REASON =
  'alarm web-5xx is in ALARM: Threshold Crossed: 1 out of the last 1 datapoints [12.0 (01/05/24 12:03:00)] was greater than the threshold (5.0)';

const rolledBack: SummaryInput = {
  events: preparedBlueGreen()
    .start('shift', 'Shift to 10%', 63)
    .weights(90, 10, 64)
    .end('shift', true, 64)
    .start('bake', 'Bake 30s at 10%', 64)
    .gate('alarm web-5xx', 'fail', ALARM_REASON, 81)
    .end('bake', false, 81)
    .start('rollback', 'Roll back to web-blue', 81)
    .weights(100, 0, 81.6)
    .add({
      kind: 'evidence',
      title: 'Target health of web-green-tg',
      lines: ['2 × unhealthy Target.ResponseCodeMismatch: Health checks failed with these codes: [500]', '1 × healthy']
    })
    .end('rollback', true, 112)
    .add({ kind: 'verdict', status: 'rolled-back', reason: ALARM_REASON, at: Story.T0 + 112_000 }).events,
  outputs: {
    'task-definition-arn': NEW_ARN,
    'previous-task-definition-arn': OLD_ARN,
    status: 'rolled-back',
    'rolled-back': 'true',
    reason: ALARM_REASON,
    'live-service': 'web-blue',
    traffic: 'web-blue=100,web-green=0',
    'steps-completed': '1'
  },
  status: 'rolled-back',
  reason: ALARM_REASON,
  region: REGION,
  cluster: 'prod',
  services: ['web-blue', 'web-green']
};

const MEMORY_PROBLEM = new InputError(
  '300 MiB is not a valid Fargate memory size for 256 CPU units',
  { file: 'examples/web.taskdef.json', path: 'containerDefinitions[0].memory' },
  'use 512, 1024 or 2048'
);
const POLL_PROBLEM = new InputError('input `poll-interval` is "soon", not a duration', {}, 'e.g. 5s, 500ms or 1m');

const failed: SummaryInput = {
  events: new Story().start('render', 'Render task definition', 0).end('render', false, 0.05).events,
  outputs: {},
  error: new InputErrors([MEMORY_PROBLEM, POLL_PROBLEM]).message,
  region: REGION,
  cluster: 'prod',
  services: ['web-blue', 'web-green']
};

// ---- Mermaid, parsed for real ----------------------------------------------------------

interface XYChartData {
  xAxis: { type: string; categories?: string[] };
  yAxis: { type: string; min?: number; max?: number };
  plots: Array<{ type: string; title: string; data: Array<[string, number]> }>;
}

type Mermaid = (typeof import('mermaid'))['default'];
let mermaid: Mermaid;
let dom: JSDOM;

beforeAll(async () => {
  // DOMPurify (which Mermaid runs every label through) needs a DOM; it looks for `window`
  // when it is first imported, so the window must exist before Mermaid is loaded.
  dom = new JSDOM('');
  Object.assign(globalThis, { window: dom.window });
  mermaid = (await import('mermaid')).default;
});

afterAll(() => {
  dom.window.close();
});

function hasChartData(db: object): db is { getXYChartData(): XYChartData } {
  return 'getXYChartData' in db && typeof db.getXYChartData === 'function';
}

/** The chart's Mermaid source out of the summary's fenced block. */
function mermaidBlock(markdown: string): string | undefined {
  return /```mermaid\n([\s\S]*?)\n```/.exec(markdown)?.[1];
}

/** Parses like GitHub's renderer would (throws on a syntax error) and returns the chart's data. */
async function parseChart(source: string): Promise<XYChartData> {
  const parsed = await mermaid.parse(source);
  expect(parsed).toMatchObject({ diagramType: 'xychart' });
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(source);
  if (!hasChartData(diagram.db)) throw new Error('Mermaid did not produce an xychart');
  return diagram.db.getXYChartData();
}

/** `[x, y]` per data point of the line titled `title`. */
function line(chart: XYChartData, title: string): Array<[number, number]> {
  const plot = chart.plots.find((p) => p.title === title);
  if (!plot) throw new Error(`no line "${title}" in ${JSON.stringify(chart.plots.map((p) => p.title))}`);
  expect(plot.type).toBe('line');
  return plot.data.map(([x, y]) => [Number(x), y]);
}

/**
 * The line titled `title` as the step function it draws: its first value, then each change as
 * [seconds since start, new value]. Samples are evenly spaced, so a change is placed at the
 * first sample after it: within one sample interval of when it happened.
 */
function stepsOf(
  chart: XYChartData,
  title: string,
  secondsPerUnit: number
): { first: number; changes: Array<[number, number]>; interval: number } {
  const points = line(chart, title);
  const changes: Array<[number, number]> = [];
  for (let i = 1; i < points.length; i++)
    if (points[i][1] !== points[i - 1][1]) changes.push([points[i][0] * secondsPerUnit, points[i][1]]);
  return { first: points[0][1], changes, interval: (points[1][0] - points[0][0]) * secondsPerUnit };
}

/** Each change happened at the expected second, to within one sample. */
function expectSteps(steps: ReturnType<typeof stepsOf>, first: number, expected: Array<[number, number]>): void {
  expect(steps.first).toBe(first);
  expect(steps.changes.map(([, v]) => v)).toEqual(expected.map(([, v]) => v));
  steps.changes.forEach(([at], i) => {
    expect(at).toBeGreaterThanOrEqual(expected[i][0]);
    expect(at - expected[i][0]).toBeLessThanOrEqual(steps.interval);
  });
}

it('the parser is strict enough to catch a broken chart', async () => {
  const good = trafficChart(succeeded.events)!;
  await expect(parseChart(mermaidBlock(good)!)).resolves.toBeDefined();
  await expect(mermaid.parse(mermaidBlock(good)!.replace('-->', '->'))).rejects.toThrow(/Parse error/);
  await expect(mermaid.parse(mermaidBlock(good)!.replace(/\[100, /, '[100%, '))).rejects.toThrow(/(Parse|Lexical) error/);
});

// ---- the three endings -----------------------------------------------------------------

describe('a blue/green deployment that succeeds', () => {
  const md = renderSummary(succeeded);

  it('says so in the first line, with the reason', () => {
    expect(md.split('\n')[0]).toBe('### ✅ Deployment succeeded: web-green serves 100% on web:42');
    expect(verdictLine(succeeded)).toBe(md.split('\n')[0]);
  });

  it('charts each colour’s traffic as steps at the moments the weights were verified', async () => {
    const chart = await parseChart(mermaidBlock(md)!);
    // Minutes since the first phase started, whatever the monotonic clock's origin.
    expect(chart.xAxis).toMatchObject({ type: 'linear', title: 'minutes since start', min: 0, max: 3.7 });
    expectSteps(stepsOf(chart, 'web-blue', 60), 100, [
      [64, 90],
      [95, 50],
      [126, 0]
    ]);
    expectSteps(stepsOf(chart, 'web-green', 60), 0, [
      [64, 10],
      [95, 50],
      [126, 100]
    ]);
    expect(chart.plots).toHaveLength(2);
    expect(chart.yAxis).toMatchObject({ type: 'linear', min: 0, max: 100 });
    // Every sample is a whole share of the traffic.
    for (const plot of chart.plots) {
      const total = plot.data.map((_, i) => chart.plots.reduce((sum, p) => sum + p.data[i][1], 0));
      expect(total.every((t) => t === 100)).toBe(true);
    }
  });

  it('has a row per phase with its duration, result and what happened in it', () => {
    expect(md).toContain('| Start web-green on web:42 | 1m | ok |  |');
    expect(md).toContain('| Register revision | 1.2s | ok | registered web:42 |');
    expect(md).toContain('| Shift to 50% | 1s | ok | weights web-blue 50% / web-green 50% (verified) |');
    expect(md).toContain('alarm web-5xx: inconclusive — INSUFFICIENT_DATA: no datapoints yet');
  });

  it('links the services, their deployments and the revision in the region’s console', () => {
    expect(md).toContain('https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/prod/services/web-green/health?region=us-east-1');
    expect(md).toContain('https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/prod/services/web-blue/deployments?region=us-east-1');
    expect(md).toContain(
      '[revision web:42](https://us-east-1.console.aws.amazon.com/ecs/v2/task-definitions/web/42/containers?region=us-east-1)'
    );
  });

  it('keeps the diff in a collapsed section', () => {
    expect(md).toContain(
      '<details><summary>Revision diff</summary>\n\n```diff\n~ containerDefinitions[web].image: "registry.example.com/web:v1" → "registry.example.com/web:v2"\n```'
    );
  });

  it('matches the snapshot', () => {
    expect(md).toMatchSnapshot();
  });
});

describe('a blue/green deployment that rolls back', () => {
  const md = renderSummary(rolledBack);

  it('says rolled back and why in the first line', () => {
    expect(md.split('\n')[0]).toBe(`### ↩️ Deployment rolled back: ${ALARM_REASON}`);
  });

  it('charts traffic going back to the stable colour', async () => {
    const chart = await parseChart(mermaidBlock(md)!);
    expect(chart.xAxis).toMatchObject({ type: 'linear', title: 'seconds since start' });
    expectSteps(stepsOf(chart, 'web-blue', 1), 100, [
      [64, 90],
      [81.6, 100]
    ]);
    expectSteps(stepsOf(chart, 'web-green', 1), 0, [
      [64, 10],
      [81.6, 0]
    ]);
  });

  it('shows the failed bake with the gate that failed, the rollback, and the evidence', () => {
    expect(md).toContain(`| Bake 30s at 10% | 17s | failed | alarm web-5xx: fail — ${ALARM_REASON} |`);
    expect(md).toContain('| Roll back to web-blue | 31s | ok | weights web-blue 100% / web-green 0% (verified) |');
    expect(md).toContain(
      '#### Target health of web-green-tg\n\n```\n2 × unhealthy Target.ResponseCodeMismatch: Health checks failed with these codes: [500]\n1 × healthy\n```'
    );
  });

  it('matches the snapshot', () => {
    expect(md).toMatchSnapshot();
  });
});

describe('a run that fails before deploying', () => {
  const md = renderSummary(failed);

  it('says it failed in the first line, and lists every problem below it', () => {
    const lines = md.split('\n');
    expect(lines[0]).toBe('### ❌ ecs-rollout failed: 2 problems:');
    expect(md).toContain(`\`\`\`\n  - ${MEMORY_PROBLEM.message}\n  - ${POLL_PROBLEM.message}\n\`\`\``);
    expect(MEMORY_PROBLEM.message).toBe(
      'examples/web.taskdef.json containerDefinitions[0].memory: 300 MiB is not a valid Fargate memory size for 256 CPU units (use 512, 1024 or 2048)'
    );
  });

  it('a single error is the verdict line and nothing is repeated', () => {
    const single = renderSummary({ ...failed, error: MEMORY_PROBLEM.message });
    expect(single.split('\n')[0]).toBe(`### ❌ ecs-rollout failed: ${MEMORY_PROBLEM.message}`);
    expect(single.split(MEMORY_PROBLEM.message)).toHaveLength(2);
  });

  it('weights read twice in a row (preflight, then the deployment) are one step of the chart', async () => {
    const w = (blue: number, at: number): RolloutEvent => ({
      kind: 'weights',
      weights: { 'web-blue': blue, 'web-green': 100 - blue },
      verified: true,
      at
    });
    const chart = await parseChart(mermaidBlock(trafficChart([w(100, 0), w(100, 10_000), w(90, 20_000), w(0, 30_000)])!)!);
    expectSteps(stepsOf(chart, 'web-blue', 1), 100, [
      [20, 90],
      [30, 0]
    ]);
  });

  it('has no chart (no traffic ever moved) and shows the failed phase', () => {
    expect(mermaidBlock(md)).toBeUndefined();
    expect(trafficChart(failed.events)).toBeUndefined();
    expect(md).toContain('| Render task definition | 50ms | failed |  |');
    expect(md).not.toContain('<summary>Outputs</summary>');
  });

  it('matches the snapshot', () => {
    expect(md).toMatchSnapshot();
  });
});

describe('verdict lines', () => {
  it.each<[string, SummaryInput, string]>([
    [
      'a pipe in a reason cannot break the heading',
      { events: [], outputs: {}, status: 'failed', reason: 'a | b' },
      '### ❌ Deployment failed: a \\| b'
    ],
    [
      'register-only',
      { events: [], outputs: { 'task-definition-arn': NEW_ARN, 'task-definition-reused': 'true' } },
      '### ✅ Reused web:42'
    ],
    ['render-only', { events: [], outputs: { 'task-definition': 'out/web.json' } }, '### ✅ Rendered out/web.json']
  ])('%s', (_what, input, expected) => {
    expect(verdictLine(input)).toBe(expected);
  });
});

describe('secrets in the summary', () => {
  // `|` is escaped in table cells and the verdict line; each line of a multi-line value is its own line.
  const SECRET = 'hunter|2"\\x\nsecond-line=é';

  it('no form of a secret survives the summary once the adapter masks it (verdict, gate notes, evidence, outputs, diff)', async () => {
    const { SecretMask, secretForms } = await import('../../src/mask.js');
    const mask = new SecretMask();
    mask.add(SECRET);
    const events: RolloutEvent[] = [
      { kind: 'phase-started', phase: 'bake', title: 'Bake', at: 1 },
      { kind: 'gate', gate: 'alarm', phase: 'fail', reason: `alarm quoted ${SECRET}`, at: 2 },
      { kind: 'phase-finished', phase: 'bake', ok: false, at: 3 },
      { kind: 'evidence', title: 'Stopped tasks', lines: [`exit 1: ${SECRET}`] }
    ];
    const markdown = mask.mask(
      renderSummary({
        events,
        outputs: { reason: `failed: ${SECRET}` },
        status: 'rolled-back',
        reason: `the migration said ${SECRET}`,
        diff: `~ containerDefinitions[web].environment.X: ${JSON.stringify(SECRET)} → "y"`
      })
    );
    for (const form of secretForms(SECRET)) expect(markdown).not.toContain(form);
    for (const part of ['hunter', 'second-line']) expect(markdown).not.toContain(part);
    expect(markdown).toMatch(/^### ↩️ Deployment rolled back: the migration said \*\*\*$/m);
  });
});
