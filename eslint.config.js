// Lint rules, including the import zones (ARCHITECTURE.md §1): ui → state → engine-client → (worker) → engine,
// the engine never sees React or app code, and only engine/kernels reads shaders/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

const appLayers = [
  './src/app',
  './src/ui',
  './src/state',
  './src/runs',
  './src/viz',
  './src/engine-client',
  './src/worker',
  './src/media',
];

const zones = [
  // The engine imports cleanly in a worker or Node: no app code.
  { target: './src/engine', from: appLayers, message: 'The engine must not import app code (ARCHITECTURE.md §1).' },
  // Inside the engine: model → kernels → gpu; model → weights → gpu.
  {
    target: './src/engine/gpu',
    from: ['./src/engine/kernels', './src/engine/model', './src/engine/weights', './src/engine/tokenizer'],
    message: 'gpu/ is the bottom layer.',
  },
  {
    target: './src/engine/kernels',
    from: ['./src/engine/model', './src/engine/weights'],
    message: 'kernels/ must not depend on the model or weights.',
  },
  {
    target: './src/engine/weights',
    from: ['./src/engine/model', './src/engine/kernels'],
    message: 'weights/ sits beside kernels/, below model/.',
  },
  // Only kernels/ reads shaders/.
  {
    target: [
      ...appLayers,
      './src/protocol',
      './src/lib',
      './src/engine/gpu',
      './src/engine/model',
      './src/engine/weights',
      './src/engine/spec',
      './src/engine/tokenizer',
    ],
    from: './shaders',
    message: 'Only src/engine/kernels reads shaders/.',
  },
  // The main thread reaches the engine only through engine-client (and the worker entry).
  {
    target: ['./src/ui', './src/state', './src/app', './src/viz', './src/runs'],
    from: ['./src/engine', './src/worker'],
    message: 'UI code talks to the engine only through src/engine-client.',
  },
  { target: './src/ui', from: ['./src/engine-client'], message: 'ui → state → engine-client: go through the store.' },
  {
    target: './src/engine-client',
    from: ['./src/engine', './src/ui', './src/app', './src/state'],
    message: 'engine-client speaks the protocol, nothing else.',
  },
  {
    target: './src/protocol',
    from: ['./src/engine', './src/ui', './src/app', './src/state', './src/worker', './src/engine-client'],
    message: 'protocol/ is shared types only.',
  },
  {
    target: './src/media',
    from: ['./src/ui', './src/app', './src/state', './src/engine'],
    message: 'media/ is independent of the UI and the engine.',
  },
  {
    target: './src/runs',
    from: ['./src/ui', './src/app', './src/state', './src/engine-client'],
    message: 'runs/ is the data model: it knows no UI, store or client.',
  },
  {
    target: './src/lib',
    from: [
      './src/app',
      './src/ui',
      './src/state',
      './src/runs',
      './src/viz',
      './src/media',
      './src/engine',
      './src/engine-client',
      './src/worker',
      './src/protocol',
    ],
    message: 'lib/ holds tiny pure helpers with no dependencies.',
  },
];

export default tseslint.config(
  {
    ignores: [
      'dist',
      'node_modules',
      'tools/reference/.venv',
      'tools/bench/.venv',
      'public',
      'test-results',
      'playwright-report',
      'e2e/.artifacts',
      'bench/results',
      'bench/models',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { ecmaVersion: 2022, globals: { ...globals.browser } },
    plugins: { 'import-x': importX, 'react-hooks': reactHooks },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })] },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'import-x/no-restricted-paths': ['error', { zones }],
      // src/media/index.ts is media's public surface: the app imports nothing else from it.
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '(^|/)media/(?!index$).+', message: 'Import media through src/media/index.ts.' }] },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Inside media/, its tests and the media worker entry may reach media internals.
    files: ['src/media/**', 'src/worker/media.worker.ts', 'e2e/**', 'bench/**', 'tools/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // The engine may not use React, and may not use Node APIs except in tests.
    files: ['src/engine/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['react', 'react-dom', 'zustand', 'node:*', 'fs', 'path'],
              message: 'The engine runs in a worker: no React, no Node APIs.',
            },
          ],
        },
      ],
    },
  },
  {
    files: [
      '**/*.{js,mjs}',
      'e2e/**/*.ts',
      'bench/**/*.ts',
      'scripts/**',
      '**/*.test.ts',
      'src/test-utils/**',
      'vite.config.ts',
      'playwright.config.ts',
    ],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
