// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Core modules (`name.ts`) must stay portable: backends live in `name.<backend>.ts`. */
const portableCore = {
  files: ['packages/*/src/**/*.ts'],
  ignores: ['packages/*/src/**/*.*.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: ['node:*'],
            message: 'Core logic is portable: put Node code in a backend module (name.node.ts).',
          },
          {
            group: ['sharp', 'onnxruntime-node', 'idb', 'fake-indexeddb', 'exiftool-vendored'],
            message: 'Backends only.',
          },
        ],
      },
    ],
  },
};

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.vite/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/packages/*/src/**', '../../packages/**', '../../../packages/**'],
              message: 'Import other workspaces through their package exports (@hearth/...).',
            },
          ],
        },
      ],
    },
  },
  portableCore,
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
);
