/** Types are checked by `tsc --noEmit` in `npm test`; jest only transpiles. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { diagnostics: false }],
  },
  // Each stack is run once for the session; test files read the record (tests/support/stackRuns.ts).
  globalSetup: "<rootDir>/tests/globalSetup.ts",
  testTimeout: 300000,
};
