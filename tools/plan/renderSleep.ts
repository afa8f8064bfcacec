import { CostComparison } from "../insights";
import { SleepReport } from "../insights/sleep";
import { shortType } from "../insights/model";
import { section, table, usd, usdRange } from "./format";

/** The stack priced with and without its sleep schedule, and against prod at pool minimum. */
export function renderSleep(s: SleepReport | undefined, cmp: CostComparison | undefined): string[] {
  if (!s) return [];
  const out = section("Sleep schedule (entasis:sleep)");
  out.push(`Awake ${s.window} ${s.timezone}: ${s.awakeHoursPerWeek.toFixed(0)} h/week, ${s.awakeHoursPerMonth.toFixed(1)} of ${s.hoursPerMonth} h/month (${((100 * s.awakeHoursPerMonth) / s.hoursPerMonth).toFixed(1)}%).`);
  out.push(`Monthly cost without the schedule: ${usdRange(s.withoutMin, s.withoutMax)}; with it: ${usdRange(s.withMin, s.withMax)} (node pools at their minimum .. maximum size).`);
  const prod = cmp?.stacks.find((x) => x.stack === "prod");
  if (prod && prod.monthlyMin > 0) {
    out.push(`Against prod at pool minimum (${usd(prod.monthlyMin)}): ${((100 * s.withoutMin) / prod.monthlyMin).toFixed(1)}% without the schedule, ${((100 * s.withMin) / prod.monthlyMin).toFixed(1)}% with it.`);
  }
  out.push(...table(s.lines.map((l) => [l.name, shortType(l.type), usdRange(l.withoutMin, l.withoutMax), usdRange(l.withMin, l.withMax), l.how]), ["resource", "type", "always on", "with the schedule", "how"]));
  out.push("Not put to sleep: the EKS control plane, NAT gateway, ALB, Redis and the broker (none of them can be stopped), the bastion, keys and secrets.");
  return out;
}
