// Lint, including the folder boundaries of CONVENTIONS rule 7: a wrong import fails CI.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'http', 'https', 'net', 'child_process', 'worker_threads', 'url', 'util', 'stream'];
const pattern = (group, message) => ({ group, message });

const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'release/**', 'bench/results/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  ...[['shared/*.{ts,tsx}', '../*'], ['shared/*/**/*.{ts,tsx}', '../../*']].map(([files, outside]) => ({
    files: [files],
    ignores: ['shared/**/*.test.ts'],
    rules: restrict(
      pattern(nodeBuiltins, 'shared/ is pure: no Node APIs (CONVENTIONS rule 7).'),
      pattern(['electron', 'react', 'react-dom', 'socket.io', 'socket.io-client'], 'shared/ imports no runtime-specific packages.'),
      pattern(['**/server/**', '**/renderer/**', '**/main/**', outside], 'shared/ imports nothing of ours outside shared/.'),
    ),
  })),
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: restrict(
      pattern(['**/server/**', '**/main/**'], 'renderer/ never imports server/ or main/ (CONVENTIONS rule 7).'),
      pattern(['electron'], 'Only main/ imports electron.'),
      pattern(['node:*'], 'renderer/ runs in a browser: no Node APIs.'),
    ),
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    ignores: ['renderer/sync/socketTransport.ts'],
    rules: restrict(
      pattern(['**/server/**', '**/main/**'], 'renderer/ never imports server/ or main/ (CONVENTIONS rule 7).'),
      pattern(['electron'], 'Only main/ imports electron.'),
      pattern(['node:*'], 'renderer/ runs in a browser: no Node APIs.'),
      pattern(['socket.io-client'], 'Only renderer/sync/socketTransport.ts imports socket.io-client (CONVENTIONS rule 4).'),
    ),
  },
  {
    files: ['server/**/*.ts'],
    rules: restrict(
      pattern(['**/renderer/**', '**/main/**'], 'server/ never imports renderer/ or main/ (CONVENTIONS rule 7).'),
      pattern(['electron'], 'Only main/ imports electron.'),
    ),
  },
  {
    files: ['main/**/*.ts'],
    rules: restrict(
      pattern(['**/server/**', '**/renderer/**'], 'main/ never imports server/ or renderer/ code (CONVENTIONS rule 7).'),
    ),
  },
);
