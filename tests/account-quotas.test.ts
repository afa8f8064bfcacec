import { offeringChecks, wholeAccountQuotas } from "../tools/insights/accountQuotas";
import { ResourceIndex } from "../tools/insights/model";
import { QuotaReport, analyseQuotas } from "../tools/insights/quotas";
import { QUOTAS_AP_NORTHEAST_2 } from "../tools/insights/quotas-ap-northeast-2";
import { RunResult, StackRunResult, attemptBootstrap } from "../tools/offline/harness";
import { stackRun } from "./support/stackRuns";

const runs: Record<string, StackRunResult> = {};
const boots: Record<string, RunResult> = {};
const reports: Record<string, QuotaReport> = {};
beforeAll(async () => {
  for (const stack of ["dev", "prod"]) {
    runs[stack] = await stackRun(stack);
    reports[stack] = analyseQuotas(new ResourceIndex(runs[stack].resources), QUOTAS_AP_NORTHEAST_2);
    boots[stack] = await attemptBootstrap({ stack });
    expect(boots[stack].error).toBeUndefined();
  }
}, 300_000);

describe("quotas of the whole account, bootstrap stacks included", () => {
  const q = () => wholeAccountQuotas(reports, { dev: { name: "bootstrap dev", resources: boots.dev.resources }, prod: { name: "bootstrap prod", resources: boots.prod.resources } }, QUOTAS_AP_NORTHEAST_2);
  const row = (a: { needs: readonly { key: string; atMax: number; verdict: string }[] }, key: string) => a.needs.find((n) => n.key === key);

  it("one environment per account: the platform and its runner VPC (NAT + EIP)", () => {
    expect(q().perEnvironment.dev.stacks).toEqual(["bootstrap dev", "dev"]);
    expect(row(q().perEnvironment.dev, "elasticIps")).toMatchObject({ atMax: 2, verdict: "ok" });
    expect(row(q().perEnvironment.dev, "vpcs")).toMatchObject({ atMax: 2 });
    expect(row(q().perEnvironment.prod, "elasticIps")).toMatchObject({ atMax: 4, verdict: "ok" });
  });

  it("dev + prod + both runner VPCs in one account need 6 EIPs against the default 5", () => {
    expect(q().shared.stacks).toEqual(["bootstrap dev", "bootstrap prod", "dev", "prod"]);
    expect(row(q().shared, "elasticIps")).toMatchObject({ atMax: 6, verdict: "blocks first deploy" });
    expect(row(q().shared, "vpcs")).toMatchObject({ atMax: 4, verdict: "ok" });
  });

  it("prints the per-zone offering check, by zone ID, for every instance type", () => {
    expect(offeringChecks(runs.prod.resources, "ap-northeast-2")).toEqual(
      ["c5.2xlarge", "g4dn.xlarge", "r5.2xlarge", "t3.micro"].map(
        (t) => `aws ec2 describe-instance-type-offerings --location-type availability-zone-id --filters Name=instance-type,Values=${t} --region ap-northeast-2 --query 'InstanceTypeOfferings[].Location' --output text`,
      ),
    );
  });
});
