/**
 * The job summary of a release: the release's verdict first, then one row per service
 * (revision before → after, strategy, verdict, duration, reason) and one timeline of every
 * service. Pure: the release's result in, Markdown out.
 */
import type { DeployStatus, RolloutEvent } from '../events.js';
import { formatDuration } from '../duration.js';
import type { ReleaseResult, ServiceOutcome, ServiceVerdict } from './run.js';

const ICON: Record<DeployStatus, string> = { succeeded: '✅', 'rolled-back': '↩️', failed: '❌' };
const VERDICT: Record<ServiceVerdict, string> = {
  succeeded: '✅ succeeded',
  'rolled-back': '↩️ rolled back',
  restored: '↩️ rolled back with the release',
  failed: '❌ failed',
  unchanged: '⛔ not deployed',
  'not-started': '⏸️ not started'
};

export interface ReleaseSummaryInput {
  /** Absent when the release was refused before it started (bad file, lock busy). */
  result?: ReleaseResult;
  error?: string;
  file: string;
  cluster?: string;
  /** Events of the release itself (phases, the release-level gate). */
  events?: RolloutEvent[];
}

export function renderReleaseSummary(input: ReleaseSummaryInput): string {
  const out: string[] = [];
  const r = input.result;
  if (!r) {
    out.push(`### ❌ Release refused: ${oneLine(input.error ?? 'it did not start')}`, '');
    const details = input.error
      ?.split('\n')
      .slice(1)
      .filter((l) => l.trim() !== '');
    if (details?.length) out.push('```', ...details, '```', '');
    out.push(`Nothing was changed. Release file: \`${input.file}\``, '');
    return out.join('\n');
  }
  const what = { succeeded: 'Release succeeded', 'rolled-back': 'Release rolled back', failed: 'Release failed' }[r.status];
  out.push(`### ${ICON[r.status]} ${what}: ${oneLine(r.reason)}`, '');
  out.push(
    `${r.services.length} service${r.services.length === 1 ? '' : 's'} in ${r.waves.length} wave${r.waves.length === 1 ? '' : 's'}` +
      `${input.cluster ? ` on cluster \`${input.cluster}\`` : ''}, ${formatDuration(Math.round(r.durationMs))} · release file \`${input.file}\``,
    ''
  );
  out.push('| service | wave | strategy | revision | verdict | took | reason |', '| --- | --- | --- | --- | --- | --- | --- |');
  for (const s of r.services) {
    out.push(
      `| ${s.name} | ${s.wave + 1} | ${s.strategy} | ${revisionChange(s)} | ${VERDICT[s.verdict]} | ${took(s)} | ${oneLine(s.headline ?? s.reason)} |`
    );
  }
  out.push('');
  const chart = timeline(r.services);
  if (chart) out.push(chart, '');
  const gate = (input.events ?? []).filter((e): e is Extract<RolloutEvent, { kind: 'gate' }> => e.kind === 'gate' && e.phase === 'fail');
  for (const g of gate) out.push(`Release gate **${g.gate}** failed: ${oneLine(g.reason)}`, '');
  for (const s of r.services) {
    const evidence = s.events.filter((e): e is Extract<RolloutEvent, { kind: 'evidence' }> => e.kind === 'evidence');
    for (const e of evidence)
      out.push(`<details><summary>${s.name}: ${e.title}</summary>`, '', '```', ...e.lines, '```', '', '</details>', '');
  }
  return out.join('\n');
}

/** `web:3 → web:4`, or the one revision when nothing changed. */
function revisionChange(s: ServiceOutcome): string {
  const name = (arn?: string): string => (arn ? (arn.split('/').pop() ?? arn) : '?');
  if (!s.after) return s.before ? name(s.before) : '—';
  return s.before && s.before !== s.after ? `${name(s.before)} → ${name(s.after)}` : name(s.after);
}

function took(s: ServiceOutcome): string {
  return s.startedMs !== undefined && s.endedMs !== undefined ? formatDuration(Math.round(s.endedMs - s.startedMs)) : '—';
}

/** One Gantt chart: a bar per service from its start to its verdict (or its rollback), a section per wave. */
export function timeline(services: ServiceOutcome[]): string | undefined {
  const ran = services.filter((s) => s.startedMs !== undefined && s.endedMs !== undefined);
  if (ran.length === 0) return undefined;
  const lines = ['```mermaid', 'gantt', '  dateFormat x', '  axisFormat %M:%S'];
  const waves = [...new Set(ran.map((s) => s.wave))].sort((a, b) => a - b);
  for (const w of waves) {
    lines.push(`  section wave ${w + 1}`);
    for (const s of ran.filter((x) => x.wave === w)) {
      const tag = s.verdict === 'succeeded' ? 'done' : s.verdict === 'restored' ? 'active' : 'crit';
      const start = Math.round(s.startedMs!);
      // Mermaid draws nothing for a zero-length bar.
      const end = Math.max(start + 1, Math.round(s.endedMs!));
      lines.push(`  ${s.name.replace(/[:#;]/g, '_')} (${s.verdict}) :${tag}, ${start}, ${end}`);
    }
  }
  lines.push('```');
  return lines.join('\n');
}

function oneLine(s: string): string {
  return s.split('\n')[0]!.replace(/\|/g, '\\|');
}
