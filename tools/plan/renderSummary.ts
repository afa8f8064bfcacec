import { PlanReport } from "./report";
import { mmss, usd, usdRange } from "./format";
import { failureVerdicts } from "./renderInsights";
import { blockerHeadline, quotaBlockers } from "./renderPreflight";

/** How many lines the first screen may take (`npm run plan -- prod | head -40`). */
export const FIRST_SCREEN_LINES = 40;

/** Steps of the critical path the summary names: those of a minute or more, in path order. */
const PATH_STEPS = 6;
const LONG_STEP_SECONDS = 60;

/** A fix command in the summary is cut here; the preflight section prints it whole. */
const FIX_CHARS = 150;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3).trimEnd()}...`;
}

/** The deployment mode of a stack, as its failure-domain rules judge it. */
export function modeOf(r: PlanReport): string {
  const f = r.insights.failureDomains;
  const azs = Array.isArray(r.outputs.availabilityZones) ? r.outputs.availabilityZones.length : undefined;
  const nat = r.countsByType["aws:ec2/natGateway:NatGateway"] ?? 0;
  const shape = `${azs === undefined ? "" : `${azs} AZs, `}${nat} NAT gateway${nat === 1 ? "" : "s"}`;
  const dr = f.regionLoss.drRegion ? `copies in ${f.regionLoss.drRegion}` : "no DR region";
  return f.verdict.requireHa ? `highly available (${shape}; ${dr})` : `cost-saving, single zones accepted (${shape}; ${dr})`;
}

/**
 * The first screen: stack and mode, resources, monthly cost range, critical path, the blockers to
 * fix first and the failure-domain verdicts. At most FIRST_SCREEN_LINES lines before wrapping.
 */
export function renderSummary(r: PlanReport): string[] {
  const ins = r.insights;
  const out: string[] = [`entasis-infra plan: stack ${r.stack}, mode ${modeOf(r)}`];
  out.push(`Offline preview of ${r.region} under mocks: no credentials used, nothing deployed.`);
  out.push(`Resources: ${r.cloudResourceCount} cloud resources of ${Object.keys(r.countsByType).length} types (${r.resourceCount} registered with components and the stack).`);
  if (r.placeholderSecrets.length > 0) out.push(`Placeholders: secrets not in Pulumi.${r.stack}.yaml were filled with placeholders: ${r.placeholderSecrets.join(", ")}`);
  if (r.warnings.length > 0) out.push(`Warnings: ${r.warnings.length} (listed below)`);

  if (ins.cost) {
    const c = ins.cost;
    const ratio = r.costComparison?.devToProd;
    const others = (r.costComparison?.stacks ?? []).filter((s) => s.stack !== r.stack).map((s) => `${s.stack} ${usdRange(s.monthlyMin, s.monthlyMax)}`);
    out.push(`Monthly cost: ${usdRange(c.monthlyMin, c.monthlyMax)} (${c.currency}, node pools at minimum .. maximum)${others.length > 0 ? `; ${others.join(", ")}` : ""}${ratio ? `; dev/prod ${ratio.atMin.toFixed(3)} .. ${ratio.atMax.toFixed(3)}` : ""}`);
    const top = [...c.byComponent].sort((a, b) => b.monthlyMax - a.monthlyMax).slice(0, 4);
    out.push(`  largest at maximum: ${top.map((b) => `${b.component} ${usd(b.monthlyMax)}`).join(", ")}`);
  } else out.push(`Monthly cost: ${ins.costUnavailable ?? "unavailable"}`);

  const t = ins.timeline;
  const steps = t.criticalPath.filter((s) => s.seconds > 0);
  const long = steps.filter((s) => s.seconds >= LONG_STEP_SECONDS).slice(0, PATH_STEPS).map((s) => `${s.name} ${mmss(s.seconds)}`);
  out.push(`Critical path of pulumi up: ${mmss(t.criticalPathSeconds)} (lower bound ${mmss(t.lowerBoundSeconds)}; ${steps.length} timed steps)${long.length > 0 ? `, the long ones: ${long.join(" > ")}` : ""}`);

  const p = ins.preflight;
  if (p) {
    out.push(p.blockers === 0 ? `Fix first: nothing. ${blockerHeadline(p)}` : `Fix first: ${blockerHeadline(p)} Commands: in the preflight below.`);
    for (const q of quotaBlockers(p)) out.push(`  - quota ${q.quotaCode ?? q.name} (${q.name}): needs ${q.peak} ${q.unit}, AWS default ${q.awsDefault ?? "?"}: ${q.verdict}`);
    for (const x of p.prerequisites.filter((y) => y.missing)) out.push(`  - ${x.id}: ${clip(x.fix, FIX_CHARS)}`);
  } else out.push("Fix first: no preflight (the configuration did not validate for it).");

  const v = failureVerdicts(ins.failureDomains);
  out.push(`Zone lost: ${v.zone}`);
  out.push(`Region lost: ${v.region}`);
  if (r.bootstrap) out.push(`Deploy path: bootstrap stack ${r.bootstrap.stack}, ${r.bootstrap.cloudResources} cloud resources, about ${usd(r.bootstrap.monthly)}/month plus build minutes.`);
  return out;
}
