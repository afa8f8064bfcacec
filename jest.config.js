/**
 * `npm test`: the test files run in shards (tests/support/shards.ts), two workers for a 2-core
 * machine; the type check runs beside them (tests/globalSetup.ts) and fails the run when it fails.
 * `npm run test:file -- <name>` runs matching test files one by one, without the type check.
 * Types are checked by tsc; jest only transpiles.
 */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["<rootDir>/tests/shards/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { diagnostics: false }],
  },
  maxWorkers: 2,
  // Each stack is run once for the session; test files read the record (tests/support/stackRuns.ts).
  globalSetup: "<rootDir>/tests/globalSetup.ts",
  globalTeardown: "<rootDir>/tests/globalTeardown.ts",
  testTimeout: 300000,
};
