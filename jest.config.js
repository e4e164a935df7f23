/** Jest runs TypeScript through SWC (no type-check here: `npm test` runs tsc first). */
const { conformance } = require("./tests/suites");

const common = require("./jest.common");

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
      // The live suite needs the built toolchain and runs on its own (jest.live.config.js, npm run test:live).
      testPathIgnorePatterns: ["/node_modules/", "<rootDir>/tests/live/", ...conformance.map((file) => `^<rootDir>/${escape(file)}$`)],
      setupFiles: ["<rootDir>/tests/unit-setup.ts"],
    },
    {
      ...common,
      displayName: "conformance",
      testMatch: conformance.map((file) => `<rootDir>/${file}`),
    },
  ],
};
