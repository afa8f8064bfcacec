import { PreflightReport } from "../insights/preflight";
import { AccountQuotas, QuotaNeed } from "../insights/quotas";
import { section, table } from "./format";

const SHORT_VERDICT: Readonly<Record<QuotaNeed["verdict"], string>> = {
  ok: "ok",
  "request increase": "REQUEST INCREASE",
  "blocks first deploy": "BLOCKS FIRST DEPLOY",
  "no default in the table": "unknown default",
};

/** Quotas whose AWS default is not enough: each needs a request before (or soon after) the first deploy. */
export function quotaBlockers(p: PreflightReport): readonly QuotaNeed[] {
  return p.quotas?.needs.filter((n) => n.verdict === "request increase" || n.verdict === "blocks first deploy") ?? [];
}

/** One line for the count of things to fix before a real deploy. */
export function blockerHeadline(p: PreflightReport): string {
  const missing = p.prerequisites.filter((x) => x.missing);
  return p.blockers === 0
    ? "Nothing blocks a deploy on AWS's default quotas, and no prerequisite is missing."
    : `${p.blockers} blocker(s): ${quotaBlockers(p).length} quota(s) above AWS's default, ${missing.length} missing prerequisite(s).`;
}

export function renderPreflight(p: PreflightReport, stack: string): string[] {
  const out = section(`Preflight: before a real \`pulumi up\` of ${stack}`);
  out.push(blockerHeadline(p));
  if (p.quotas) {
    const q = p.quotas;
    out.push("", `Service quotas (${q.region}; AWS defaults from tools/insights/quotas-${q.region}.ts, compiled ${q.retrievedOn}):`);
    out.push(
      ...table(
        q.needs.map((n) => [n.name, n.quotaCode ?? "-", n.scope, n.unit === "vCPUs" ? "vCPU" : "count", String(n.atMin), String(n.atMax), String(n.peak), n.awsDefault === undefined ? "?" : String(n.awsDefault), SHORT_VERDICT[n.verdict]]),
        ["quota", "code", "per", "unit", "need min", "need max", "peak (node updates)", "AWS default", "verdict"],
      ),
    );
    out.push("Verdicts: BLOCKS FIRST DEPLOY = even the pools' minimum is above the default, so `pulumi up` fails creating a node group or instance; REQUEST INCREASE = scaling out or a node group update at maximum would fail.");
    const raise = q.needs.filter((n) => n.request !== undefined);
    if (raise.length > 0) {
      out.push("", "To raise (the applied value of an older account may already be higher: check first):");
      for (const n of raise) {
        out.push(`  - ${n.name} (${n.quotaCode}): needs ${n.peak} ${n.unit}, AWS default ${n.awsDefault}${n.note ? `; ${n.note}` : ""}`);
        for (const f of n.from) out.push(`      ${f}`);
        if (n.check) out.push(`      check:   ${n.check}`);
        if (n.request) out.push(`      request: ${n.request}`);
      }
    }
    if (q.unknownInstanceTypes.length > 0) out.push("", `Instance types without a vCPU entry (not counted; add them to tools/insights/instanceTypes.ts): ${q.unknownInstanceTypes.join(", ")}`);
  } else out.push("", p.quotasUnavailable ?? "no quota table");
  out.push("", "Prerequisites of a real deploy:");
  if (p.prerequisites.length === 0) out.push("  none apply to this stack.");
  for (const x of p.prerequisites) {
    out.push(`  - [${x.missing ? "MISSING" : "ok"}] ${x.id}: ${x.why}`);
    if (x.missing) out.push(`      fix: ${x.fix}`);
  }
  return out;
}

/** Where each quota default comes from and what the counts assume (`--full`). */
export function renderPreflightSources(p: PreflightReport): string[] {
  if (!p.quotas) return [];
  const q = p.quotas;
  const out = section("Preflight: quota sources and assumptions");
  const bySource = new Map<string, string[]>();
  for (const n of q.needs) if (n.source) bySource.set(n.source, [...(bySource.get(n.source) ?? []), `${n.quotaCode}${n.basis === "observed" ? " (observed)" : ""}`]);
  out.push("Quota sources:", ...[...bySource].map(([src, codes]) => `  - ${src}: ${codes.join(", ")}`));
  out.push("", "Assumptions:", ...q.assumptions.map((a) => `  - ${a}`));
  return out;
}

/** The same quotas if every stack is deployed into one account and Region (they add up). */
export function renderAccountQuotas(a: AccountQuotas): string[] {
  const out = ["", `If ${a.stacks.join(" and ")} share one AWS account (Region-wide and account-wide quotas add up):`];
  out.push(...table(a.needs.map((n) => [n.name, n.quotaCode ?? "-", String(n.atMin), String(n.atMax), String(n.peak), n.awsDefault === undefined ? "?" : String(n.awsDefault), SHORT_VERDICT[n.verdict]]), ["quota", "code", "need min", "need max", "peak (node updates)", "AWS default", "verdict"]));
  const raise = a.needs.filter((n) => n.request);
  if (raise.length > 0) out.push("", "Requests for a shared account:", ...raise.map((n) => `  ${n.request}`));
  return out;
}
