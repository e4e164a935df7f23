/** Jest runs TypeScript through SWC (no type-check here: `npm test` runs tsc first). */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  // The live suite needs the built toolchain and runs on its own (jest.live.config.js, npm run test:live).
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/tests/live/"],
  transform: {
    // age-encryption and its @noble/@scure dependencies ship ESM only; SWC turns them into CJS for Jest.
    "^.+\\.(t|m?j)s$": ["@swc/jest", { jsc: { target: "es2022" }, module: { type: "commonjs" } }],
  },
  transformIgnorePatterns: ["/node_modules/(?!(age-encryption|@noble|@scure)/)"],
  testTimeout: 30000,
  // Jest's default (cores - 1) is one worker on a 2-core machine; the suites are mostly child
  // processes and CPU-bound transforms, so two workers halve the run.
  maxWorkers: 2,
};
