import type { WholeAccount } from "./renderAccount";
import { RecordedResource, StackRunResult } from "../offline/harness";
import { CostComparison, Insights, insightsOf } from "../insights";
import { loadStackFile } from "../offline/stackFile";
import { AccountQuotas } from "../insights/quotas";
import { FailoverPlan } from "../insights/failover";
import { cloudResourceCount } from "../insights/model";

export interface TreeNode {
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly children: readonly TreeNode[];
}

/** Everything `npm run plan` shows; `--json` writes exactly this object. */
export interface PlanReport {
  readonly stack: string;
  readonly resourceCount: number;
  /** Resources the provider would create (custom), excluding components and the stack. */
  readonly cloudResourceCount: number;
  readonly countsByType: Readonly<Record<string, number>>;
  readonly tree: TreeNode;
  readonly outputs: Readonly<Record<string, unknown>>;
  readonly secretOutputs: readonly string[];
  readonly placeholderSecrets: readonly string[];
  /** Warnings the program logged, as `pulumi preview` would print them. */
  readonly warnings: readonly string[];
  readonly region: string;
  /** Monthly cost, creation time, failure domains and the preflight (tools/insights). */
  readonly insights: Insights;
  /** Cost of every stack side by side, with the dev/prod ratio. */
  readonly costComparison?: CostComparison;
  /** Region- and account-wide quota needs of every stack deployed into one account. */
  readonly accountQuotas?: AccountQuotas;
  /** Quotas of one and of every environment per account, bootstrap stacks included (tools/plan/renderAccount.ts). */
  readonly wholeAccount?: WholeAccount;
  /** Where the Mermaid diagram was written, if it was. */
  readonly diagramPath?: string;
  /** The bootstrap stack (in-VPC runners) that `entasis:deploy.bootstrapStack` names, planned offline. */
  readonly bootstrap?: BootstrapSummary;
  /** The multi-region pair this stack belongs to: RTO/RPO per store, standby cost, DR-region quotas. */
  readonly failover?: FailoverPlan;
}

/** What the deploy path itself creates and costs. */
export interface BootstrapSummary {
  /** Fully qualified stack name, e.g. `entasis/entasis-bootstrap/prod`. */
  readonly stack: string;
  readonly cloudResources: number;
  readonly runnerCidr: string;
  readonly deployProject: string;
  readonly previewProject: string;
  /** Monthly cost at the minimum (NAT gateway, logs); build minutes are billed per use. */
  readonly monthly: number;
}

export interface ReportExtras {
  readonly region?: string;
  readonly costComparison?: CostComparison;
  readonly diagramPath?: string;
}

export function buildTree(resources: readonly RecordedResource[]): TreeNode {
  const byParent = new Map<string, RecordedResource[]>();
  for (const r of resources) {
    const key = r.parent ?? "";
    byParent.set(key, [...(byParent.get(key) ?? []), r]);
  }
  const node = (r: RecordedResource): TreeNode => ({
    type: r.type,
    name: r.name,
    custom: r.custom,
    children: (byParent.get(r.urn) ?? [])
      .slice()
      // Components first, then by type and name, so the tree reads the same on every run.
      .sort((a, b) => Number(a.custom) - Number(b.custom) || a.type.localeCompare(b.type) || a.name.localeCompare(b.name))
      .map(node),
  });
  const root = resources.find((r) => r.type === "pulumi:pulumi:Stack");
  if (!root) throw new Error("the program registered no stack resource");
  return node(root);
}

export function countByType(resources: readonly RecordedResource[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of resources.filter((x) => x.custom)) counts[r.type] = (counts[r.type] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

/** Secret outputs are replaced by a marker: a plan must never print a secret. */
export function maskSecrets(outputs: Record<string, unknown>, secretPaths: readonly string[]): Record<string, unknown> {
  const masked: Record<string, unknown> = JSON.parse(JSON.stringify(outputs));
  for (const path of secretPaths) {
    const parts = path.split(".");
    let cursor: Record<string, unknown> | undefined = masked;
    for (const part of parts.slice(0, -1)) {
      const next: unknown = cursor?.[part];
      cursor = typeof next === "object" && next !== null ? (next as Record<string, unknown>) : undefined;
    }
    const last = parts[parts.length - 1];
    if (cursor && last in cursor) cursor[last] = "[secret]";
  }
  return masked;
}

export function buildReport(run: StackRunResult, extras: ReportExtras = {}): PlanReport {
  const region = extras.region ?? loadStackFile(run.stack).config["aws:region"] ?? "ap-northeast-2";
  return {
    stack: run.stack,
    resourceCount: run.resources.length,
    cloudResourceCount: cloudResourceCount(run.resources),
    countsByType: countByType(run.resources),
    tree: buildTree(run.resources),
    outputs: maskSecrets(run.outputs, run.secretOutputs),
    secretOutputs: run.secretOutputs,
    placeholderSecrets: run.placeholders,
    warnings: run.warnings,
    region,
    insights: insightsOf(run, region),
    costComparison: extras.costComparison,
    diagramPath: extras.diagramPath,
  };
}
