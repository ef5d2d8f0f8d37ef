import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          testTimeout: 30_000,
          // The unit tests keep no state between files: one module graph per worker saves re-importing
          // cdk8s, express and zod for every file (most of the suite's start-up time).
          isolate: false,
        },
      },
      {
        test: {
          name: "chart",
          include: ["test/chart/**/*.test.ts"],
          globalSetup: ["test/chart/global-setup.ts"],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: "conformance",
          include: ["test/conformance/**/*.test.ts"],
          testTimeout: 120_000,
        },
      },
      {
        test: {
          name: "db",
          include: ["test/db/**/*.test.ts"],
          globalSetup: ["test/db/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          globalSetup: ["test/e2e/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 900_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "package",
          include: ["test/package/**/*.test.ts"],
          testTimeout: 300_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "image",
          include: ["test/image/**/*.test.ts"],
          globalSetup: ["test/image/global-setup.ts"],
          testTimeout: 300_000,
          hookTimeout: 900_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "gitops",
          include: ["test/gitops/**/*.test.ts"],
          globalSetup: ["test/gitops/global-setup.ts"],
          testTimeout: 180_000,
          hookTimeout: 900_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
