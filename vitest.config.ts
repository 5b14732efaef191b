import { defineConfig } from 'vitest/config';

// The project's own self-tests. The conformance suites under suites/ are not run by this
// config: the CLI runs them through Vitest's node API against a configured target.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
