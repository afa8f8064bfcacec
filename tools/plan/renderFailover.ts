import { FAILOVER_FIGURES, FailoverPlan } from "../insights/failover";
import { section, table } from "./format";

const mmss = (s: number): string => (Number.isFinite(s) ? `${Math.floor(s / 60)} min ${String(Math.round(s % 60)).padStart(2, "0")} s` : "n/a (nothing to promote)");
const usd = (x: number): string => `$${Math.round(x).toLocaleString("en-US")}`;

/** Targets of issue 22 for the multi-region mode. */
export const FAILOVER_TARGETS = { rtoSeconds: 15 * 60, rpoSeconds: 60, standbyCostRatio: 0.35 } as const;

/** The plan's multi-region section: RTO/RPO per data store, the standby's cost next to the primary's, the DR region's quotas. */
export function renderFailover(f: FailoverPlan): string[] {
  const out = section(`Multi-region failover (${f.primary} -> ${f.standby}; docs/failover.md)`);
  out.push(
    ...table(
      f.stores.map((s) => [s.store, mmss(s.rtoSeconds), s.rpoSeconds === undefined ? "n/a" : mmss(s.rpoSeconds), `${s.rto}; RPO: ${s.rpo}`]),
      ["store", "RTO", "RPO", "how (duration model: tools/insights/failover.ts, durations.ts)"],
    ),
  );
  const critical = f.stores.filter((s) => s.store.startsWith("PostgreSQL") || s.store.startsWith("TimescaleDB"));
  const met = critical.every((s) => s.rtoSeconds <= FAILOVER_TARGETS.rtoSeconds && s.rpoSeconds !== undefined && s.rpoSeconds <= FAILOVER_TARGETS.rpoSeconds);
  out.push(`targets (PostgreSQL, TimescaleDB): RTO <= 15 min, RPO <= 1 min: ${met ? "met" : "NOT met"}. The clock starts at the outage; add the time an operator takes to decide to flip the switch.`);
  out.push(`full size: after ${mmss(f.fullSizeSeconds)}: ${f.fullSize}.`);
  out.push(`DNS: Route 53 stops answering with the primary after ${f.dnsSeconds}s at most (health check interval x threshold + TTL).`);
  if (f.standbyMonthlyMin !== undefined && f.primaryMonthlyMin !== undefined && f.costRatioAtMin !== undefined) {
    const within = f.costRatioAtMin <= FAILOVER_TARGETS.standbyCostRatio;
    out.push(
      `standby monthly cost at pool minimum: ${usd(f.standbyMonthlyMin)} (max ${usd(f.standbyMonthlyMax ?? f.standbyMonthlyMin)}) = ${(f.costRatioAtMin * 100).toFixed(1)}% of ${f.primary}'s ${usd(f.primaryMonthlyMin)} (target <= 35%: ${within ? "met" : "NOT met"}); priced with ${f.pricedWith ?? "?"}`,
    );
  } else out.push("standby monthly cost: unavailable (no price table for one of the regions)");
  if (f.quotas) {
    const needs = f.quotas.needs.filter((n) => n.atMax > 0);
    out.push(`DR region ${f.quotas.region} quotas (AWS defaults as of ${f.quotas.retrievedOn}; the standby at minimum / maximum / update peak):`);
    out.push(...table(needs.map((n) => [n.name, `${n.atMin} / ${n.atMax} / ${n.peak}`, n.awsDefault === undefined ? "?" : String(n.awsDefault), n.verdict, n.request ?? n.check ?? ""]), ["quota", "needs", "default", "verdict", "command"]));
  }
  out.push(`assumptions: ${Object.entries(FAILOVER_FIGURES).map(([k, d]) => `${k} ${d.seconds}s (${d.source})`).join("; ")}`);
  return out;
}
