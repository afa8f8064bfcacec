import { CostComparison, Insights } from "../insights";
import { CostReport } from "../insights/cost";
import { FailureDomainReport } from "../insights/failureDomains";
import { renderLeftovers, renderZonalCapacity } from "./renderCapacity";
import { Step, TimelineReport } from "../insights/timeline";
import { shortType } from "../insights/model";
import { renderPreflight } from "./renderPreflight";
import { section, table } from "./render";

export const usd = (n: number): string => `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const range = (min: number, max: number): string => (Math.abs(max - min) < 0.005 ? usd(min) : `${usd(min)} .. ${usd(max)}`);
export const mmss = (s: number): string => `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, "0")}s`;

function renderCost(c: CostReport, cmp: CostComparison | undefined): string[] {
  const out = section(`Estimated monthly cost (${c.currency}, ${c.region})`);
  out.push(`${range(c.monthlyMin, c.monthlyMax)} per month (node pools at their minimum .. maximum size); ${c.hoursPerMonth} h/month.`);
  out.push(`Price table: tools/insights/prices-${c.region}.ts, compiled ${c.retrievedOn}; on-demand Linux; ${c.spotPolicy}.`);
  out.push("Sources: " + Object.values(c.sources).map((s) => s.split(" ; ")[0]).join(", "));
  if (cmp?.devToProd) {
    const parts = cmp.stacks.map((s) => `${s.stack} ${range(s.monthlyMin, s.monthlyMax)}`).join(", ");
    out.push(`dev/prod cost ratio: ${cmp.devToProd.atMin.toFixed(3)} at pool minimum, ${cmp.devToProd.atMax.toFixed(3)} at pool maximum (${parts}).`);
  }
  out.push("", "By component:");
  out.push(...table(c.byComponent.map((b) => [b.component, usd(b.monthlyMin), usd(b.monthlyMax), String(b.resources)]), ["component", "min/month", "max/month", "priced resources"]));
  out.push("", "By resource:");
  out.push(...table(c.lines.map((l) => [l.name, shortType(l.type), l.component, usd(l.monthlyMin), usd(l.monthlyMax), l.basis, [l.formula, ...l.notes].join("; ")]), ["resource", "type", "component", "min", "max", "basis", "how"]));
  if (c.usageBased.length > 0) {
    out.push("", "Billed by use (not in the totals):");
    out.push(...table(c.usageBased.map((u) => [u.name, shortType(u.type), u.component, u.rate]), ["resource", "type", "component", "rate"]));
  }
  out.push("", c.notPriced.length === 0 ? "Not priced: none." : "Not priced (no entry in the price table):");
  if (c.notPriced.length > 0) out.push(...table(c.notPriced.map((n) => [n.name, n.type, n.reason]), ["resource", "type", "why"]));
  const freeCount = Object.values(c.free).reduce((a, b) => a + b, 0);
  out.push(`No charge of their own: ${freeCount} resources of ${Object.keys(c.free).length} types (VPC, subnets, routes, security groups, IAM, aliases...).`);
  return out;
}

function stepRows(steps: readonly Step[]): string[][] {
  return steps.filter((s) => s.seconds > 0).map((s) => [mmss(s.start), mmss(s.seconds), mmss(s.finish), s.name, s.durationKey]);
}

function renderTimeline(t: TimelineReport): string[] {
  const out = section("Estimated creation time (pulumi up)");
  out.push(`Critical path: ${mmss(t.criticalPathSeconds)}. Lower bound (only AWS-imposed dependencies): ${mmss(t.lowerBoundSeconds)}. Difference: ${mmss(t.criticalPathSeconds - t.lowerBoundSeconds)}.`);
  out.push("", "Critical path (steps that take time):");
  out.push(...table(stepRows(t.criticalPath), ["start", "takes", "done", "resource", "timed as"]));
  out.push("", "Lower-bound chain:");
  out.push(...table(stepRows(t.lowerBoundPath), ["start", "takes", "done", "resource", "timed as"]));
  out.push("");
  if (t.unneededDependencies.length === 0) out.push("Unneeded cross-area dependencies: none.");
  else {
    out.push(`Unneeded cross-area dependencies (${t.unneededDependencies.length}); without them the critical path is ${mmss(t.withoutUnneededSeconds)}:`);
    out.push(...table(t.unneededDependencies.map((u) => [`${u.from} (${u.fromArea})`, `${u.to} (${u.toArea})`, u.toType]), ["waits", "for", "type"]));
  }
  out.push(
    t.missingPoolWaits.length === 0
      ? "Workloads without a real wait on their pool's nodes and CoreDNS: none."
      : `Workloads without a real wait on their pool's nodes and CoreDNS (${t.missingPoolWaits.length}; the timeline does not add the wait for them):`,
  );
  if (t.missingPoolWaits.length > 0) out.push(...table(t.missingPoolWaits.map((m) => [m.name, m.problem]), ["resource", "problem"]));
  const defaults = Object.entries(t.defaultDuration);
  out.push("", defaults.length === 0 ? "Default duration: none." : `Default duration (${Object.values(t.defaultDuration).reduce((a, b) => a + b, 0)} resources with no entry, timed at ${t.durationsUsed["(default)"]?.seconds ?? 0}s): ${defaults.map(([k, n]) => `${n} ${k}`).join(", ")}`);
  out.push("", "Durations used:");
  const used = Object.entries(t.durationsUsed).filter(([, d]) => d.seconds >= 10);
  out.push(...table(used.map(([k, d]) => [k, `${d.seconds}s`, d.range]), ["type", "timed at", "typical"]));
  out.push("Sources:", ...used.map(([k, d]) => `  - ${k}: ${d.source}`));
  out.push(`(${Object.keys(t.durationsUsed).length - used.length} more types timed at a few seconds; all in tools/insights/durations.ts)`);
  out.push("", "Assumptions:", ...t.assumptions.map((a) => `  - ${a}`));
  return out;
}

function renderFailureDomains(f: FailureDomainReport): string[] {
  const out = section("Failure domains (loss of one availability zone)");
  const rows: string[][] = [];
  for (const z of f.perZone) {
    for (const l of z.lost) rows.push([z.zone, "lost", l]);
    for (const c of z.collateral) rows.push([z.zone, "breaks elsewhere", c]);
    for (const d of z.degraded) rows.push([z.zone, "degraded", d]);
  }
  out.push(...table(rows, ["zone", "effect", "resource"]));
  out.push("");
  if (f.singlePoints.length > 0) {
    out.push("Single-zone points of failure:");
    out.push(...table(f.singlePoints.map((s) => [s.zone, s.name, s.why]), ["zone", "resource", "why"]));
    out.push("");
  }
  out.push(`Verdict (${f.verdict.requireHa ? "must be highly available" : "single zones accepted for cost"}): ${f.verdict.text}`);
  const rl = f.regionLoss;
  out.push("", `Region lost (${rl.region}${rl.drRegion ? `, disaster-recovery region ${rl.drRegion}` : ", no disaster-recovery region"}):`);
  out.push(...table([...rl.survives.map((x) => ["survives", x]), ...rl.lost.map((x) => ["lost", x])], ["effect", "what"]));
  out.push(`Verdict (${rl.requireDr ? "every data store must survive the region" : "one region accepted for cost"}): ${rl.ok ? "" : "NOT OK: "}${rl.text}`);
  return out;
}

export function renderInsights(ins: Insights, cmp: CostComparison | undefined, stack: string): string[] {
  const out: string[] = [];
  if (ins.cost) out.push(...renderCost(ins.cost, cmp));
  else out.push(...section("Estimated monthly cost"), ins.costUnavailable ?? "unavailable");
  out.push(...renderTimeline(ins.timeline));
  out.push(...renderFailureDomains(ins.failureDomains));
  out.push(...renderZonalCapacity(ins.zonalCapacity));
  out.push(...renderLeftovers(ins.destroyLeftovers, stack));
  if (ins.preflight) out.push(...renderPreflight(ins.preflight, stack));
  return out;
}
