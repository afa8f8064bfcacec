import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { serviceTrust } from "../../lib/serviceTrust";
import { EncryptionKey } from "../security/encryptionKey";
import { BACKUP_TAG, Tags, named } from "../tags";
import { eksAddon } from "./addons";
import { ClusterSettings } from "./clusterSettings";
import { IrsaRole } from "./irsaRole";
import { kubeconfigFor } from "./kubeconfig";
import { NodePool, PoolDescription } from "./nodePool";
import { SystemCharts } from "./systemCharts";
import { GuardedAwsScope } from "../scope";

export interface ClusterArgs extends GuardedAwsScope {
  /** EKS cluster name; fixed because the autoscaler's discovery tags and IAM condition name it. */
  readonly clusterName: string;
  /** Validated `entasis:cluster` config. */
  readonly config: ClusterSettings;
  /** Private subnets (one per AZ): control-plane ENIs and every node pool. */
  readonly privateSubnetIds: pulumi.Input<string>[];
  /** The same subnets keyed by AZ, in the configured zone order: node groups per zone. */
  readonly privateSubnetIdsByZone: Readonly<Record<string, pulumi.Input<string>>>;
  /** Pools that run pods bound to a zone: one node group per zone each. Default none. */
  readonly zonalPools?: readonly string[];
  /** The spec's application security group, attached to every node. */
  readonly applicationSecurityGroupId: pulumi.Input<string>;
  /** Security groups allowed to the private API endpoint on 443 (e.g. the bastion), keyed by a stable name. Default none. */
  readonly apiClientSecurityGroupIds?: Readonly<Record<string, pulumi.Input<string>>>;
  /** CIDRs allowed to the private API endpoint on 443 (e.g. the deploy runners' VPC), keyed by a stable name. Default none. */
  readonly apiClientCidrs?: Readonly<Record<string, string>>;
  /** The network path from where `pulumi up` runs to the private endpoint; the Kubernetes provider waits for it. Default none. */
  readonly apiAccessReady?: readonly pulumi.Resource[];
  /** KMS key of the platform's log groups. */
  readonly logsKeyArn: pulumi.Input<string>;
  /** Customer managed key of every node disk (policy from nodeVolumeKeyStatements). */
  readonly nodeVolumeKeyArn: pulumi.Input<string>;
  /** A schedule scales the node groups to zero and back (entasis:sleep): it owns their minSize too. Default false. */
  readonly scheduledScaling?: boolean;
  readonly tags: Tags;
}

const CONTROL_PLANE_LOGS = ["api", "audit", "authenticator"];

function managedPolicy(partition: pulumi.Input<string>, name: string): pulumi.Output<string> {
  return pulumi.interpolate`arn:${partition}:iam::aws:policy/${name}`;
}

/**
 * The EKS cluster: control plane (private endpoint, public only for listed CIDRs), Secrets
 * envelope-encrypted with a customer key, control-plane logs, access entries, the IAM OIDC
 * provider for IRSA, managed add-ons, the node pools, and the cluster-level Helm releases.
 */
export class Cluster extends pulumi.ComponentResource {
  public readonly cluster: aws.eks.Cluster;
  public readonly clusterName: pulumi.Output<string>;
  public readonly endpoint: pulumi.Output<string>;
  public readonly clusterSecurityGroupId: pulumi.Output<string>;
  public readonly oidcProvider: aws.iam.OpenIdConnectProvider;
  public readonly oidcProviderArn: pulumi.Output<string>;
  /** Issuer URL without `https://`: the prefix of IRSA trust-policy condition keys. */
  public readonly issuerHostPath: pulumi.Output<string>;
  public readonly secretsKey: EncryptionKey;
  public readonly nodeRole: aws.iam.Role;
  public readonly nodePools: Readonly<Record<string, NodePool>>;
  /** Kubeconfig (secret): `aws eks get-token` authentication, no embedded credential. */
  public readonly kubeconfig: pulumi.Output<string>;
  /** Provider for every Kubernetes object of this cluster. */
  public readonly provider: k8s.Provider;
  public readonly systemCharts: SystemCharts;
  /** The untainted pool that never scales to zero: cluster-wide services run there. */
  public readonly systemPool: NodePool;
  /** CoreDNS add-on: reports ACTIVE once its pods run, so anything that resolves names waits for it. */
  public readonly coreDns: aws.eks.Addon;
  /** EBS CSI add-on: persistent volumes (gp3 StorageClasses) are provisioned only once it runs. */
  public readonly ebsCsi: aws.eks.Addon;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:cluster:Cluster", name, {}, opts);
    const cfg = args.config;
    const p = args.namePrefix;
    const version = cfg.kubernetesVersion;

    const clusterRole = new aws.iam.Role(
      `${name}-control-plane`,
      {
        description: `${p} EKS control plane`,
        assumeRolePolicy: serviceTrust("eks.amazonaws.com", args.accountId, { ifExists: true }),
        tags: named(args.tags, `${p}-eks-control-plane`),
      },
      { parent: this },
    );
    const clusterPolicy = new aws.iam.RolePolicyAttachment(`${name}-control-plane`, { role: clusterRole.name, policyArn: managedPolicy(args.partition, "AmazonEKSClusterPolicy") }, { parent: this });

    // Envelope encryption of Kubernetes Secrets with our own key (the spec's secrets encryption).
    // https://docs.aws.amazon.com/eks/latest/userguide/envelope-encryption.html
    this.secretsKey = new EncryptionKey(
      `${name}-secrets`,
      { description: `${p} EKS Secrets envelope encryption`, alias: `${p}-eks-secrets`, accountId: args.accountId, partition: args.partition, breakGlassRoleArn: args.breakGlassRoleArn, tags: args.tags },
      { parent: this },
    );
    const keyUse = new aws.iam.RolePolicy(
      `${name}-control-plane-kms`,
      {
        role: clusterRole.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"], Resource: this.secretsKey.arn }],
        }),
      },
      { parent: this },
    );

    // EKS writes to exactly this group; creating it first lets us set retention and encryption.
    // https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-control-plane-logs`,
      { name: `/aws/eks/${args.clusterName}/cluster`, retentionInDays: cfg.logRetentionDays, kmsKeyId: args.logsKeyArn, tags: named(args.tags, `${p}-eks-control-plane`) },
      { parent: this },
    );

    this.cluster = new aws.eks.Cluster(
      `${name}-eks`,
      {
        name: args.clusterName,
        version,
        roleArn: clusterRole.arn,
        vpcConfig: {
          subnetIds: args.privateSubnetIds,
          endpointPrivateAccess: true,
          endpointPublicAccess: cfg.endpoint.publicAccess,
          publicAccessCidrs: cfg.endpoint.publicAccess ? [...cfg.endpoint.publicAccessCidrs] : undefined,
        },
        // Access entries only (no aws-auth ConfigMap). The identity running `pulumi up` gets an
        // admin entry from EKS so the same run can install the Helm releases; everyone else is
        // listed in config. https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html
        accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true },
        encryptionConfig: { provider: { keyArn: this.secretsKey.arn }, resources: ["secrets"] },
        enabledClusterLogTypes: CONTROL_PLANE_LOGS,
        // The managed add-ons below own vpc-cni, kube-proxy and CoreDNS from the start.
        bootstrapSelfManagedAddons: false,
        deletionProtection: cfg.deletionProtection,
        tags: named(args.tags, args.clusterName),
      },
      { parent: this, dependsOn: [clusterPolicy, keyUse, logGroup] },
    );
    this.clusterName = this.cluster.name;
    this.endpoint = this.cluster.endpoint;
    this.clusterSecurityGroupId = this.cluster.vpcConfig.clusterSecurityGroupId;

    for (const [key, sg] of Object.entries(args.apiClientSecurityGroupIds ?? {})) {
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-api-from-${key}`,
        {
          securityGroupId: this.clusterSecurityGroupId,
          referencedSecurityGroupId: sg,
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          description: `Kubernetes API from ${key}`,
          tags: named(args.tags, `${p}-eks-api-from-${key}`),
        },
        { parent: this },
      );
    }

    const apiFromCidrs = Object.entries(args.apiClientCidrs ?? {}).map(
      ([key, cidr]) =>
        new aws.vpc.SecurityGroupIngressRule(
          `${name}-api-from-${key}`,
          {
            securityGroupId: this.clusterSecurityGroupId,
            cidrIpv4: cidr,
            ipProtocol: "tcp",
            fromPort: 443,
            toPort: 443,
            description: `Kubernetes API from ${key} (${cidr})`,
            tags: named(args.tags, `${p}-eks-api-from-${key}`),
          },
          { parent: this },
        ),
    );

    const issuer = this.cluster.identities.apply((ids) => {
      const url = ids[0]?.oidcs?.[0]?.issuer;
      if (!url) throw new pulumi.ResourceError("EKS returned no OIDC issuer", this.cluster);
      return url;
    });
    this.issuerHostPath = issuer.apply((u) => u.replace(/^https:\/\//, ""));
    this.oidcProvider = new aws.iam.OpenIdConnectProvider(
      `${name}-oidc`,
      { url: issuer, clientIdLists: ["sts.amazonaws.com"], tags: named(args.tags, `${p}-eks-oidc`) },
      { parent: this },
    );
    this.oidcProviderArn = this.oidcProvider.arn;
    const irsa = { namePrefix: p, oidcProviderArn: this.oidcProviderArn, issuerHostPath: this.issuerHostPath, namespace: "kube-system", tags: args.tags };

    const adminAccess: pulumi.Resource[] = [];
    for (const arn of cfg.adminPrincipalArns) {
      const key = arn.split(":").slice(4).join("-").replace(/[^a-zA-Z0-9-]/g, "-");
      const entry = new aws.eks.AccessEntry(`${name}-admin-${key}`, { clusterName: this.clusterName, principalArn: arn, type: "STANDARD", tags: named(args.tags, `${p}-eks-admin`) }, { parent: this });
      adminAccess.push(
        new aws.eks.AccessPolicyAssociation(
          `${name}-admin-${key}`,
          {
            clusterName: this.clusterName,
            principalArn: entry.principalArn,
            policyArn: pulumi.interpolate`arn:${args.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
            accessScope: { type: "cluster" },
          },
          { parent: this },
        ),
      );
    }

    // One node role for all pools. No CNI policy here: the vpc-cni add-on has its own IRSA role.
    // EKS creates the nodes' access entry for this role itself (EC2_LINUX).
    this.nodeRole = new aws.iam.Role(
      `${name}-node`,
      {
        description: `${p} EKS nodes`,
        assumeRolePolicy: serviceTrust("ec2.amazonaws.com", args.accountId, { ifExists: true }),
        tags: named(args.tags, `${p}-eks-node`),
      },
      { parent: this },
    );
    // AmazonSSMManagedInstanceCore: the nodes' SSM agent registers, so an operator gets a node's
    // shell through Session Manager (no SSH, no inbound rule; the nodes dial out on 443).
    // https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-instance-permissions.html
    const nodePolicies = ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly", "AmazonSSMManagedInstanceCore"].map(
      (policy) => new aws.iam.RolePolicyAttachment(`${name}-node-${policy}`, { role: this.nodeRole.name, policyArn: managedPolicy(args.partition, policy) }, { parent: this }),
    );

    const cniRole = new IrsaRole(`${name}-vpc-cni`, { ...irsa, serviceAccount: "aws-node", description: `${p} Amazon VPC CNI (IRSA)`, managedPolicyArns: { cni: managedPolicy(args.partition, "AmazonEKS_CNI_Policy") } }, { parent: this });
    const ebsRole = new IrsaRole(
      `${name}-ebs-csi`,
      { ...irsa, serviceAccount: "ebs-csi-controller-sa", description: `${p} EBS CSI driver (IRSA)`, managedPolicyArns: { ebs: managedPolicy(args.partition, "service-role/AmazonEBSCSIDriverPolicy") } },
      { parent: this },
    );

    const addon = (addonName: Parameters<typeof eksAddon>[1]["addonName"], extra: { configuration?: Record<string, unknown>; serviceAccountRoleArn?: pulumi.Input<string> }, dependsOn: pulumi.Resource[] = []): aws.eks.Addon =>
      eksAddon(
        `${name}-${addonName}`,
        { addonName, clusterName: this.clusterName, kubernetesVersion: version, version: cfg.addonVersions[addonName], awsName: `${p}-${addonName}`, tags: args.tags, ...extra },
        { parent: this, dependsOn },
      );
    // Networking add-ons come before the nodes, which cannot become Ready without them.
    // Network policy enforcement is on, so Kubernetes NetworkPolicies are actually enforced.
    // https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy-configure.html
    const baseAddons = [
      addon("vpc-cni", { configuration: { enableNetworkPolicy: "true" }, serviceAccountRoleArn: cniRole.arn }),
      addon("kube-proxy", {}),
      addon("eks-pod-identity-agent", {}),
    ];

    const pools: Record<string, NodePool> = {};
    for (const [poolName, pool] of Object.entries(cfg.nodePools)) {
      pools[poolName] = new NodePool(
        `${name}-${poolName}`,
        {
          namePrefix: p,
          poolName,
          pool,
          clusterName: this.clusterName,
          kubernetesVersion: this.cluster.version,
          nodeRoleArn: this.nodeRole.arn,
          subnetIdsByZone: args.privateSubnetIdsByZone,
          perZone: (args.zonalPools ?? []).includes(poolName),
          scheduledScaling: args.scheduledScaling,
          clusterSecurityGroupId: this.clusterSecurityGroupId,
          securityGroupIds: [args.applicationSecurityGroupId],
          volumeKeyArn: args.nodeVolumeKeyArn,
          autoscalerTags: { "k8s.io/cluster-autoscaler/enabled": "true", [`k8s.io/cluster-autoscaler/${args.clusterName}`]: "owned" },
          tags: args.tags,
        },
        { parent: this, dependsOn: [...nodePolicies, ...baseAddons] },
      );
    }
    this.nodePools = pools;
    const systemPool = Object.values(pools).find((pool) => pool.taints.length === 0 && cfg.nodePools[pool.poolName].minSize >= 1);
    if (!systemPool) throw new pulumi.ResourceError("no untainted node pool with minSize >= 1 (config validation should have caught this)", this);
    this.systemPool = systemPool;

    // These run Deployments and report ACTIVE only once their pods are scheduled, so they wait
    // for nodes: the system pool's only. CoreDNS tolerates no custom taint, so it can only run on
    // untainted nodes; the EBS CSI controller likewise, and its node DaemonSet (tolerating every
    // taint, or volumes could not attach on tainted pools) reaches the other pools whenever their
    // nodes join. Waiting for the GPU or data pools as well would let a pool blocked by a quota
    // (new accounts often have 0 G-family vCPUs) hold back every Kubernetes object of the stack.
    // https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/master/docs/install.md
    const systemNodes = Object.values(systemPool.nodeGroups);
    this.coreDns = addon("coredns", {}, systemNodes);
    // Every volume the driver creates carries the base tags and BACKUP_TAG, so the AWS Backup
    // selection covers persistent volumes whatever StorageClass created them.
    // https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/master/docs/tagging.md
    this.ebsCsi = addon("aws-ebs-csi-driver", { configuration: { node: { tolerateAllTaints: true }, controller: { extraVolumeTags: { ...args.tags, ...BACKUP_TAG } } }, serviceAccountRoleArn: ebsRole.arn }, systemNodes);

    this.kubeconfig = pulumi.secret(
      pulumi.all([this.cluster.name, this.cluster.endpoint, this.cluster.certificateAuthority]).apply(([n, endpoint, ca]) => {
        if (!ca.data) throw new pulumi.ResourceError("EKS returned no certificate authority", this.cluster);
        return kubeconfigFor(n, endpoint, ca.data, args.region);
      }),
    );
    // The provider's first call needs the API to be reachable from where `pulumi up` runs: the
    // runner peering and routes, and the rule admitting it, besides the admins' access entries.
    // Without deletion protection (dev), a destroy after the cluster is already gone drops its
    // objects from state instead of failing on an unreachable API; a protected cluster (prod) never
    // does, so a network partition cannot silently forget live objects.
    // https://github.com/pulumi/pulumi-kubernetes/pull/2489
    this.provider = new k8s.Provider(
      `${name}-k8s`,
      { kubeconfig: this.kubeconfig, enableServerSideApply: true, deleteUnreachable: !cfg.deletionProtection },
      { parent: this, dependsOn: [...adminAccess, ...apiFromCidrs, ...(args.apiAccessReady ?? [])] },
    );

    const gpuPools: PoolDescription[] = Object.values(pools)
      .filter((pool) => cfg.nodePools[pool.poolName].amiType.startsWith("AL2023") && cfg.nodePools[pool.poolName].amiType.includes("NVIDIA"))
      .map((pool) => pool.description);

    this.systemCharts = new SystemCharts(
      `${name}-system`,
      {
        namePrefix: p,
        clusterName: this.clusterName,
        region: args.region,
        provider: this.provider,
        oidcProviderArn: this.oidcProviderArn,
        issuerHostPath: this.issuerHostPath,
        systemPool: systemPool.description,
        gpuPools,
        metricsServerReplicas: cfg.metricsServerReplicas,
        scheduledAfter: this.scheduledOn(systemPool.poolName),
        tags: args.tags,
      },
      { parent: this },
    );

    this.registerOutputs({
      clusterName: this.clusterName,
      endpoint: this.endpoint,
      oidcProviderArn: this.oidcProviderArn,
      clusterSecurityGroupId: this.clusterSecurityGroupId,
      kubeconfig: this.kubeconfig,
    });
  }

  /**
   * What a pod on `poolName` needs before it can start: the pool's node groups (nodes joined) and
   * CoreDNS (names resolve). Every Helm release and workload passes this to `dependsOn`.
   */
  public scheduledOn(poolName: string): pulumi.Resource[] {
    const pool = this.nodePools[poolName];
    if (!pool) throw new pulumi.ResourceError(`no node pool named ${poolName} (known: ${Object.keys(this.nodePools).join(", ")})`, this);
    return [...Object.values(pool.nodeGroups), this.coreDns];
  }
}
