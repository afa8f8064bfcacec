import { attemptBootstrap, RecordedResource } from "../offline/harness";
import { bootstrapStackOf, loadStackFile } from "../offline/stackFile";
import { offeringChecks, wholeAccountQuotas } from "../insights/accountQuotas";
import { AccountQuotas, QuotaReport } from "../insights/quotas";
import { QUOTAS_AP_NORTHEAST_2 } from "../insights/quotas-ap-northeast-2";
import { section } from "./format";
import { renderAccountQuotas } from "./renderPreflight";

/** Quotas of the whole account, bootstrap stacks included, and the per-zone offering checks. */
export interface WholeAccount {
  /** This environment with its bootstrap stack, alone in its account. */
  readonly ownAccount?: AccountQuotas;
  /** Every environment and its bootstrap stack in one account. */
  readonly shared: AccountQuotas;
  readonly offeringChecks: readonly string[];
}

/**
 * Runs every environment's bootstrap stack (offline) and adds its quotas to the platform stacks':
 * one environment per account, and every environment in one account; then the per-zone instance
 * type offering check of this stack's node groups and instances.
 */
export async function wholeAccountOf(stack: string, quotas: Readonly<Record<string, QuotaReport>>, resources: readonly RecordedResource[]): Promise<WholeAccount> {
  const bootstraps: Record<string, { name: string; resources: readonly RecordedResource[] }> = {};
  for (const s of Object.keys(quotas)) {
    const name = bootstrapStackOf(loadStackFile(s).config);
    if (!name) continue;
    const run = await attemptBootstrap({ stack: name.split("/").pop() ?? name });
    if (run.error === undefined) bootstraps[s] = { name: `bootstrap ${name.split("/").pop() ?? name}`, resources: run.resources };
  }
  const q = wholeAccountQuotas(quotas, bootstraps, QUOTAS_AP_NORTHEAST_2);
  return { ownAccount: q.perEnvironment[stack], shared: q.shared, offeringChecks: offeringChecks(resources, QUOTAS_AP_NORTHEAST_2.region) };
}

/** The plan's whole-account section. */
export function renderWholeAccount(w: WholeAccount | undefined): string[] {
  if (!w) return [];
  const out = section("Quotas of the whole account (bootstrap stacks included)");
  if (w.ownAccount) out.push(...renderAccountQuotas(w.ownAccount).map((l) => l.replace(/^If (.*) share one AWS account/, "One environment per account: $1 alone in their account")));
  out.push(...renderAccountQuotas(w.shared));
  out.push("", "Instance types per availability zone (by zone ID; a zone name maps to another physical zone in each account):");
  out.push(...w.offeringChecks.map((c) => `  ${c}`));
  return out;
}
