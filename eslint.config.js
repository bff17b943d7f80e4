// Lint: typescript-eslint's recommended type-checked rules on every TypeScript file tsc checks.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'reports/**',
      'src/generated/**',
      '.stryker-tmp/**',
      'demo-output/**',
      '**/*.js',
      '**/*.mjs'
    ]
  },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // A closure that reads a variable set just after it (a fake's callback reading the reporter made for it) is fine.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // A leading `_` marks what is left out on purpose (a destructured key dropped from a copy, a skipped tuple slot).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
          caughtErrors: 'none'
        }
      ]
    }
  },
  {
    // The local ECS reads request bodies exactly as the wire delivers them: untyped JSON, checked field by field
    // against botocore's models in test/sim/conformance.test.ts rather than by the compiler.
    files: ['sim/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // The wire's scalars (strings, numbers, booleans) are turned into text on purpose.
      '@typescript-eslint/no-base-to-string': 'off'
    }
  },
  {
    // Tests read JSON outputs and wire bodies to assert on them (a wrong shape fails the assertion, not the build), and
    // fakes implement async interfaces whose real versions await.
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', 'demo/**/*.ts', '__fixtures__/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/require-await': 'off',
      // expect(fake.method).toHaveBeenCalled… reads a method without calling it.
      '@typescript-eslint/unbound-method': 'off'
    }
  }
);
