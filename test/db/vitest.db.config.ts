// The database tests on their own: `npx vitest run --root . --config test/db/vitest.db.config.ts`.
// The same block belongs in vitest.config.ts as the `db` project.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "db",
    include: ["test/db/**/*.test.ts"],
    globalSetup: ["test/db/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
