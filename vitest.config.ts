import { defineConfig } from "vitest/config";

// as-pect owns assembly/__tests__; vitest runs everything under test/.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["assembly/**", "node_modules/**", "dist/**", "build/**"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
