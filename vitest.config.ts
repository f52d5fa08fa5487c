import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // CDK synthesis is CPU-heavy; two workers match the 2-core machines we run on.
    maxWorkers: 2,
    // The AWS SDK clients the tests create in-process would print, once per worker, that SDK
    // releases after January 2027 need Node 22 (the CLI shows it only with --verbose). The SDK's own
    // switch turns off that one notice at its source; every other warning still shows.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    reporters: ['default', './test/support/summary-reporter.ts'],
    // Tests that spawn the built CLI, and the CDK examples, run dist/: stop when it is stale.
    // Tests that serve HTTPS locally share one temporary CA folder, never the user's.
    globalSetup: ['./test/support/dist-freshness.ts', './test/support/test-ca-dir.ts'],
  },
});
