// Stryker's base settings for `npm run mutate` (scripts/mutate.ts runs it one source file at a time).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  // Jest needs the VM-modules flag for ESM (@actions/core 3.x is ESM-only), in Stryker's child too.
  testRunnerNodeArgs: ['--experimental-vm-modules'],
  // scripts/mutate.ts picks each file's suites itself; --findRelatedTests would only add a dependency walk to every mutant's run.
  jest: { projectType: 'custom', configFile: 'jest.config.js', enableFindRelatedTests: false },
  // Each mutant runs only the tests that reach it: minutes per file, not an hour.
  coverageAnalysis: 'perTest',
  // Two cores shared by the whole team: one test runner, one file at a time.
  concurrency: 1,
  // The sandbox is a copy of the tree; dist/ and generated output are not needed by unit tests.
  ignorePatterns: ['dist', 'demo-output', 'coverage', '.build', 'out', 'reports'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  // ts-jest compiles the mutated source with diagnostics off; mutants that would not type-check still run.
  disableTypeChecks: '{src,sim,test}/**/*.ts',
  reporters: ['clear-text', 'progress-append-only'],
  clearTextReporter: { reportTests: false, reportMutants: true, reportScoreTable: true },
  timeoutMS: 10000,
  timeoutFactor: 2,
  thresholds: { high: 90, low: 80 }
};
