import * as fs from "fs";
import * as path from "path";
import { StackRunResult, runStack } from "../../tools/offline/harness";
import { TEST_SECRETS } from "./query";

/** Set by tests/globalSetup.ts: a directory with one recorded run per stack. */
export const RUN_CACHE_ENV = "ENTASIS_TEST_RUN_CACHE";

export function cacheFile(dir: string, stack: string): string {
  return path.join(dir, `${stack}.json`);
}

/**
 * The program's run for a stack with the test secrets, exactly as `runStack` records it. The
 * global setup runs each stack once per `jest` invocation and every test file reads that record,
 * instead of each file running the whole program again. Without the setup (one file run through
 * an IDE), it runs the program itself.
 */
export async function stackRun(stack: string): Promise<StackRunResult> {
  const dir = process.env[RUN_CACHE_ENV];
  if (dir && fs.existsSync(cacheFile(dir, stack))) return JSON.parse(fs.readFileSync(cacheFile(dir, stack), "utf8")) as StackRunResult;
  return runStack({ stack, secrets: TEST_SECRETS });
}
