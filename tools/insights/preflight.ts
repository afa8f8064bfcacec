import { toRawStackConfig } from "../../stacks/config";
import { NAMESPACE, SECRET_KEYS, ValidatedStackConfig, validateStackConfig } from "../../stacks/schema/stack";
import { StackRunResult } from "../offline/harness";
import { PrerequisiteCheck, PrerequisiteResult, PREREQUISITES, PreflightRun, evaluatePrerequisites } from "./prerequisites";
import { QuotaReport, analyseQuotas } from "./quotas";
import { QuotaTable } from "./quotas-ap-northeast-2";

/** Before a real `pulumi up`: the quotas the stack needs and the prerequisites still missing. */
export interface PreflightReport {
  readonly quotas?: QuotaReport;
  /** Why there is no quota section, when there is none. */
  readonly quotasUnavailable?: string;
  /** Applicable checks, missing ones first. */
  readonly prerequisites: readonly PrerequisiteResult[];
  /** Quotas whose default is not enough plus missing prerequisites. */
  readonly blockers: number;
}

/** The validated configuration a successful run was given (as the program validated it for a preview). */
export function configOfRun(run: StackRunResult): ValidatedStackConfig | undefined {
  const secretsPresent = Object.fromEntries(Object.keys(SECRET_KEYS).map((k) => [k, `${NAMESPACE}:${k}` in run.config]));
  const result = validateStackConfig(toRawStackConfig(run.stack, run.config, secretsPresent));
  return result.ok ? result.config : undefined;
}

export function analysePreflight(config: ValidatedStackConfig, run: PreflightRun, table: QuotaTable | undefined, checks: readonly PrerequisiteCheck[] = PREREQUISITES): PreflightReport {
  const quotas = table ? analyseQuotas(run.index, table) : undefined;
  const prerequisites = evaluatePrerequisites(config, run, checks);
  return {
    quotas,
    quotasUnavailable: table ? undefined : `no quota table for region ${config.region} (tools/insights/quotas-*.ts)`,
    prerequisites,
    blockers: (quotas?.needs.filter((n) => n.verdict === "request increase" || n.verdict === "blocks first deploy").length ?? 0) + prerequisites.filter((p) => p.missing).length,
  };
}
