import { contains, formatCidr, overlaps, parseCidr } from "../lib/cidr";
import { carveSubnets, SUBNET_TIERS } from "../lib/subnetPlan";

describe("parseCidr", () => {
  it.each(["10.0.0.0/16", "10.10.192.0/24", "0.0.0.0/0", "172.16.0.0/12"])("accepts %s and formats it back unchanged", (c) => {
    const parsed = parseCidr(c);
    expect(parsed).toBeDefined();
    expect(parsed && formatCidr(parsed)).toBe(c);
  });
  it.each(["10.0.0.0/33", "10.0.0.1/16", "256.0.0.0/8", "10.0.0/16", "10.0.0.0", "fd00::/8", ""])("rejects %s", (c) => {
    expect(parseCidr(c)).toBeUndefined();
  });
  it("knows containment and overlap", () => {
    const vpc = parseCidr("10.10.0.0/16");
    const sub = parseCidr("10.10.32.0/19");
    const other = parseCidr("10.11.0.0/24");
    if (!vpc || !sub || !other) throw new Error("fixture");
    expect(contains(vpc, sub)).toBe(true);
    expect(contains(sub, vpc)).toBe(false);
    expect(overlaps(sub, vpc)).toBe(true);
    expect(overlaps(vpc, other)).toBe(false);
  });
});

describe("subnet carving", () => {
  const prefixes = { public: 24, private: 19, database: 24 };

  it("gives each tier its own region and each AZ the slot of its letter", () => {
    const plan = carveSubnets({ vpcCidr: "10.20.0.0/16", availabilityZones: ["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"], prefixes });
    expect(plan).toEqual({
      private: { "ap-northeast-2a": "10.20.0.0/19", "ap-northeast-2b": "10.20.32.0/19", "ap-northeast-2c": "10.20.64.0/19" },
      public: { "ap-northeast-2a": "10.20.192.0/24", "ap-northeast-2b": "10.20.193.0/24", "ap-northeast-2c": "10.20.194.0/24" },
      database: { "ap-northeast-2a": "10.20.198.0/24", "ap-northeast-2b": "10.20.199.0/24", "ap-northeast-2c": "10.20.200.0/24" },
    });
  });

  it("never moves an existing subnet when an AZ is added or removed", () => {
    const two = carveSubnets({ vpcCidr: "10.10.0.0/16", availabilityZones: ["ap-northeast-2a", "ap-northeast-2c"], prefixes });
    const four = carveSubnets({ vpcCidr: "10.10.0.0/16", availabilityZones: ["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c", "ap-northeast-2d"], prefixes });
    if (!two || !four) throw new Error("carving failed");
    for (const tier of SUBNET_TIERS) {
      expect(four[tier]["ap-northeast-2a"]).toBe(two[tier]["ap-northeast-2a"]);
      expect(four[tier]["ap-northeast-2c"]).toBe(two[tier]["ap-northeast-2c"]);
    }
  });

  it("lets explicit subnets win over carving", () => {
    const plan = carveSubnets({ vpcCidr: "10.10.0.0/16", availabilityZones: ["ap-northeast-2a", "ap-northeast-2c"], prefixes, overrides: { public: { "ap-northeast-2a": "10.10.250.0/24" } } });
    expect(plan?.public["ap-northeast-2a"]).toBe("10.10.250.0/24");
    expect(plan?.public["ap-northeast-2c"]).toBe("10.10.194.0/24");
  });

  it("refuses a layout that does not fit the VPC", () => {
    expect(carveSubnets({ vpcCidr: "10.10.0.0/20", availabilityZones: ["ap-northeast-2a", "ap-northeast-2b"], prefixes })).toBeUndefined();
  });
});
