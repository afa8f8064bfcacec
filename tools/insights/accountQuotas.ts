import { RecordedResource } from "../offline/harness";
import { ResourceIndex, strListOf, strOf } from "./model";
import { AccountQuotas, QuotaReport, analyseQuotas, combineQuotas } from "./quotas";
import { QuotaTable } from "./quotas-ap-northeast-2";

/**
 * The whole account: each environment's platform stack together with its bootstrap stack (the
 * runner VPC, its NAT gateway and EIP), and every environment together when they share one
 * account. `reports` holds the platform stacks' quota reports by stack name, `bootstraps` the
 * bootstrap runs by the platform stack they serve.
 */
export function wholeAccountQuotas(
  reports: Readonly<Record<string, QuotaReport>>,
  bootstraps: Readonly<Record<string, { readonly name: string; readonly resources: readonly RecordedResource[] }>>,
  table: QuotaTable,
): { readonly perEnvironment: Readonly<Record<string, AccountQuotas>>; readonly shared: AccountQuotas } {
  const all: Record<string, QuotaReport> = {};
  const perEnvironment: Record<string, AccountQuotas> = {};
  for (const [stack, report] of Object.entries(reports)) {
    const env: Record<string, QuotaReport> = { [stack]: report };
    const b = bootstraps[stack];
    if (b) env[b.name] = analyseQuotas(new ResourceIndex(b.resources), table);
    perEnvironment[stack] = combineQuotas(env);
    Object.assign(all, env);
  }
  return { perEnvironment, shared: combineQuotas(all) };
}

/**
 * The per-zone offering check of every instance type the stack's node groups and instances use,
 * by zone ID: a zone name (ap-northeast-2a) maps to a different physical zone in each account, the
 * zone ID (apne2-az1) does not. https://docs.aws.amazon.com/ram/latest/userguide/working-with-az-ids.html
 */
export function offeringChecks(resources: readonly RecordedResource[], region: string): string[] {
  const types = new Set<string>();
  for (const r of resources) {
    if (r.type === "aws:eks/nodeGroup:NodeGroup") for (const t of strListOf(r.inputs, "instanceTypes")) types.add(t);
    if (r.type === "aws:ec2/instance:Instance") {
      const t = strOf(r.inputs, "instanceType");
      if (t) types.add(t);
    }
  }
  return [...types]
    .sort()
    .map((t) => `aws ec2 describe-instance-type-offerings --location-type availability-zone-id --filters Name=instance-type,Values=${t} --region ${region} --query 'InstanceTypeOfferings[].Location' --output text`);
}
