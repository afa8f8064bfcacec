import { RecordedResource, StackRunResult } from "../../tools/offline/harness";
import { Statement, statementsOf } from "./iam";
import { jsonInput } from "./query";
import { stackRun } from "./stackRuns";

/**
 * The recorded runs of `stacks`, by stack, read once in a `beforeAll` of the calling test file (so
 * valid inside its tests): the set-up every file that checks several stacks shares.
 */
export function recordedRuns(stacks: readonly string[]): Record<string, StackRunResult> {
  const runs: Record<string, StackRunResult> = {};
  beforeAll(async () => {
    for (const stack of stacks) runs[stack] = await stackRun(stack);
  });
  return runs;
}

/** The statements of a policy-document input (`policy`, `assumeRolePolicy`, ...), as tests/support/iam.ts types them. */
export function policyStatements(r: RecordedResource, key = "policy"): Statement[] {
  return statementsOf(jsonInput(r, key));
}

/** An IAM value that may be one string or a list, as a list (absent: none). */
export function iamList(v: string | readonly string[] | undefined): string[] {
  return v === undefined ? [] : typeof v === "string" ? [v] : [...v];
}
