/**
 * `npm run mutate [-- src/mask.ts ...] [--fresh]`: Stryker on the decision logic, one source file at a
 * time with one test runner, and the mutation score per file at the end (a benchmark, not part of npm test).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Stryker } from '@stryker-mutator/core';
import type { MutantResult, PartialStrykerOptions } from '@stryker-mutator/api/core';

/**
 * The decision logic (where a surviving mutant means a broken release could pass the suite), each with
 * the unit suites that exercise it directly. Not --findRelatedTests: that pulls in every suite that
 * imports the file through the pipeline (17 for verdict.ts, the local-ECS ones included), and Jest loads
 * each of them for every mutant, half a minute a mutant. e2e suites run dist/ in a child process: no
 * mutant reaches them.
 */
export const DECISION_LOGIC: Record<string, string[]> = {
  'src/deploy/verdict.ts': ['test/deploy/verdict*.test.ts', 'test/deploy/rolling.test.ts'],
  'src/deploy/steps.ts': ['test/deploy/steps*.test.ts'],
  'src/deploy/traffic.ts': ['test/deploy/traffic*.test.ts'],
  'src/deploy/strategy.ts': ['test/deploy/strategy*.test.ts', 'test/deploy/ecs-native-steps.test.ts'],
  'src/deploy/gate-loop.ts': ['test/deploy/gate-loop*.test.ts', 'test/deploy/rolling.test.ts'],
  'src/gates/analysis.ts': ['test/gates/analysis*.test.ts'],
  'src/gates/alarms.ts': ['test/gates/alarms*.test.ts', 'test/action/state.test.ts'],
  'src/render/validate.ts': ['test/render/validate*.test.ts', 'test/render/bad-input.test.ts'],
  'src/render/template.ts': ['test/render/template*.test.ts', 'test/render/bad-input.test.ts'],
  'src/mask.ts': ['test/mask*.test.ts', 'test/report/summary.test.ts'],
  'src/lock/lock.ts': ['test/lock/lock.test.ts', 'test/lock/lock-mutants.test.ts']
};

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

/** The suites of `file`'s map entry that exist now (an entry may name a mutant suite not written yet). */
function mappedTests(file: string): string[] {
  const globs = DECISION_LOGIC[file];
  if (!globs) throw new Error(`${file} has no test map in scripts/mutate.ts; add the unit suites that exercise it`);
  return globs.flatMap((glob) => {
    const [dir, pattern] = [glob.slice(0, glob.lastIndexOf('/')), glob.slice(glob.lastIndexOf('/') + 1)];
    const re = new RegExp(`^${pattern.replace(/\./g, '\\.').replace(/\*/g, '.*')}$`);
    return readdirSync(dir)
      .filter((name) => re.test(name))
      .map((name) => `${dir}/${name}`);
  });
}

function describeMutant(m: MutantResult): string {
  const at = `${m.location.start.line}:${m.location.start.column}`;
  return `${at} ${m.mutatorName}: ${(m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 100)}`;
}

/**
 * Stryker refuses to start when a test fails before any mutation; in a tree several people edit at
 * once, a suite broken by someone's work in progress is left out, loudly, rather than stopping the run.
 */
function passingSuites(tests: string[]): string[] {
  const out = join(REPORTS, 'precheck.json');
  try {
    execFileSync(
      process.execPath,
      ['node_modules/jest/bin/jest.js', '--maxWorkers=1', '--silent', '--json', `--outputFile=${out}`, ...tests],
      {
        stdio: 'ignore',
        env: { ...process.env, NODE_OPTIONS: '--experimental-vm-modules' }
      }
    );
  } catch {
    // Failing suites are read from the report below.
  }
  const report = JSON.parse(readFileSync(out, 'utf8')) as { testResults: Array<{ name: string; status: string }> };
  const failed = new Set(report.testResults.filter((r) => r.status !== 'passed').map((r) => relative(process.cwd(), r.name)));
  for (const suite of failed) console.log(`warning: ${suite} fails without any mutation; left out of this run (fix it, then re-run)`);
  return tests.filter((t) => !failed.has(t));
}

async function mutateOne(file: string, fresh: boolean): Promise<FileScore> {
  const tests = passingSuites(mappedTests(file));
  if (tests.length === 0) throw new Error(`no passing unit suite exercises ${file}: nothing could kill its mutants`);
  const slug = file.replace(/[/.]/g, '_');
  const options: PartialStrykerOptions = {
    ...base,
    mutate: [file],
    jest: { ...(base['jest'] as object), config: { testMatch: tests.map((t) => `<rootDir>/${t}`) } },
    // Re-runs retest only the mutants whose code or covering tests changed.
    incremental: !fresh,
    incrementalFile: `${REPORTS}/incremental-${slug}.json`
  };
  console.log(`\n=== ${file}: ${tests.join(', ')}`);
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

/** Where one file's score is left by the process that mutated it. */
const scoreFile = (file: string): string => join(REPORTS, `score-${file.replace(/[/.]/g, '_')}.json`);

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const fresh = args.includes('--fresh');
  const files = args.filter((a) => !a.startsWith('--'));
  mkdirSync(REPORTS, { recursive: true });
  if (args.includes('--one')) {
    const file = files[0];
    writeFileSync(scoreFile(file), JSON.stringify(await mutateOne(file, fresh)));
    return;
  }
  // One process per file: Stryker fills its defaults into the (cached) config module's objects, and a
  // second run in the same process fails to merge them; a fresh process also returns the test runner's memory.
  const scores: FileScore[] = [];
  for (const file of files.length > 0 ? files : Object.keys(DECISION_LOGIC)) {
    rmSync(scoreFile(file), { force: true });
    const child = spawnSync(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), '--one', file, ...(fresh ? ['--fresh'] : [])],
      { stdio: 'inherit' }
    );
    if (child.status !== 0 || !existsSync(scoreFile(file))) {
      console.log(`! ${file}: Stryker did not finish (exit ${child.status ?? child.signal}); see its output above`);
      continue;
    }
    scores.push(JSON.parse(readFileSync(scoreFile(file), 'utf8')) as FileScore);
  }

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
