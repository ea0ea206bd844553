import { defineConfig } from "vitest/config";

// as-pect owns assembly/__tests__; vitest runs everything under test/.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["assembly/**", "node_modules/**", "dist/**", "build/**"],
    // Long and fuzz runs take minutes per test by design.
    testTimeout: process.env.SLOTBOOT_LONG === "1" || process.env.SLOTBOOT_FUZZ === "1" ? 3_600_000 : 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Both cores: vitest's default leaves one idle on a 2-core machine, and
    // the suite is CPU-bound (the engine tests run in child processes).
    maxWorkers: 2,
  },
});
