import { validateWith, withField } from "./support/config";

describe("the committed stack files", () => {
  it.each(["dev", "prod"])("Pulumi.%s.yaml is valid", (stack) => {
    expect(validateWith(stack)).toEqual({ ok: true, messages: [] });
  });
});

describe("network validation", () => {
  it("rejects a CIDR that is not IPv4 CIDR syntax, naming key, value and fix", () => {
    const r = validateWith("dev", (a) => ({ ...a, network: withField(a.network, ["cidr"], "10.0.0.0/33") }));
    expect(r.messages).toEqual(['entasis:network.cidr "10.0.0.0/33" is not a valid IPv4 CIDR (a.b.c.d/n with no host bits set); use e.g. 10.10.0.0/16']);
  });

  it("rejects a VPC smaller than AWS allows (/28 is the limit)", () => {
    const r = validateWith("dev", (a) => ({ ...a, network: withField(a.network, ["cidr"], "10.0.0.0/29") }));
    expect(r.messages).toContain("entasis:network.cidr \"10.0.0.0/29\" is outside 16..28 (AWS VPC size); use a /16 to /28 block, e.g. 10.10.0.0/16");
  });

  it("rejects an explicit subnet that overlaps a carved one", () => {
    const r = validateWith("dev", (a) => ({ ...a, network: withField(a.network, ["subnets", "public", "ap-northeast-2a"], "10.10.0.0/24") }));
    expect(r.messages).toEqual([
      'entasis:network.subnets.public.ap-northeast-2a "10.10.0.0/24" overlaps private subnet 10.10.0.0/19 in ap-northeast-2a; give every subnet its own block',
    ]);
  });

  it("rejects an explicit subnet outside the VPC", () => {
    const r = validateWith("dev", (a) => ({ ...a, network: withField(a.network, ["subnets", "database", "ap-northeast-2c"], "10.99.0.0/24") }));
    expect(r.messages).toEqual(['entasis:network.subnets.database.ap-northeast-2c "10.99.0.0/24" is outside the VPC 10.10.0.0/16; pick a block inside 10.10.0.0/16']);
  });

  it("rejects subnet prefixes whose 6-AZ reservation does not fit the VPC", () => {
    const r = validateWith("dev", (a) => ({ ...a, network: withField(a.network, ["cidr"], "10.10.0.0/18") }));
    expect(r.messages).toEqual([
      'entasis:network.subnetPrefixes {"public":24,"private":19,"database":24} reserves 52224 addresses (6 AZ slots per tier) but 10.10.0.0/18 has 16384; use longer subnet prefixes or a larger VPC CIDR',
    ]);
  });

  it.each([
    [["ap-northeast-2a"], 'entasis:network.availabilityZones ["ap-northeast-2a"] is below the minimum 2 items; use at least 2'],
    [
      ["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c", "ap-northeast-2d", "ap-northeast-2e", "ap-northeast-2f", "ap-northeast-2a"],
      'entasis:network.availabilityZones ["ap-northeast-2a","ap-northeast-2b","ap-northeast-2c","ap-northeast-2d","ap-... is above the maximum 6 items; use at most 6',
    ],
  ])("keeps the AZ count within 2..6 (%j)", (azs, message) => {
    expect(validateWith("dev", (a) => ({ ...a, network: withField(a.network, ["availabilityZones"], azs) })).messages).toEqual([message]);
  });

  it("rejects an AZ of another region and a repeated AZ", () => {
    const r = validateWith("dev", (a) => ({ ...a, network: withField(a.network, ["availabilityZones"], ["us-east-1a", "ap-northeast-2c", "ap-northeast-2c"]) }));
    expect(r.messages).toEqual([
      'entasis:network.availabilityZones[0] "us-east-1a" is not an availability zone of ap-northeast-2 with a letter a..f; use e.g. ap-northeast-2a',
      'entasis:network.availabilityZones[2] "ap-northeast-2c" is listed twice; list each AZ once',
    ]);
  });

  it("rejects an AZ of a neighbouring region that is otherwise well-formed (the region check alone)", () => {
    // Same length and a valid letter: only "belongs to ap-northeast-2" can reject it.
    const r = validateWith("dev", (a) => ({ ...a, network: withField(a.network, ["availabilityZones"], ["ap-northeast-2a", "ap-northeast-1c"]) }));
    expect(r.messages).toEqual(['entasis:network.availabilityZones[1] "ap-northeast-1c" is not an availability zone of ap-northeast-2 with a letter a..f; use e.g. ap-northeast-2a']);
  });

  it("allows only the three NAT strategies", () => {
    const r = validateWith("dev", (a) => ({ ...a, network: withField(a.network, ["natStrategy"], "per-subnet") }));
    expect(r.messages).toEqual(['entasis:network.natStrategy "per-subnet" is not allowed (allowed: single | one-per-az | none); use one of those values']);
  });

  it("rejects a flow-log retention CloudWatch does not offer", () => {
    const r = validateWith("dev", (a) => ({ ...a, network: withField(a.network, ["flowLogs", "retentionDays"], 45) }));
    expect(r.messages).toHaveLength(1);
    expect(r.messages[0]).toMatch(/^entasis:network\.flowLogs\.retentionDays 45 is not a CloudWatch Logs retention \(allowed: 1, 3, 5, .*3653\); pick the nearest allowed value, e\.g\. 30$/);
  });

  it("rejects a peer VPC whose CIDR overlaps ours", () => {
    const r = validateWith("dev", (a) => ({ ...a, network: withField(a.network, ["peering"], { peerVpcId: "vpc-0123456789abcdef0", peerCidr: "10.10.128.0/17" }) }));
    expect(r.messages).toEqual(['entasis:network.peering.peerCidr "10.10.128.0/17" overlaps this VPC 10.10.0.0/16; peered VPCs need disjoint CIDRs (AWS rejects the peering otherwise)']);
  });

  it("refuses a bastion that could not reach SSM without NAT", () => {
    const r = validateWith("dev", (a) => ({ ...a, network: withField(a.network, ["natStrategy"], "none") }));
    expect(r.messages).toEqual(['entasis:network.bastion.enabled true needs outbound HTTPS to reach SSM, but natStrategy is "none"; use natStrategy "single" or disable the bastion']);
  });

  it("names a misspelt key instead of ignoring it", () => {
    const r = validateWith("dev", (a) => ({ ...a, network: withField(a.network, ["natStratgy"], "single") }));
    expect(r.messages).toEqual([
      'entasis:network.natStratgy "single" is not a known setting; did you mean entasis:network.natStrategy? Rename it in Pulumi.dev.yaml (known here: cidr, availabilityZones, natStrategy, subnetPrefixes, subnets, flowLogs, bastion, peering)',
    ]);
  });
});

describe("node pool validation", () => {
  it("rejects min > max and a desired size outside the range", () => {
    const r = validateWith("prod", (a) => ({ ...a, cluster: withField(a.cluster, ["nodePools", "general", "minSize"], 12) }));
    expect(r.messages).toEqual([
      "entasis:cluster.nodePools.general.minSize 12 is greater than maxSize 10; make minSize <= desiredSize <= maxSize",
      "entasis:cluster.nodePools.general.desiredSize 3 is outside minSize..maxSize (12..10); make minSize <= desiredSize <= maxSize",
    ]);
  });

  it("requires an untainted pool for system pods", () => {
    const r = validateWith("prod", (a) => ({ ...a, cluster: withField(a.cluster, ["nodePools", "general", "taints"], [{ key: "dedicated", effect: "NO_SCHEDULE" }]) }));
    expect(r.messages).toEqual([
      'entasis:cluster.nodePools ["general","ai-inference","data-processing"] has no untainted pool, so CoreDNS and system pods cannot schedule; leave the general pool without taints',
    ]);
  });

  it("requires the GPU taint on an NVIDIA pool", () => {
    const r = validateWith("prod", (a) => ({ ...a, cluster: withField(a.cluster, ["nodePools", "ai-inference", "taints"], []) }));
    expect(r.messages).toEqual([
      "entasis:cluster.nodePools.ai-inference.taints [] is a GPU pool without the nvidia.com/gpu NO_SCHEDULE taint; add { key: nvidia.com/gpu, effect: NO_SCHEDULE } so only GPU workloads land there",
    ]);
  });

  it("rejects an instance type that is not one", () => {
    const r = validateWith("prod", (a) => ({ ...a, cluster: withField(a.cluster, ["nodePools", "general", "instanceTypes"], ["c5-2xlarge"]) }));
    expect(r.messages).toEqual(['entasis:cluster.nodePools.general.instanceTypes[0] "c5-2xlarge" is not an EC2 instance type; use e.g. c5.2xlarge']);
  });
});

describe("stack-level validation", () => {
  it("knows only the dev and prod environments", () => {
    const r = validateWith("dev", (a) => ({ ...a, environment: "qa" }));
    expect(r.messages).toEqual(['entasis:environment "qa" is not a known environment (allowed: dev | prod); set entasis:environment to one of them']);
  });

  it("requires the Slack webhook secret in prod and says how to set it", () => {
    const r = validateWith("prod", (a) => a, {});
    expect(r.messages).toEqual([
      "entasis:slackWebhookUrl (unset) is required in prod (Alertmanager's Slack receiver); run: pulumi config set --secret entasis:slackWebhookUrl https://hooks.slack.com/services/T000/B000/XXXX",
    ]);
  });

  it("does not require the Slack webhook in dev", () => {
    expect(validateWith("dev", (a) => a, {}).ok).toBe(true);
  });

  it("reports every problem of a bad file in one run", () => {
    const r = validateWith("prod", (a) => ({
      ...a,
      tags: { owner: "platform-engineering" },
      network: withField(withField(a.network, ["cidr"], "10.0.0.0/33"), ["natStrategy"], "many"),
      cluster: withField(a.cluster, ["nodePools", "data-processing", "minSize"], 9),
    }));
    expect(r.messages.map((m) => m.split(" ")[0])).toEqual([
      "entasis:tags.costCenter",
      "entasis:network.cidr",
      "entasis:network.natStrategy",
      "entasis:cluster.nodePools.data-processing.minSize",
      "entasis:cluster.nodePools.data-processing.desiredSize",
    ]);
  });
});
