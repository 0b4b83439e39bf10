import { defineConfig } from 'vitest/config';

/** One vitest project per workspace, plus cross-package scenarios under test/. */
export default defineConfig({
  test: {
    passWithNoTests: true,
    projects: [
      {
        test: {
          name: 'sync',
          root: 'packages/sync',
          include: ['src/**/*.test.ts'],
          // Many are loopback network tests (libp2p nodes, sync rounds): vitest's 5 s default is
          // too tight for them on a loaded machine, and their hooks stop nodes and repos.
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      { test: { name: 'media', root: 'packages/media', include: ['src/**/*.test.ts'], testTimeout: 60_000 } },
      { test: { name: 'ml', root: 'packages/ml', include: ['src/**/*.test.ts'], testTimeout: 60_000 } },
      {
        test: {
          name: 'node-peer',
          root: 'apps/node-peer',
          include: ['src/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      'apps/pwa/vitest.config.ts',
      { test: { name: 'bench', root: 'bench', include: ['**/*.test.ts'] } },
      {
        test: {
          name: 'integration',
          root: 'test',
          include: ['**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
