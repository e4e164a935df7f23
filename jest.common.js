/** What every Jest suite shares (unit, conformance: jest.config.js; live: jest.live.config.js). */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  transform: {
    // age-encryption and its @noble/@scure dependencies ship ESM only; SWC turns them into CJS for Jest.
    "^.+\\.(t|m?j)s$": ["@swc/jest", { jsc: { target: "es2022" }, module: { type: "commonjs" } }],
  },
  transformIgnorePatterns: ["/node_modules/(?!(age-encryption|@noble|@scure)/)"],
};
