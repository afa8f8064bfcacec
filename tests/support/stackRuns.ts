import * as fs from "fs";
import * as path from "path";
import { StackRunResult, runStack } from "../../tools/offline/harness";
import { TEST_SECRETS } from "./query";

/** Set by tests/globalSetup.ts: a directory with one recorded run per stack. */
export const RUN_CACHE_ENV = "ENTASIS_TEST_RUN_CACHE";

/** How a recorded run was made: with the test secrets (default), or as `npm run plan` runs it, placeholders for every secret. */
export type RunKind = "secrets" | "placeholders";

export function cacheFile(dir: string, stack: string, kind: RunKind = "secrets"): string {
  return path.join(dir, kind === "secrets" ? `${stack}.json` : `${stack}.${kind}.json`);
}

/** The options of each kind of recorded run. */
export function runOptions(stack: string, kind: RunKind): { stack: string; secrets?: typeof TEST_SECRETS; placeholderSecrets?: boolean } {
  return kind === "secrets" ? { stack, secrets: TEST_SECRETS } : { stack, placeholderSecrets: true };
}

/**
 * The program's run for a stack with the test secrets, exactly as `runStack` records it. The
 * global setup runs each stack once per `jest` invocation and every test file reads that record,
 * instead of each file running the whole program again. Without the setup (one file run through
 * an IDE), it runs the program itself.
 */
export async function stackRun(stack: string, kind: RunKind = "secrets"): Promise<StackRunResult> {
  const dir = process.env[RUN_CACHE_ENV];
  const file = dir ? cacheFile(dir, stack, kind) : undefined;
  if (file && fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8")) as StackRunResult;
  return runStack(runOptions(stack, kind));
}

/** The run `npm run plan` and `npm run diagrams` make: the real stack file, placeholders for the secrets it does not hold. */
export function planRun(stack: string): Promise<StackRunResult> {
  return stackRun(stack, "placeholders");
}
