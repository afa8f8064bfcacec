import * as fs from "fs";
import * as path from "path";

/**
 * `npm test` runs the test files in a few shards instead of one by one. Jest gives every test file
 * a fresh module registry, and nearly every file here loads the whole program (about 125 modules
 * plus @pulumi/aws, kubernetes, random and docker): loading that once per file cost more CPU than
 * the tests themselves. A shard requires its files into one registry, so the program loads once
 * per shard; every describe, it and hook of each file runs as it would alone (no file here mocks
 * modules or keeps hooks other than beforeAll). `npm run test:file -- <name>` runs files alone.
 */
export const SHARD_COUNT = 2;

export const TESTS_DIR = path.resolve(__dirname, "..");

/** Every test file (tests/*.test.ts), sorted. */
export function testFiles(dir = TESTS_DIR): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".test.ts"))
    .sort();
}

/**
 * Estimated CPU of a file: its size, plus a whole program run (the heaviest thing a test does) for
 * each call that runs one. Only used to balance the shards.
 */
export function weight(source: string): number {
  const runs = (source.match(/\b(runStack|attemptStack|attemptBootstrap|attemptProgram|runPlan|execFile|spawnSync)\(/g) ?? []).length;
  return source.length / 2000 + runs * 12;
}

/** Test file -> shard (1-based): longest first, each to the lightest shard so far. */
export function assignShards(weights: ReadonlyMap<string, number>, count = SHARD_COUNT): Map<string, number> {
  const load = Array.from({ length: count }, () => 0);
  const out = new Map<string, number>();
  for (const [file, w] of [...weights].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) {
    const i = load.indexOf(Math.min(...load));
    load[i] += w;
    out.set(file, i + 1);
  }
  return out;
}

export function shardFiles(shard: number, dir = TESTS_DIR): string[] {
  const weights = new Map(testFiles(dir).map((f) => [f, weight(fs.readFileSync(path.join(dir, f), "utf8"))]));
  const assigned = assignShards(weights);
  return testFiles(dir).filter((f) => assigned.get(f) === shard);
}

/** Registers the tests of one shard's files (called by tests/shards/shard-<n>.test.ts). */
export function loadShard(shard: number): void {
  for (const file of shardFiles(shard)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(path.join(TESTS_DIR, file));
  }
}
