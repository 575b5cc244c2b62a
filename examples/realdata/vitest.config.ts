import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Each data set trains for well under a second alone (50 epochs on at most 426 rows); several times that beside
  // the other packages' tests in CI.
  test: { testTimeout: 60_000 },
});
