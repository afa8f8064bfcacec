import * as fs from "fs";
import * as path from "path";
import { SHARD_COUNT, TESTS_DIR, assignShards, shardFiles, testFiles } from "./support/shards";

describe("the shards npm test runs", () => {
  it("hold every test file exactly once", () => {
    const all = testFiles();
    const sharded = Array.from({ length: SHARD_COUNT }, (_, i) => shardFiles(i + 1)).flat();
    expect(all.length).toBeGreaterThan(40);
    expect([...sharded].sort()).toEqual(all);
    expect(new Set(sharded).size).toBe(sharded.length);
  });

  it("have one runner file per shard, and jest runs only those", () => {
    expect(fs.readdirSync(path.join(TESTS_DIR, "shards")).sort()).toEqual(Array.from({ length: SHARD_COUNT }, (_, i) => `shard-${i + 1}.test.ts`));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const config = require(path.join(TESTS_DIR, "..", "jest.config.js")) as { testMatch: string[] };
    expect(config.testMatch).toEqual(["<rootDir>/tests/shards/*.test.ts"]);
  });

  it("balance by weight: longest first, each to the lightest shard", () => {
    const got = assignShards(new Map([["a", 10], ["b", 6], ["c", 5], ["d", 1]]), 2);
    expect(Object.fromEntries(got)).toEqual({ a: 1, b: 2, c: 2, d: 1 });
  });
});
