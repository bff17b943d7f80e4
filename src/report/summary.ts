/**
 * The job summary: a deployment is a story in time, told as Markdown (which GitHub renders,
 * Mermaid charts included). Pure: events and outputs in, text out; the adapters write it.
 */
import type { DeployStatus, Phase, RolloutEvent } from '../events.js';
import { formatDuration } from '../duration.js';
import { tasksChart, trafficChart } from './charts.js';

export { tasksChart, trafficChart };

export interface SummaryInput {
  events: RolloutEvent[];
  outputs: Record<string, string>;
  /** The verdict of a deployment; undefined for render/register runs. */
  status?: DeployStatus;
  reason?: string;
  /** A failure's one-sentence headline (verdict, root cause, where traffic is): the summary's first line when given. */
  headline?: string;
  /** A failure before any deployment started (bad input, AWS error). */
  error?: string;
  region?: string;
  cluster?: string;
  services?: string[];
  /** The revision diff, already formatted. */
  diff?: string;
}

const ICON: Record<DeployStatus, string> = { succeeded: '✅', 'rolled-back': '↩️', failed: '❌' };

export function verdictLine(input: SummaryInput): string {
  if (input.error) return `### ❌ ${input.headline ? oneLine(input.headline) : `ecs-rollout failed: ${oneLine(input.error)}`}`;
  if (input.status && input.headline) return `### ${ICON[input.status]} ${oneLine(input.headline)}`;
  if (input.status) {
    const what = { succeeded: 'Deployment succeeded', 'rolled-back': 'Deployment rolled back', failed: 'Deployment failed' }[input.status];
    return `### ${ICON[input.status]} ${what}${input.reason ? `: ${oneLine(input.reason)}` : ''}`;
  }
  const arn = input.outputs['task-definition-arn'];
  if (arn) return `### ✅ ${input.outputs['task-definition-reused'] === 'true' ? 'Reused' : 'Registered'} ${revisionName(arn)}`;
  return `### ✅ Rendered ${input.outputs['task-definition'] ?? 'the task definition'}`;
}

function oneLine(s: string): string {
  return s.split('\n')[0]!.replace(/\|/g, '\\|');
}

function revisionName(arn: string): string {
  return arn.split('/').pop() ?? arn;
}

interface PhaseRow {
  phase: Phase;
  title: string;
  start: number;
  end?: number;
  ok?: boolean;
  notes: string[];
}

function phaseRows(events: RolloutEvent[]): PhaseRow[] {
  const rows: PhaseRow[] = [];
  const open: PhaseRow[] = [];
  for (const e of events) {
    if (e.kind === 'phase-started') {
      const row: PhaseRow = { phase: e.phase, title: e.title, start: e.at, notes: [] };
      rows.push(row);
      open.push(row);
    } else if (e.kind === 'phase-finished') {
      const idx = open.map((r) => r.phase).lastIndexOf(e.phase);
      if (idx >= 0) {
        const [row] = open.splice(idx, 1);
        row!.end = e.at;
        row!.ok = e.ok;
      }
    } else {
      const row = open[open.length - 1];
      if (!row) continue;
      if (e.kind === 'weights') row.notes.push(`weights ${formatWeights(e.weights)}${e.verified ? ' (verified)' : ''}`);
      if (e.kind === 'gate' && e.phase !== 'pass') row.notes.push(`${e.gate}: ${e.phase} — ${e.reason}`);
      if (e.kind === 'registered') row.notes.push(`${e.reused ? 'reused' : 'registered'} ${revisionName(e.arn)}`);
    }
  }
  return rows;
}

export function formatWeights(weights: Record<string, number>): string {
  return Object.entries(weights)
    .map(([k, v]) => `${shortName(k)} ${v}%`)
    .join(' / ');
}

function shortName(key: string): string {
  // Target group ARNs: arn:aws:elasticloadbalancing:…:targetgroup/NAME/ID → NAME
  const tg = /targetgroup\/([^/]+)\//.exec(key);
  return tg ? tg[1]! : key;
}

export function consoleLinks(input: SummaryInput): string[] {
  const region = input.region;
  if (!region) return [];
  const base = `https://${region}.console.aws.amazon.com/ecs/v2`;
  const links: string[] = [];
  for (const service of input.services ?? []) {
    if (input.cluster) {
      links.push(`[service ${service}](${base}/clusters/${input.cluster}/services/${service}/health?region=${region})`);
      links.push(`[deployments of ${service}](${base}/clusters/${input.cluster}/services/${service}/deployments?region=${region})`);
    }
  }
  const arn = input.outputs['task-definition-arn'];
  const m = arn && /task-definition\/([^:]+):(\d+)$/.exec(arn);
  if (m) links.push(`[revision ${m[1]}:${m[2]}](${base}/task-definitions/${m[1]}/${m[2]}/containers?region=${region})`);
  return links;
}

export function renderSummary(input: SummaryInput): string {
  const out: string[] = [verdictLine(input), ''];
  // The verdict line holds only the error's first line; several input problems
  // ("3 problems:" + one line each) would otherwise never reach the summary.
  const details = input.error
    ?.split('\n')
    .slice(input.headline ? 0 : 1)
    .filter((l) => l.trim() !== '');
  if (details?.length) out.push('```', ...details, '```', '');
  const rows = phaseRows(input.events);
  if (rows.length) {
    out.push('| phase | took | result | notes |', '| --- | --- | --- | --- |');
    for (const r of rows) {
      const took = r.end !== undefined ? formatDuration(r.end - r.start) : '…';
      const result = r.ok === undefined ? 'interrupted' : r.ok ? 'ok' : 'failed';
      out.push(`| ${r.title} | ${took} | ${result} | ${r.notes.map(oneLine).join('<br>')} |`);
    }
    out.push('');
  }
  // A deployment that moved traffic is told by its traffic; one that did not (rolling), by its tasks.
  const chart = trafficChart(input.events) ?? tasksChart(input.events);
  if (chart) out.push(chart, '');
  const evidence = input.events.filter((e): e is Extract<RolloutEvent, { kind: 'evidence' }> => e.kind === 'evidence');
  for (const e of evidence) {
    // A fence longer than any backtick run inside: container output may print its own ``` lines.
    const fence = '`'.repeat(Math.max(3, ...e.lines.map((l) => (l.match(/`+/g) ?? []).reduce((n, run) => Math.max(n, run.length + 1), 0))));
    out.push(`#### ${e.title}`, '', fence, ...e.lines, fence, '');
    if (e.link) out.push(`[${e.link.label}](${e.link.url})`, '');
  }
  const outputs = Object.entries(input.outputs).filter(([, v]) => v !== '');
  if (outputs.length) {
    out.push('<details><summary>Outputs</summary>', '', '| output | value |', '| --- | --- |');
    for (const [k, v] of outputs) out.push(`| \`${k}\` | \`${oneLine(v)}\` |`);
    out.push('', '</details>', '');
  }
  if (input.diff) out.push('<details><summary>Revision diff</summary>', '', '```diff', input.diff, '```', '', '</details>', '');
  const links = consoleLinks(input);
  if (links.length) out.push(`AWS console: ${links.join(' · ')}`, '');
  return out.join('\n');
}
