import { defineConfig } from 'vitest/config';

/**
 * Browser tests (`npm run test:e2e`): files named `*.e2e.ts`. They drive Debian's Chromium
 * (`apt-get install -y chromium`; .ci/run installs it) and are not part of `npm test`, which needs
 * Node alone.
 */
export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.e2e.ts', 'apps/*/test/**/*.e2e.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
