/**
 * The live suite (`npm run test:live`): the real Pulumi engine, provider plugins and control-plane
 * tools built by tools/toolchain/install.sh. One worker: the suites start heavy child processes on
 * a 2-core machine, and several share one file backend or one API server.
 */
const common = require("./jest.common");

/** @type {import('jest').Config} */
module.exports = {
  ...common,
  testMatch: ["**/*.test.ts"],
  roots: ["<rootDir>/tests/live"],
  testPathIgnorePatterns: ["/node_modules/"],
  testTimeout: 15 * 60 * 1000,
  maxWorkers: 1,
};
