import { defineConfig } from 'vitest/config';

export default defineConfig({
  // MNIST trains for a few seconds alone, several times that beside the other packages' tests in CI.
  test: { testTimeout: 120_000 },
});
