// Lint for every workspace, the auditor page included: typescript-eslint's type-aware rules,
// strictTypeChecked + stylisticTypeChecked and a complexity cap of 10 branches per function.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** The rules (only) of a typescript-eslint preset; its parser and plugin come with the floor. */
const rulesOf = (preset, name) => preset.find((c) => c.name === `typescript-eslint/${name}`).rules;

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/*.js', '**/*.mjs', '**/*.cjs', 'bench/**'] },
  js.configs.recommended,
  // the floor, everywhere
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      // each file is checked against its nearest tsconfig.json (gateway/web/src: the page's own, DOM lib)
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  // the strict layer
  {
    rules: {
      ...rulesOf(tseslint.configs.strictTypeChecked, 'strict-type-checked'),
      ...rulesOf(tseslint.configs.stylisticTypeChecked, 'stylistic-type-checked'),
      // `T[]` for simple element types, `Array<...>` for the rest (how the code already reads)
      '@typescript-eslint/array-type': ['error', { default: 'array-simple' }],
      // it asks for `x!` where strict's no-non-null-assertion forbids it; `x as T` stays the way
      '@typescript-eslint/non-nullable-type-assertion-style': 'off',
      complexity: ['error', 10],
    },
  },
  {
    rules: {
      '@typescript-eslint/explicit-function-return-type': ['error', { allowExpressions: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // the auditor page runs in the browser: its globals come from the DOM lib of
    // gateway/web/tsconfig.json (no-undef is off for TypeScript); Node's must not leak in
    files: ['gateway/web/src/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', 'process', 'Buffer', 'require', 'module', '__dirname', '__filename', 'global'],
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      'no-console': 'off',
      '@typescript-eslint/no-unused-expressions': 'off',
      '@typescript-eslint/explicit-function-return-type': 'off',
    },
  },
);
