/** Jest runs TypeScript through SWC (no type-check here: `npm test` runs tsc first). */
const { conformance } = require("./tests/suites");

/** What both suites share. */
const common = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  transform: {
    // age-encryption and its @noble/@scure dependencies ship ESM only; SWC turns them into CJS for Jest.
    "^.+\\.(t|m?j)s$": ["@swc/jest", { jsc: { target: "es2022" }, module: { type: "commonjs" } }],
  },
  transformIgnorePatterns: ["/node_modules/(?!(age-encryption|@noble|@scure)/)"],
};

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Two projects (tests/suites.js says which file is in which): `npx jest <file>` runs any test file,
 * and tools/test-suites.ts picks a suite with --selectProjects.
 */
/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 30000,
  // Jest's default (cores - 1) is one worker on a 2-core machine; the suites are mostly child
  // processes and CPU-bound transforms, so two workers halve the run.
  maxWorkers: 2,
  projects: [
    {
      ...common,
      displayName: "unit",
      testMatch: ["**/*.test.ts"],
      testPathIgnorePatterns: ["/node_modules/", ...conformance.map((file) => `^<rootDir>/${escape(file)}$`)],
      setupFiles: ["<rootDir>/tests/unit-setup.ts"],
    },
    {
      ...common,
      displayName: "conformance",
      testMatch: conformance.map((file) => `<rootDir>/${file}`),
    },
  ],
};
