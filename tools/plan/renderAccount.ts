import { attemptBootstrap, RecordedResource } from "../offline/harness";
import { bootstrapStackOf, loadStackFile } from "../offline/stackFile";
import { offeringChecks, wholeAccountQuotas } from "../insights/accountQuotas";
import { QuotaReport } from "../insights/quotas";
import { QUOTAS_AP_NORTHEAST_2 } from "../insights/quotas-ap-northeast-2";
import { section } from "./render";
import { renderAccountQuotas } from "./renderPreflight";

/**
 * Quotas of the whole account, bootstrap stacks included: one environment per account, and every
 * environment in one account; then the per-zone instance type offering check.
 */
export async function renderWholeAccount(stack: string, quotas: Readonly<Record<string, QuotaReport>>, resources: readonly RecordedResource[]): Promise<string[]> {
  const bootstraps: Record<string, { name: string; resources: readonly RecordedResource[] }> = {};
  for (const s of Object.keys(quotas)) {
    const name = bootstrapStackOf(loadStackFile(s).config);
    if (!name) continue;
    const run = await attemptBootstrap({ stack: name.split("/").pop() ?? name });
    if (run.error === undefined) bootstraps[s] = { name: `bootstrap ${name.split("/").pop() ?? name}`, resources: run.resources };
  }
  const q = wholeAccountQuotas(quotas, bootstraps, QUOTAS_AP_NORTHEAST_2);
  const out = section("Quotas of the whole account (bootstrap stacks included)");
  const own = q.perEnvironment[stack];
  if (own) out.push(...renderAccountQuotas(own).map((l) => l.replace(/^If (.*) share one AWS account/, `One environment per account: $1 alone in their account`)));
  out.push(...renderAccountQuotas(q.shared));
  out.push("", "Instance types per availability zone (by zone ID; a zone name maps to another physical zone in each account):");
  out.push(...offeringChecks(resources, QUOTAS_AP_NORTHEAST_2.region).map((c) => `  ${c}`));
  return out;
}
