/**
 * `npm run mutate [-- src/mask.ts ...] [--fresh]`: Stryker on the decision logic, one source file at a
 * time with one test runner, and the mutation score per file at the end (a benchmark, not part of npm test).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Stryker } from '@stryker-mutator/core';
import type { MutantResult, PartialStrykerOptions } from '@stryker-mutator/api/core';

/** The decision logic: where a surviving mutant means a broken release could pass the suite. */
export const DECISION_LOGIC = [
  'src/deploy/verdict.ts',
  'src/deploy/steps.ts',
  'src/deploy/traffic.ts',
  'src/deploy/strategy.ts',
  'src/deploy/gate-loop.ts',
  'src/gates/analysis.ts',
  'src/gates/alarms.ts',
  'src/render/validate.ts',
  'src/render/template.ts',
  'src/mask.ts',
  'src/lock/lock.ts'
];

const REPORTS = 'reports/mutation';

/** stryker.config.mjs stays what `npx stryker run` reads too; this script adds the file and its tests. */
const configModule = (await import(pathToFileURL(resolve('stryker.config.mjs')).href)) as { default: PartialStrykerOptions };
const base = configModule.default;

interface FileScore {
  file: string;
  score: number;
  killed: number;
  survived: number;
  noCoverage: number;
  tests: number;
  minutes: number;
  survivors: string[];
}

/** The unit and local-ECS suites that import `file`; e2e suites run dist/ in a child process, so no mutant reaches them. */
function relatedTests(file: string): string[] {
  const out = execFileSync(process.execPath, ['node_modules/jest/bin/jest.js', '--listTests', '--findRelatedTests', file], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '--experimental-vm-modules' }
  });
  return out
    .split('\n')
    .filter((line) => line.endsWith('.test.ts'))
    .map((abs) => relative(process.cwd(), abs))
    .filter((rel) => !rel.startsWith('test/e2e/'))
    .sort();
}

function describeMutant(m: MutantResult): string {
  const at = `${m.location.start.line}:${m.location.start.column}`;
  return `${at} ${m.mutatorName}: ${(m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 100)}`;
}

async function mutateOne(file: string, fresh: boolean): Promise<FileScore> {
  const tests = relatedTests(file);
  if (tests.length === 0) throw new Error(`no unit test imports ${file}: nothing could kill its mutants`);
  const slug = file.replace(/[/.]/g, '_');
  const options: PartialStrykerOptions = {
    ...base,
    mutate: [file],
    jest: { ...(base['jest'] as object), config: { testMatch: tests.map((t) => `<rootDir>/${t}`) } },
    // Re-runs retest only the mutants whose code or covering tests changed.
    incremental: !fresh,
    incrementalFile: `${REPORTS}/incremental-${slug}.json`
  };
  console.log(`\n=== ${file}: ${tests.length} related suites`);
  const started = performance.now();
  const results = await new Stryker(options).runMutationTest();
  const minutes = (performance.now() - started) / 60_000;
  const count = (status: MutantResult['status']): number => results.filter((r) => r.status === status).length;
  const killed = count('Killed') + count('Timeout');
  const survived = count('Survived');
  const noCoverage = count('NoCoverage');
  const valid = killed + survived + noCoverage;
  return {
    file,
    score: valid === 0 ? 100 : (100 * killed) / valid,
    killed,
    survived,
    noCoverage,
    tests: tests.length,
    minutes,
    survivors: results.filter((r) => r.status === 'Survived' || r.status === 'NoCoverage').map(describeMutant)
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const fresh = args.includes('--fresh');
  const files = args.filter((a) => !a.startsWith('--'));
  const unknown = files.filter((f) => !DECISION_LOGIC.includes(f));
  if (unknown.length > 0) console.log(`note: ${unknown.join(', ')} not in the decision-logic list; mutating anyway`);
  mkdirSync(REPORTS, { recursive: true });
  const scores: FileScore[] = [];
  for (const file of files.length > 0 ? files : DECISION_LOGIC) scores.push(await mutateOne(file, fresh));

  console.log('\nmutation score per file (target ≥ 90 %)');
  for (const s of scores) {
    const mark = s.score >= 90 ? ' ' : '!';
    console.log(
      `${mark} ${s.file.padEnd(28)} ${s.score.toFixed(1).padStart(5)} %  killed ${s.killed}, survived ${s.survived}, no coverage ${s.noCoverage}  (${s.tests} suites, ${s.minutes.toFixed(1)} min)`
    );
  }
  writeFileSync(`${REPORTS}/summary.json`, JSON.stringify(scores, null, 2) + '\n');
  console.log(`\nsurvivors per file: ${REPORTS}/summary.json`);
}

await main();
