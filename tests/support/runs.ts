import { RecordedResource, StackRunResult } from "../../tools/offline/harness";
import { Statement, statementsOf } from "./iam";
import { jsonInput } from "./query";
import { stackRun } from "./stackRuns";

/**
 * Reads the recorded runs of `stacks` once, in a `beforeAll` of the calling test file, and returns
 * the lookup the file's tests use (valid inside tests, after the hook has run).
 */
export function recordedRuns<S extends string>(stacks: readonly S[]): (stack: S) => StackRunResult {
  const runs = new Map<S, StackRunResult>();
  beforeAll(async () => {
    for (const stack of stacks) runs.set(stack, await stackRun(stack));
  });
  return (stack) => {
    const run = runs.get(stack);
    if (!run) throw new Error(`no recorded run of ${stack}: read it inside a test, after beforeAll`);
    return run;
  };
}

/** The statements of a policy-document input (`policy`, `assumeRolePolicy`, ...), as tests/support/iam.ts types them. */
export function policyStatements(r: RecordedResource, key = "policy"): Statement[] {
  return statementsOf(jsonInput(r, key));
}

/** An IAM value that may be one string or a list, as a list (absent: none). */
export function iamList(v: string | readonly string[] | undefined): string[] {
  return v === undefined ? [] : typeof v === "string" ? [v] : [...v];
}
