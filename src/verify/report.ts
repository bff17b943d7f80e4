/** How `verify` tells its results: a table a person reads, and the counts both outputs carry. */
import type { CheckResult } from './checks.js';

export interface VerifyCounts {
  passed: number;
  failed: number;
  skipped: number;
}

export function countResults(results: CheckResult[]): VerifyCounts {
  return {
    passed: results.filter((r) => r.outcome === 'ok').length,
    failed: results.filter((r) => r.outcome === 'failed').length,
    skipped: results.filter((r) => r.outcome === 'skipped').length
  };
}

const LABEL = { ok: 'ok', failed: 'FAILED', skipped: 'skipped' } as const;

function where(r: CheckResult): string {
  return r.container ? `${r.path} (container ${r.container})` : r.path;
}

/** One line per check (failures first, then the rest in order), a fix under each failure, and a closing count. */
export function formatResults(results: CheckResult[], heading: string): string {
  const ordered = [...results.filter((r) => r.outcome === 'failed'), ...results.filter((r) => r.outcome !== 'failed')];
  const lines = [heading];
  for (const r of ordered) {
    lines.push(`  ${LABEL[r.outcome].padEnd(8)} ${where(r)}: ${r.detail}`);
    if (r.outcome === 'failed' && r.fix) lines.push(`           fix: ${r.fix}`);
  }
  const c = countResults(results);
  lines.push(
    c.failed
      ? `${c.failed} problem${c.failed === 1 ? '' : 's'} found; ${c.passed} passed, ${c.skipped} not checked`
      : `all ${c.passed} checks passed${c.skipped ? `, ${c.skipped} not checked` : ''}`
  );
  return lines.join('\n');
}
