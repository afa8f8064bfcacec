import { PlanReport, TreeNode } from "./report";
import { renderInsights } from "./renderInsights";
import { renderAccountQuotas } from "./renderPreflight";
import { renderCapacity } from "./renderCapacity";

function renderTree(node: TreeNode, prefix: string, isLast: boolean, isRoot: boolean, out: string[]): void {
  const label = node.custom ? `${node.type}  ${node.name}` : `[${node.type}] ${node.name}`;
  out.push(isRoot ? label : `${prefix}${isLast ? "└─ " : "├─ "}${label}`);
  const childPrefix = isRoot ? "" : `${prefix}${isLast ? "   " : "│  "}`;
  node.children.forEach((c, i) => renderTree(c, childPrefix, i === node.children.length - 1, false, out));
}

export function table(rows: readonly (readonly string[])[], header: readonly string[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
}

export function section(title: string): string[] {
  return ["", title, "=".repeat(title.length)];
}

/** Human-readable plan: one section per concern, a table where it helps. */
export function renderReport(r: PlanReport): string {
  const out: string[] = [`entasis-infra offline plan: stack ${r.stack}`, `${r.cloudResourceCount} cloud resources, ${r.resourceCount} registered in all (components included). No credentials used; nothing was deployed.`];
  if (r.placeholderSecrets.length > 0) {
    out.push(`note: secrets not in Pulumi.${r.stack}.yaml were filled with placeholders: ${r.placeholderSecrets.join(", ")}`);
  }
  for (const w of r.warnings) out.push(`warning: ${w}`);
  out.push(...section("Resource tree"));
  renderTree(r.tree, "", true, true, out);
  out.push(...section("Resources by type"));
  out.push(...table(Object.entries(r.countsByType).map(([t, n]) => [String(n), t]), ["count", "type"]));
  out.push(...section("Stack outputs"));
  out.push(...table(Object.entries(r.outputs).map(([k, v]) => [k, JSON.stringify(v) ?? "undefined"]), ["output", "value"]));
  out.push(...renderInsights(r.insights, r.costComparison, r.stack));
  if (r.insights.capacity) out.push(...renderCapacity(r.insights.capacity));
  if (r.accountQuotas) out.push(...renderAccountQuotas(r.accountQuotas));
  out.push(...section("Diagram"));
  out.push(r.diagramPath ? `Mermaid diagram written to ${r.diagramPath}` : "Mermaid diagram not written (planned with config overrides).");
  return out.join("\n");
}
