import { renderFailover } from "./renderFailover";
import { PlanReport, TreeNode } from "./report";
import { fitWidth, section, table } from "./format";
import { renderCost, renderCostDetail, renderFailureDomains, renderTimeline, renderTimelineDetail } from "./renderInsights";
import { renderAccountQuotas, renderPreflight, renderPreflightSources } from "./renderPreflight";
import { renderSummary } from "./renderSummary";
import { renderCapacity } from "./renderCapacity";
import { renderWholeAccount } from "./renderAccount";
import { renderLeftovers, renderZonalCapacity } from "./renderZonalCapacity";
import { renderPodRequests } from "./renderPodRequests";
import { renderMode } from "./renderModes";
import { renderSleep } from "./renderSleep";

export { section, table } from "./format";

/**
 * One section of the report. `full` sections print only with `--full` (all of them are in
 * `--json`). To add a section (capacity, quotas...), write `renderX(r: PlanReport): string[]` in
 * its own file and add one line to SECTIONS.
 */
export interface ReportSection {
  readonly id: string;
  readonly full?: boolean;
  readonly render: (r: PlanReport) => readonly string[];
}

function renderTree(node: TreeNode, prefix: string, isLast: boolean, isRoot: boolean, out: string[]): void {
  const label = node.custom ? `${node.type}  ${node.name}` : `[${node.type}] ${node.name}`;
  out.push(isRoot ? label : `${prefix}${isLast ? "└─ " : "├─ "}${label}`);
  const childPrefix = isRoot ? "" : `${prefix}${isLast ? "   " : "│  "}`;
  node.children.forEach((c, i) => renderTree(c, childPrefix, i === node.children.length - 1, false, out));
}

export function renderResourceTree(r: PlanReport): string[] {
  const out = section("Resource tree");
  renderTree(r.tree, "", true, true, out);
  return out;
}

export function renderCountsByType(r: PlanReport): string[] {
  return [...section("Resources by type"), ...table(Object.entries(r.countsByType).map(([t, n]) => [String(n), t]), ["count", "type"])];
}

export function renderOutputs(r: PlanReport): string[] {
  return [...section("Stack outputs"), ...table(Object.entries(r.outputs).map(([k, v]) => [k, JSON.stringify(v) ?? "undefined"]), ["output", "value"])];
}

export function renderWarnings(r: PlanReport): string[] {
  return r.warnings.length === 0 ? [] : [...section("Warnings the program logged"), ...r.warnings.map((w) => `warning: ${w}`)];
}

export function renderDeployPath(r: PlanReport): string[] {
  const b = r.bootstrap;
  if (!b) return [];
  return [
    ...section("Deploy path (bootstrap stack)"),
    `${b.stack}: ${b.cloudResources} cloud resources; runner VPC ${b.runnerCidr} peered with the platform VPC and admitted to the API on 443`,
    `runners: codebuild-${b.deployProject}-* (pulumi up), codebuild-${b.previewProject}-* (pulumi preview)`,
    `estimated monthly cost: $${b.monthly.toFixed(0)} (its NAT gateway and log/flow-log charges; CodeBuild build minutes are billed per use)`,
  ];
}

export function renderDiagram(r: PlanReport): string[] {
  return [...section("Diagram"), r.diagramPath ? `Mermaid diagram written to ${r.diagramPath}` : "Mermaid diagram not written (planned with config overrides)."];
}

/** The report's sections in print order, after the summary. */
export const SECTIONS: readonly ReportSection[] = [
  { id: "warnings", render: renderWarnings },
  { id: "preflight", render: (r) => (r.insights.preflight ? renderPreflight(r.insights.preflight, r.stack) : []) },
  { id: "account-quotas", render: (r) => (r.accountQuotas ? renderAccountQuotas(r.accountQuotas) : []) },
  { id: "whole-account", render: (r) => renderWholeAccount(r.wholeAccount) },
  { id: "mode", render: (r) => renderMode(r.insights.mode, r.stack) },
  { id: "cost", render: (r) => (r.insights.cost ? renderCost(r.insights.cost, r.costComparison) : [...section("Estimated monthly cost"), r.insights.costUnavailable ?? "unavailable"]) },
  { id: "sleep", render: (r) => renderSleep(r.insights.sleep, r.costComparison) },
  { id: "pod-requests", render: (r) => renderPodRequests(r.insights.podRequests) },
  { id: "timeline", render: (r) => renderTimeline(r.insights.timeline) },
  { id: "failure-domains", render: (r) => renderFailureDomains(r.insights.failureDomains) },
  { id: "zonal-capacity", render: (r) => renderZonalCapacity(r.insights.zonalCapacity) },
  { id: "destroy-leftovers", render: (r) => renderLeftovers(r.insights.destroyLeftovers, r.stack) },
  { id: "capacity", render: (r) => (r.insights.capacity ? renderCapacity(r.insights.capacity) : []) },
  { id: "failover", render: (r) => (r.failover ? renderFailover(r.failover) : []) },
  { id: "deploy-path", render: renderDeployPath },
  { id: "diagram", render: renderDiagram },
  { id: "counts-by-type", full: true, render: renderCountsByType },
  { id: "outputs", full: true, render: renderOutputs },
  { id: "cost-detail", full: true, render: (r) => (r.insights.cost ? renderCostDetail(r.insights.cost) : []) },
  { id: "timeline-detail", full: true, render: (r) => renderTimelineDetail(r.insights.timeline) },
  { id: "preflight-sources", full: true, render: (r) => (r.insights.preflight ? renderPreflightSources(r.insights.preflight) : []) },
  { id: "resource-tree", full: true, render: renderResourceTree },
];

export interface RenderOptions {
  /** Print the long sections too (resource tree, counts, outputs, cost per resource, durations). */
  readonly full?: boolean;
  /** Name of the `--json` file, for the closing line. */
  readonly jsonFile?: string;
}

/** Human-readable plan: the summary (first screen), then one section per concern; no line over MAX_WIDTH. */
export function renderReport(r: PlanReport, options: RenderOptions = {}, sections: readonly ReportSection[] = SECTIONS): string {
  const shown = sections.filter((s) => options.full === true || s.full !== true);
  const hidden = sections.filter((s) => !shown.includes(s));
  const out: string[] = [...renderSummary(r)];
  out.push(`Sections below: ${shown.map((s) => s.id).join(", ")}.${hidden.length > 0 ? ` With --full also: ${hidden.map((s) => s.id).join(", ")}.` : ""}`);
  for (const s of shown) out.push(...s.render(r));
  out.push("", `End of the plan of ${r.stack}${options.jsonFile ? `; everything is also in ${options.jsonFile}` : hidden.length > 0 ? "; --full shows every section, --json FILE writes everything" : ""}.`);
  return fitWidth(out).join("\n");
}
