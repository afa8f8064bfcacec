import { RunResult, runStack } from "../tools/offline/harness";
import { loadStackFile } from "../tools/offline/stackFile";
import { ofType, TEST_SECRETS, tagsOf } from "./support/query";
import { recordedRuns } from "./support/runs";

const EIP = "aws:ec2/eip:Eip";
const EXPECTED = {
  dev: { natAzs: ["ap-northeast-2a"], protect: false },
  prod: { natAzs: ["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"], protect: true },
} as const;

const runs = recordedRuns(["dev", "prod"]);

describe.each(["dev", "prod"] as const)("collector egress addresses of %s", (stack) => {
  const exp = EXPECTED[stack];
  const eips = (): RunResult["resources"] => ofType(runs[stack], EIP);

  it("allocates one Elastic IP per NAT gateway, keyed by its AZ, tagged for the allow-list", () => {
    expect(eips().map((e) => e.name).sort()).toEqual(exp.natAzs.map((az) => `network-nat-${az}`));
    for (const e of eips()) expect(tagsOf(e)).toMatchObject({ Purpose: "egress-allow-list", Environment: stack });
  });

  it("protects the addresses in prod only", () => {
    for (const e of eips()) expect(e.protect).toBe(exp.protect);
  });

  it("exports the addresses as egressIps in AZ order, one per NAT gateway, all distinct", () => {
    const byAz = exp.natAzs.map((az) => eips().find((e) => e.name === `network-nat-${az}`)?.state.publicIp);
    expect(runs[stack].outputs.egressIps).toEqual(byAz);
    expect(new Set(byAz).size).toBe(exp.natAzs.length);
  });
});

describe("egress addresses across an AZ change", () => {
  it("keeps every existing address (same URN, so no new allocation) when an AZ is added", async () => {
    const before = runs.prod;
    const network = JSON.parse(loadStackFile("prod").config["entasis:network"]) as { availabilityZones: string[] };
    const after = await runStack({ stack: "prod", secrets: TEST_SECRETS, overrides: { "entasis:network": { ...network, availabilityZones: [...network.availabilityZones, "ap-northeast-2d"] } } });
    expect(after.error).toBeUndefined();
    const urns = (run: RunResult): string[] => ofType(run, EIP).map((e) => e.urn);
    for (const urn of urns(before)) expect(urns(after)).toContain(urn);
    expect(urns(after)).toHaveLength(urns(before).length + 1);
    expect((after.outputs.egressIps as string[]).slice(0, 3)).toEqual(before.outputs.egressIps);
  });
});
