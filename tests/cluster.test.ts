import { RunResult, RecordedResource, runStack } from "../tools/offline/harness";
import { CHARTS } from "../lib/helmCharts";
import { TEST_SECRETS, byUrn, componentOf, jsonInput, named, ofType, tagsOf } from "./support/query";
import { stackRun } from "./support/stackRuns";

// One dev and one prod run serve every test of the cluster area (runs are the slow part).

const runs: Record<string, RunResult> = {};
beforeAll(async () => {
  // Sequential: the Pulumi runtime is process-global.
  runs.dev = await stackRun("dev");
  runs.prod = await stackRun("prod");
});

/** The spec's node pools (004, "Node Configuration") in prod. */
/** Pool totals, split over a node group per zone for pools with zonal pods: ai-inference at 0 without a served model, data-processing one node per TimescaleDB instance (issue 20). */
const PROD_POOLS = {
  general: { instanceTypes: ["c5.2xlarge"], minSize: 3, maxSize: 10 },
  "ai-inference": { instanceTypes: ["g4dn.xlarge"], minSize: 0, maxSize: 5 },
  "data-processing": { instanceTypes: ["r5.2xlarge"], minSize: 3, maxSize: 8 },
} as const;

/** The pool's node groups (one, or one per zone), by their role label. */
function poolGroups(run: RunResult, pool: string): RecordedResource[] {
  return ofType(run, "aws:eks/nodeGroup:NodeGroup").filter((ng) => (ng.inputs.labels as { role?: string }).role === pool);
}

/** One of the pool's node groups (all share instance types, labels, taints and AMI). */
function nodeGroup(run: RunResult, pool: string): RecordedResource {
  const [first] = poolGroups(run, pool);
  if (!first) throw new Error(`no node group of pool ${pool}`);
  return first;
}

/** The pool's totals over its groups. */
function poolSizes(run: RunResult, pool: string): { minSize: number; desiredSize: number; maxSize: number } {
  const total = { minSize: 0, desiredSize: 0, maxSize: 0 };
  for (const ng of poolGroups(run, pool)) {
    const sc = ng.inputs.scalingConfig as typeof total;
    total.minSize += sc.minSize;
    total.desiredSize += sc.desiredSize;
    total.maxSize += sc.maxSize;
  }
  return total;
}

function launchTemplateOf(run: RunResult, ng: RecordedResource): RecordedResource {
  const lt = ng.inputs.launchTemplate as { id: string; version: string };
  const found = ofType(run, "aws:ec2/launchTemplate:LaunchTemplate").find((r) => `${r.name}-id` === lt.id);
  if (!found) throw new Error(`no launch template ${lt.id}`);
  return found;
}

/** Walks up the parent chain to the nearest ancestor of the given type. */
function ancestorOfType(run: RunResult, r: RecordedResource, type: string): RecordedResource | undefined {
  let cursor = byUrn(run, r.parent);
  while (cursor && cursor.type !== type) cursor = byUrn(run, cursor.parent);
  return cursor;
}

describe("prod node pools follow the spec", () => {
  it.each(Object.entries(PROD_POOLS))("%s has the spec's instance type, sizes and role label", (pool, spec) => {
    for (const ng of poolGroups(runs.prod, pool)) {
      expect(ng.inputs.instanceTypes).toEqual(spec.instanceTypes);
      expect(ng.inputs.labels).toEqual({ role: pool });
      expect(ng.inputs.capacityType).toBe("ON_DEMAND");
    }
    expect(poolSizes(runs.prod, pool)).toEqual({ minSize: spec.minSize, desiredSize: spec.minSize, maxSize: spec.maxSize });
  });

  it("has exactly the three pools: general and data-processing one node group per zone (keyed by AZ), ai-inference one group", () => {
    expect(ofType(runs.prod, "aws:eks/nodeGroup:NodeGroup").map((r) => r.name).sort()).toEqual([
      "cluster-ai-inference-ng",
      "cluster-data-processing-ng-ap-northeast-2a",
      "cluster-data-processing-ng-ap-northeast-2b",
      "cluster-data-processing-ng-ap-northeast-2c",
      "cluster-general-ng-ap-northeast-2a",
      "cluster-general-ng-ap-northeast-2b",
      "cluster-general-ng-ap-northeast-2c",
    ]);
  });
});

describe("dev node pools are small and cheap", () => {
  it("scales the GPU and data pools from zero on spot, keeps general on demand", () => {
    expect(nodeGroup(runs.dev, "general").inputs).toMatchObject({ capacityType: "ON_DEMAND" });
    expect(poolSizes(runs.dev, "general")).toEqual({ minSize: 2, desiredSize: 2, maxSize: 4 });
    expect(nodeGroup(runs.dev, "ai-inference").inputs).toMatchObject({ capacityType: "SPOT", scalingConfig: { minSize: 0, desiredSize: 0, maxSize: 2 } });
    expect(nodeGroup(runs.dev, "data-processing").inputs).toMatchObject({ capacityType: "SPOT", instanceTypes: ["r5.xlarge", "r5a.xlarge", "r6i.xlarge"] });
    // One node for the one TimescaleDB instance; the remainder of a split goes to the first zone.
    expect(poolGroups(runs.dev, "data-processing").map((ng) => [ng.name, ng.inputs.scalingConfig])).toEqual([
      ["cluster-data-processing-ng-ap-northeast-2a", { minSize: 1, desiredSize: 1, maxSize: 2 }],
      ["cluster-data-processing-ng-ap-northeast-2c", { minSize: 0, desiredSize: 0, maxSize: 1 }],
    ]);
  });
});

describe.each(["dev", "prod"] as const)("EKS cluster of %s", (stack) => {
  const run = (): RunResult => runs[stack];
  const eks = (): RecordedResource => named(run(), "cluster-eks", "aws:eks/cluster:Cluster");

  it("pins the Kubernetes version from config, matching the autoscaler's minor", () => {
    expect(eks().inputs.version).toBe("1.35");
    expect(CHARTS.clusterAutoscaler.appVersion.startsWith("1.35.")).toBe(true);
    expect(eks().inputs.name).toBe(`entasis-${stack}`);
  });

  it("has the private endpoint on and the public one off by default, in the private subnets", () => {
    expect(eks().inputs.vpcConfig).toEqual({
      subnetIds: run().outputs.privateSubnetIds,
      endpointPrivateAccess: true,
      endpointPublicAccess: false,
    });
  });

  it("envelope-encrypts Secrets with a customer-managed, rotating KMS key the control plane may use", () => {
    const keyArn = `arn:aws:kms:ap-northeast-2:123456789012:key/cluster-secrets-key-key-id`;
    expect(eks().inputs.encryptionConfig).toEqual({ provider: { keyArn }, resources: ["secrets"] });
    const key = named(run(), "cluster-secrets-key", "aws:kms/key:Key");
    expect(key.inputs.enableKeyRotation).toBe(true);
    const kmsPolicy = jsonInput(named(run(), "cluster-control-plane-kms", "aws:iam/rolePolicy:RolePolicy"), "policy");
    expect(kmsPolicy).toEqual({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"], Resource: keyArn }] });
  });

  it("sends api, audit and authenticator logs to an encrypted log group with the configured retention, created first", () => {
    expect(eks().inputs.enabledClusterLogTypes).toEqual(["api", "audit", "authenticator"]);
    const lg = named(run(), "cluster-control-plane-logs", "aws:cloudwatch/logGroup:LogGroup");
    expect(lg.inputs).toMatchObject({ name: `/aws/eks/entasis-${stack}/cluster`, retentionInDays: stack === "prod" ? 365 : 30, kmsKeyId: "arn:aws:kms:ap-northeast-2:123456789012:key/network-logs-key-key-id" });
    expect(eks().dependencies).toContain(lg.urn);
  });

  it("uses access entries only, with deletion protection in prod", () => {
    expect(eks().inputs.accessConfig).toEqual({ authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true });
    expect(eks().inputs.deletionProtection).toBe(stack === "prod");
    expect(eks().inputs.bootstrapSelfManagedAddons).toBe(false);
  });

  it("has an IAM OIDC provider for the cluster's issuer, audience sts.amazonaws.com", () => {
    const oidc = named(run(), "cluster-oidc", "aws:iam/openIdConnectProvider:OpenIdConnectProvider");
    const issuer = (eks().state.identities as { oidcs: { issuer: string }[] }[])[0].oidcs[0].issuer;
    expect(oidc.inputs).toMatchObject({ url: issuer, clientIdLists: ["sts.amazonaws.com"] });
    expect(run().outputs.oidcProviderArn).toBe(`arn:aws:iam::123456789012:oidc-provider/${issuer.replace("https://", "")}`);
  });

  it("lets the bastion reach the private API endpoint on 443 through the cluster security group", () => {
    const rule = named(run(), "cluster-api-from-bastion", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
    const clusterSg = (eks().state.vpcConfig as { clusterSecurityGroupId: string }).clusterSecurityGroupId;
    expect(rule.inputs).toMatchObject({ securityGroupId: clusterSg, referencedSecurityGroupId: "bastion-sg-id", ipProtocol: "tcp", fromPort: 443, toPort: 443 });
  });

  it("installs the five managed add-ons; vpc-cni enforces network policies and uses IRSA; EBS CSI has its IRSA role", () => {
    const addons = Object.fromEntries(ofType(run(), "aws:eks/addon:Addon").map((a) => [String(a.inputs.addonName), a]));
    expect(Object.keys(addons).sort()).toEqual(["aws-ebs-csi-driver", "coredns", "eks-pod-identity-agent", "kube-proxy", "vpc-cni"]);
    for (const a of Object.values(addons)) {
      // Resolved per cluster version from EKS (getAddonVersion), not left floating.
      expect(a.inputs.addonVersion).toBe(`v0.0.0-eksbuild.mock-${String(a.inputs.addonName)}-1.35`);
      expect(a.inputs.clusterName).toBe(`entasis-${stack}`);
    }
    expect(JSON.parse(String(addons["vpc-cni"].inputs.configurationValues))).toEqual({ enableNetworkPolicy: "true" });
    expect(addons["vpc-cni"].inputs.serviceAccountRoleArn).toBe(named(run(), "cluster-vpc-cni-role", "aws:iam/role:Role").state.arn);
    expect(addons["aws-ebs-csi-driver"].inputs.serviceAccountRoleArn).toBe(named(run(), "cluster-ebs-csi-role", "aws:iam/role:Role").state.arn);
    expect(jsonInput(named(run(), "cluster-ebs-csi-role", "aws:iam/role:Role"), "assumeRolePolicy")).toMatchObject({
      Statement: [{ Condition: { StringEquals: { [`${issuerHost(run())}:sub`]: "system:serviceaccount:kube-system:ebs-csi-controller-sa" } } }],
    });
    expect(named(run(), "cluster-ebs-csi-ebs", "aws:iam/rolePolicyAttachment:RolePolicyAttachment").inputs.policyArn).toBe("arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy");
  });

  it("creates networking add-ons before the nodes and CoreDNS/EBS CSI after the system pool's nodes only", () => {
    const addonUrn = (n: string): string => named(run(), `cluster-${n}`, "aws:eks/addon:Addon").urn;
    const poolComponent = named(run(), "cluster-general", "entasis:cluster:NodePool");
    for (const n of ["vpc-cni", "kube-proxy", "eks-pod-identity-agent"]) expect(poolComponent.dependencies).toContain(addonUrn(n));
    const general = poolGroups(run(), "general").map((ng) => ng.urn);
    const others = ofType(run(), "aws:eks/nodeGroup:NodeGroup").filter((ng) => !general.includes(ng.urn));
    expect(others.map((ng) => ng.name).every((n) => n.startsWith("cluster-ai-inference-ng") || n.startsWith("cluster-data-processing-ng"))).toBe(true);
    expect(others).toHaveLength(stack === "prod" ? 4 : 3);
    for (const n of ["coredns", "aws-ebs-csi-driver"]) {
      const deps = named(run(), `cluster-${n}`, "aws:eks/addon:Addon").dependencies;
      expect(deps).toEqual(expect.arrayContaining(general));
      for (const ng of others) expect(deps).not.toContain(ng.urn);
    }
  });
});

function issuerHost(run: RunResult): string {
  const eks = named(run, "cluster-eks", "aws:eks/cluster:Cluster");
  return (eks.state.identities as { oidcs: { issuer: string }[] }[])[0].oidcs[0].issuer.replace("https://", "");
}

describe.each(["dev", "prod"] as const)("node pools of %s", (stack) => {
  const run = (): RunResult => runs[stack];
  const groups = (): RecordedResource[] => ofType(run(), "aws:eks/nodeGroup:NodeGroup");

  it("every launch template requires IMDSv2 (hop limit 2) and encrypts a gp3 root volume, with no image or instance profile", () => {
    const lts = ofType(run(), "aws:ec2/launchTemplate:LaunchTemplate");
    expect(lts).toHaveLength(3);
    for (const lt of lts) {
      expect(lt.inputs.metadataOptions).toEqual({ httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" });
      const [disk] = lt.inputs.blockDeviceMappings as { deviceName: string; ebs: Record<string, unknown> }[];
      expect(disk.deviceName).toBe("/dev/xvda");
      expect(disk.ebs).toMatchObject({ encrypted: "true", volumeType: "gp3", volumeSize: 100 });
      expect(lt.inputs.imageId).toBeUndefined();
      expect(lt.inputs.iamInstanceProfile).toBeUndefined();
    }
  });

  it("attaches the cluster security group and the application security group to every node", () => {
    const clusterSg = (named(run(), "cluster-eks", "aws:eks/cluster:Cluster").state.vpcConfig as { clusterSecurityGroupId: string }).clusterSecurityGroupId;
    for (const ng of groups()) expect(launchTemplateOf(run(), ng).inputs.vpcSecurityGroupIds).toEqual([clusterSg, "security-groups-application-id"]);
  });

  it("covers all private subnets with every pool (one group spanning them, or one group per zone), on the cluster's version, with the node role", () => {
    for (const pool of ["general", "ai-inference", "data-processing"]) expect(poolGroups(run(), pool).flatMap((ng) => ng.inputs.subnetIds as string[])).toEqual(run().outputs.privateSubnetIds);
    for (const ng of groups()) {
      expect(ng.inputs).toMatchObject({ clusterName: `entasis-${stack}`, version: "1.35", nodeRoleArn: named(run(), "cluster-node", "aws:iam/role:Role").state.arn });
      expect(launchTemplateOf(run(), ng).inputs.updateDefaultVersion).toBe(true);
      expect(ng.inputs.launchTemplate).toMatchObject({ version: "1" });
    }
  });

  it("lets the autoscaler own the desired size (no drift) and tags pools for auto-discovery", () => {
    for (const ng of groups()) {
      // With entasis:sleep (dev) the wake and sleep schedules own minSize too (tests/sleep-schedule.test.ts).
      expect(ng.ignoreChanges).toEqual(stack === "dev" ? ["scalingConfig.desiredSize", "scalingConfig.minSize"] : ["scalingConfig.desiredSize"]);
      expect(tagsOf(ng)).toMatchObject({ "k8s.io/cluster-autoscaler/enabled": "true", [`k8s.io/cluster-autoscaler/entasis-${stack}`]: "owned" });
    }
  });

  it("runs the GPU pool on the NVIDIA AMI behind the nvidia.com/gpu NoSchedule taint; general stays untainted", () => {
    expect(nodeGroup(run(), "ai-inference").inputs).toMatchObject({ amiType: "AL2023_x86_64_NVIDIA", taints: [{ key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" }] });
    expect(nodeGroup(run(), "general").inputs.taints).toEqual([]);
    expect(nodeGroup(run(), "general").inputs.amiType).toBe("AL2023_x86_64_STANDARD");
    expect(nodeGroup(run(), "data-processing").inputs.taints).toEqual([{ key: "workload", value: "data-processing", effect: "NO_SCHEDULE" }]);
  });

  it("gives nodes only the worker, image-pull and SSM agent policies (CNI permissions live in the vpc-cni IRSA role)", () => {
    const attached = ofType(run(), "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => a.name.startsWith("cluster-node-"));
    expect(attached.map((a) => a.inputs.policyArn).sort()).toEqual(["arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly", "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy", "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]);
  });

  it("puts the pools under the Cluster component", () => {
    for (const ng of groups()) {
      expect(componentOf(run(), ng)).toBe("entasis:cluster:NodePool");
      expect(ancestorOfType(run(), ng, "entasis:cluster:Cluster")?.name).toBe("cluster");
    }
    expect(componentOf(run(), named(run(), "cluster-eks", "aws:eks/cluster:Cluster"))).toBe("entasis:cluster:Cluster");
  });
});

// ---- Kubernetes side: provider, kubeconfig, Helm releases ----

function release(run: RunResult, name: string): RecordedResource {
  return named(run, `cluster-system-${name}`, "kubernetes:helm.sh/v3:Release");
}

function values(r: RecordedResource): Record<string, unknown> {
  return r.inputs.values as Record<string, unknown>;
}

describe.each(["dev", "prod"] as const)("Kubernetes side of %s", (stack) => {
  const run = (): RunResult => runs[stack];
  const provider = (): RecordedResource => named(run(), "cluster-k8s", "pulumi:providers:kubernetes");

  it("exports the kubeconfig only as a secret, built from the cluster's endpoint and CA, authenticating with aws eks get-token", () => {
    expect(run().secretOutputs).toContain("kubeconfig");
    const eks = named(run(), "cluster-eks", "aws:eks/cluster:Cluster");
    // Stack outputs keep Pulumi's secret envelope ({ <sig>: <secret sig>, value }).
    const envelope = run().outputs.kubeconfig as { value: string };
    const kubeconfig = JSON.parse(envelope.value) as {
      clusters: { cluster: { server: string; "certificate-authority-data": string } }[];
      users: { user: { exec: { command: string; args: string[] } } }[];
    };
    expect(kubeconfig.clusters[0].cluster).toEqual({ server: eks.state.endpoint, "certificate-authority-data": (eks.state.certificateAuthority as { data: string }).data });
    expect(kubeconfig.users[0].user.exec).toMatchObject({ command: "aws", args: ["eks", "get-token", "--cluster-name", `entasis-${stack}`, "--region", "ap-northeast-2", "--output", "json"] });
    expect(provider().secretPaths).toContain("kubeconfig");
  });

  it("creates every Kubernetes object with the cluster's provider", () => {
    const k8sObjects = run().resources.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
    expect(k8sObjects.length).toBeGreaterThanOrEqual(2);
    for (const r of k8sObjects) expect(r.provider).toBe(`${provider().urn}::cluster-k8s-id`);
  });

  it("pins the chart versions and runs the autoscaler and metrics-server on the untainted general pool", () => {
    for (const [key, pin] of [["cluster-autoscaler", CHARTS.clusterAutoscaler], ["metrics-server", CHARTS.metricsServer]] as const) {
      const r = release(run(), key);
      expect(r.inputs).toMatchObject({ chart: pin.chart, version: pin.version, repositoryOpts: { repo: pin.repo }, namespace: "kube-system" });
      expect(values(r).nodeSelector).toEqual({ role: "general" });
    }
    expect(values(release(run(), "metrics-server"))).toMatchObject(
      stack === "prod" ? { replicas: 2, podDisruptionBudget: { enabled: true, minAvailable: 1 } } : { replicas: 1, podDisruptionBudget: { enabled: false } },
    );
  });

  it("configures the autoscaler for auto-discovery of this cluster's pools, with its IRSA role on its service account", () => {
    const v = values(release(run(), "cluster-autoscaler"));
    const role = named(run(), "cluster-system-autoscaler-role", "aws:iam/role:Role");
    expect(v).toMatchObject({
      cloudProvider: "aws",
      awsRegion: "ap-northeast-2",
      autoDiscovery: { clusterName: `entasis-${stack}` },
      rbac: { serviceAccount: { create: true, name: "cluster-autoscaler", annotations: { "eks.amazonaws.com/role-arn": role.state.arn } } },
    });
  });

  it("binds the autoscaler's IRSA trust policy to its service account and STS audience only", () => {
    const eks = named(run(), "cluster-eks", "aws:eks/cluster:Cluster");
    const issuer = (eks.state.identities as { oidcs: { issuer: string }[] }[])[0].oidcs[0].issuer.replace("https://", "");
    const trust = jsonInput(named(run(), "cluster-system-autoscaler-role", "aws:iam/role:Role"), "assumeRolePolicy");
    expect(trust).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Federated: run().outputs.oidcProviderArn },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: { StringEquals: { [`${issuer}:sub`]: "system:serviceaccount:kube-system:cluster-autoscaler", [`${issuer}:aud`]: "sts.amazonaws.com" } },
        },
      ],
    });
  });

  it("grants the autoscaler the documented policy, scaling only groups tagged for this cluster, and eks:DescribeNodegroup for scale from zero", () => {
    const policy = jsonInput(named(run(), "cluster-system-autoscaler-cluster-autoscaler", "aws:iam/rolePolicy:RolePolicy"), "policy") as {
      Statement: { Sid: string; Action: string[]; Resource: string; Condition?: unknown }[];
    };
    const [discover, scale] = policy.Statement;
    expect(discover.Action).toContain("eks:DescribeNodegroup");
    expect(discover.Action).toContain("autoscaling:DescribeAutoScalingGroups");
    expect(discover.Action).not.toContain("autoscaling:SetDesiredCapacity");
    expect(scale.Action).toEqual(["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"]);
    expect(scale.Condition).toEqual({ Null: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/entasis-${stack}`]: "false" } });
  });

  it("restricts the NVIDIA device plugin to the GPU pool and tolerates its taint", () => {
    const r = release(run(), "nvidia-device-plugin");
    expect(r.inputs).toMatchObject({ chart: "nvidia-device-plugin", version: CHARTS.nvidiaDevicePlugin.version, namespace: "kube-system" });
    expect(values(r)).toEqual({
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "role", operator: "In", values: ["ai-inference"] }] }] } } },
      tolerations: [
        { key: "CriticalAddonsOnly", operator: "Exists" },
        { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
      ],
    });
  });

  it("installs each chart only after the system pool's nodes and CoreDNS, with a timeout sized from its install time", () => {
    const waits = [...poolGroups(run(), "general").map((ng) => ng.urn), named(run(), "cluster-coredns", "aws:eks/addon:Addon").urn];
    const releases = ofType(run(), "kubernetes:helm.sh/v3:Release").filter((r) => r.parent === named(run(), "cluster-system", "entasis:cluster:SystemCharts").urn);
    expect(releases.map((r) => r.name).sort()).toEqual(["cluster-system-cluster-autoscaler", "cluster-system-metrics-server", "cluster-system-nvidia-device-plugin"]);
    for (const r of releases) {
      expect(r.dependencies).toEqual(expect.arrayContaining(waits));
      // Never the GPU pool, even for the GPU pools' device plugin: a quota-blocked pool must not hold it.
      expect(r.dependencies).not.toContain(named(run(), "cluster-ai-inference-ng", "aws:eks/nodeGroup:NodeGroup").urn);
    }
    // 2 x (typical install + one new node of 240 s), whole minutes: 45 s, 60 s and 30 s installs.
    expect(Object.fromEntries(releases.map((r) => [r.name, r.inputs.timeout]))).toEqual({
      "cluster-system-cluster-autoscaler": 600,
      "cluster-system-metrics-server": 600,
      "cluster-system-nvidia-device-plugin": 540,
    });
    // The autoscaler's IAM role does not wait for nodes: the component itself waits for nothing.
    expect(named(run(), "cluster-system", "entasis:cluster:SystemCharts").dependencies).toEqual([]);
  });

  it("exports the contract later areas build on", () => {
    expect(run().outputs).toMatchObject({
      clusterName: `entasis-${stack}`,
      clusterEndpoint: expect.stringMatching(/^https:\/\/.+\.eks\.amazonaws\.com$/),
      oidcProviderArn: expect.stringContaining(":oidc-provider/oidc.eks.ap-northeast-2.amazonaws.com/id/"),
      nodePools: {
        general: { labels: { role: "general" }, taints: [] },
        "ai-inference": { labels: { role: "ai-inference" }, taints: [{ key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" }] },
        "data-processing": { labels: { role: "data-processing" }, taints: [{ key: "workload", value: "data-processing", effect: "NoSchedule" }] },
      },
    });
  });
});

describe("config reaches the cluster", () => {
  it("opens the public endpoint only to the configured CIDRs and adds admin access entries", async () => {
    const run = await runStack({
      stack: "dev",
      secrets: TEST_SECRETS,
      overrides: {
        "entasis:cluster": {
          kubernetesVersion: "1.35",
          endpoint: { publicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] },
          adminPrincipalArns: ["arn:aws:iam::123456789012:role/platform-admin"],
          addonVersions: { "vpc-cni": "v1.20.1-eksbuild.3" },
          nodePools: {
            // One node per zone at minimum: trading-api spreads over both zones (validated).
            general: { instanceTypes: ["t3.large"], minSize: 2, desiredSize: 2, maxSize: 4, labels: { role: "general" } },
            // entasis:processing places its jobs on this pool and checks its quotas against it.
            "data-processing": { instanceTypes: ["r5.xlarge"], minSize: 0, desiredSize: 0, maxSize: 3, labels: { role: "data-processing" }, taints: [{ key: "workload", value: "data-processing", effect: "NO_SCHEDULE" }] },
            // null removes the pool mode single would add.
            "ai-inference": null,
          },
        },
        // The time-series store needs a pool that exists; with one pool it shares it.
        "entasis:timeseries": { pool: "general" },
        // Without the GPU and data-processing pools the AI layer has nowhere to run.
        "entasis:ai": { enabled: false },
      },
    });
    const eks = named(run, "cluster-eks", "aws:eks/cluster:Cluster");
    expect(eks.inputs.vpcConfig).toMatchObject({ endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] });
    const entry = named(run, "cluster-admin-123456789012-role-platform-admin", "aws:eks/accessEntry:AccessEntry");
    expect(entry.inputs).toMatchObject({ principalArn: "arn:aws:iam::123456789012:role/platform-admin", type: "STANDARD", clusterName: "entasis-dev" });
    const assoc = named(run, "cluster-admin-123456789012-role-platform-admin", "aws:eks/accessPolicyAssociation:AccessPolicyAssociation");
    expect(assoc.inputs).toMatchObject({ policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", accessScope: { type: "cluster" } });
    // The Kubernetes provider waits for the admin access, so the charts are not installed before it exists.
    expect(named(run, "cluster-k8s", "pulumi:providers:kubernetes").dependencies).toContain(assoc.urn);
    const cni = ofType(run, "aws:eks/addon:Addon").find((a) => a.inputs.addonName === "vpc-cni");
    expect(cni?.inputs.addonVersion).toBe("v1.20.1-eksbuild.3");
    // No GPU pool: no device plugin.
    expect(ofType(run, "kubernetes:helm.sh/v3:Release").map((r) => r.name).filter((n) => n.startsWith("cluster-system-")).sort()).toEqual(["cluster-system-cluster-autoscaler", "cluster-system-metrics-server"]);
  });
});
