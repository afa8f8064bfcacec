import { validateWith, withField } from "./support/config";

type Areas = Record<string, unknown>;
const edit = (path: readonly string[], value: unknown) => (a: Areas): Areas => ({ ...a, cluster: withField(a.cluster, path, value) });

describe("cluster validation", () => {
  it("rejects a Kubernetes version that is not a minor version", () => {
    expect(validateWith("prod", edit(["kubernetesVersion"], "1.35.2")).messages).toEqual(['entasis:cluster.kubernetesVersion "1.35.2" is not a Kubernetes minor version; use e.g. "1.35" (quoted)']);
  });

  it("rejects a Kubernetes version the pinned cluster-autoscaler does not match", () => {
    expect(validateWith("prod", edit(["kubernetesVersion"], "1.34")).messages).toEqual([
      'entasis:cluster.kubernetesVersion "1.34" does not match cluster-autoscaler 1.35.0 (chart 9.59.0), which must run the cluster\'s minor version; use "1.35", or pin the autoscaler chart for 1.34 in lib/helmCharts.ts',
    ]);
  });


  it("rejects a non-GPU instance type on the NVIDIA AMI, and a GPU type on a standard AMI", () => {
    expect(validateWith("prod", edit(["nodePools", "ai-inference", "instanceTypes"], ["c5.xlarge"])).messages).toEqual([
      'entasis:cluster.nodePools.ai-inference.instanceTypes[0] "c5.xlarge" is not an NVIDIA GPU instance type, but amiType is AL2023_x86_64_NVIDIA; use a GPU type (p6-b300, p6-b200, p5, p5e, p5en, p4d, p4de, p3, p3dn, g7e, gr6, g6, g6e, g6f, gr6f, g5, g4dn families) or a standard amiType',
      // The AI layer sizes its GPU demand by this pool and cannot count a c5's GPUs either.
      'entasis:cluster.nodePools.ai-inference.instanceTypes ["c5.xlarge"] has a type whose GPU count is unknown; use a type listed in lib/gpuInstances.ts, or add it there with its source',
    ]);
    expect(validateWith("prod", edit(["nodePools", "general", "instanceTypes"], ["g5.xlarge"])).messages).toEqual([
      'entasis:cluster.nodePools.general.instanceTypes[0] "g5.xlarge" is a GPU instance type, but amiType AL2023_x86_64_STANDARD has no NVIDIA driver; use amiType AL2023_x86_64_NVIDIA with the nvidia.com/gpu taint',
    ]);
  });

  // minSize > maxSize, the GPU taint, the untainted pool and instance-type syntax: config-validation.test.ts.
  it("requires desiredSize <= maxSize", () => {
    expect(validateWith("prod", edit(["nodePools", "general", "desiredSize"], 11)).messages).toEqual([
      "entasis:cluster.nodePools.general.desiredSize 11 is outside minSize..maxSize (3..10); make minSize <= desiredSize <= maxSize",
    ]);
  });


  it("requires an untainted pool that keeps at least one node", () => {
    const r = validateWith("dev", (a) => edit(["nodePools", "general", "desiredSize"], 0)(edit(["nodePools", "general", "minSize"], 0)(a)));
    expect(r.messages).toEqual([
      'entasis:cluster.nodePools ["general"] has no untainted pool with minSize >= 1, so CoreDNS and the cluster autoscaler itself have no node to start on; give the general pool minSize: 1 or more',
    ]);
  });

  it("keeps pool names unique by construction and valid as node group names", () => {
    // Pools are a map keyed by name, so a name cannot appear twice; the name must still make a valid node group name.
    const renamed = (a: Areas): Areas => {
      const cluster = JSON.parse(JSON.stringify(a.cluster)) as Record<string, unknown>;
      const long = "general-purpose-compute-pool-x";
      // general comes from mode ha-scaled; null removes it.
      cluster.nodePools = { [long]: { instanceTypes: ["c5.2xlarge"], minSize: 3, desiredSize: 3, maxSize: 10, labels: { role: long } }, general: null };
      return { ...a, cluster };
    };
    expect(validateWith("prod", renamed).messages).toEqual([
      'entasis:cluster.nodePools.general-purpose-compute-pool-x "general-purpose-compute-pool-x" makes the node group name prefix entasis-prod-general-purpose-compute-pool-x- 44 characters long (EKS allows 37 before the unique suffix); use a shorter pool name',
    ]);
    expect(validateWith("prod", edit(["nodePools", "general", "labels", "role"], "web")).messages).toEqual([
      'entasis:cluster.nodePools.general.labels.role "web" must equal the pool name; set labels.role: general (workloads select pools by role)',
    ]);
  });

  it("refuses a public endpoint without CIDRs, open to the internet, or CIDRs without a public endpoint", () => {
    expect(validateWith("prod", edit(["endpoint"], { publicAccess: true, publicAccessCidrs: [] })).messages).toEqual([
      "entasis:cluster.endpoint.publicAccessCidrs [] is empty while publicAccess is true, so EKS would open the API server to 0.0.0.0/0; list the operator/CI egress CIDRs, or set publicAccess: false",
    ]);
    expect(validateWith("prod", edit(["endpoint"], { publicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] })).messages).toEqual([
      'entasis:cluster.endpoint.publicAccessCidrs[0] "0.0.0.0/0" opens the Kubernetes API server to the whole internet; list only the operator/CI egress CIDRs',
    ]);
    expect(validateWith("prod", edit(["endpoint", "publicAccessCidrs"], ["203.0.113.0/24"])).messages).toEqual([
      'entasis:cluster.endpoint.publicAccessCidrs ["203.0.113.0/24"] has no effect while publicAccess is false; remove the CIDRs, or set publicAccess: true',
    ]);
    expect(validateWith("prod", edit(["endpoint"], { publicAccess: true, publicAccessCidrs: ["203.0.113.7/24"] })).messages).toEqual([
      'entasis:cluster.endpoint.publicAccessCidrs[0] "203.0.113.7/24" is not a valid IPv4 CIDR (a.b.c.d/n with no host bits set); use e.g. 203.0.113.0/24',
    ]);
  });

  it("accepts admin principals only as IAM role/user ARNs, each once", () => {
    expect(validateWith("prod", edit(["adminPrincipalArns"], ["arn:aws:sts::123456789012:assumed-role/admin/alice"])).messages).toEqual([
      'entasis:cluster.adminPrincipalArns[0] "arn:aws:sts::123456789012:assumed-role/admin/alice" is not an IAM role or user ARN; use arn:aws:iam::<account>:role/<name> (not an sts assumed-role session ARN)',
    ]);
    const arn = "arn:aws:iam::123456789012:role/platform-admin";
    expect(validateWith("prod", edit(["adminPrincipalArns"], [arn, arn])).messages).toEqual([
      `entasis:cluster.adminPrincipalArns[1] "${arn}" is listed twice (EKS allows one access entry per principal); list each principal once`,
    ]);
    expect(validateWith("prod", edit(["adminPrincipalArns"], [arn])).ok).toBe(true);
  });

  it("accepts only CloudWatch retentions for control-plane logs", () => {
    const r = validateWith("dev", edit(["logRetentionDays"], 45));
    expect(r.messages).toHaveLength(1);
    expect(r.messages[0]).toMatch(/^entasis:cluster\.logRetentionDays 45 is not a CloudWatch Logs retention \(allowed: 1, 3, .*3653\); pick the nearest allowed value, e\.g\. 90$/);
  });

  it("accepts add-on versions in EKS's format, for known add-ons only", () => {
    expect(validateWith("dev", edit(["addonVersions", "coredns"], "1.11.4")).messages).toEqual([
      'entasis:cluster.addonVersions.coredns "1.11.4" is not an EKS add-on version; use e.g. v1.19.2-eksbuild.1 (aws eks describe-addon-versions), or leave it out to use the cluster version\'s default',
    ]);
    expect(validateWith("dev", edit(["addonVersions", "coredns"], "v1.11.4-eksbuild.2")).ok).toBe(true);
    expect(validateWith("dev", edit(["addonVersions", "cert-manager"], "v1.0.0-eksbuild.1")).ok).toBe(false);
  });

  it("names a misspelt cluster key instead of ignoring it", () => {
    expect(validateWith("dev", edit(["endpoint", "publicAcess"], true)).messages).toEqual([
      "entasis:cluster.endpoint.publicAcess true is not a known setting; did you mean entasis:cluster.endpoint.publicAccess? Rename it in Pulumi.dev.yaml (known here: publicAccess, publicAccessCidrs)",
    ]);
  });
});
