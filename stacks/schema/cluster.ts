import { z } from "zod";
import {
  EKS_ADDON_VERSION_RE,
  EKS_CLUSTER_NAME_RE,
  IAM_PRINCIPAL_ARN_RE,
  INSTANCE_TYPE_RE,
  LOG_RETENTION_DAYS,
  NODE_GROUP_PREFIX_MAX,
  NVIDIA_INSTANCE_FAMILIES,
} from "../../lib/awsLimits";
import { parseCidr } from "../../lib/cidr";
import { CHARTS, minorOf } from "../../lib/helmCharts";
import { ConfigProblem, issue } from "./problems";
import { AMI_TYPES, ClusterSettings, EKS_ADDONS, NodePoolSettings, TAINT_EFFECTS } from "../../components/cluster/clusterSettings";

const instanceType = z.string().regex(INSTANCE_TYPE_RE, { message: issue("is not an EC2 instance type", "use e.g. c5.2xlarge") });

/** Node group names are also Kubernetes label values and part of AWS names: keep them short and DNS-safe. */
export const POOL_NAME_RE = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;

export const nodePoolSchema = z.strictObject({
  /** First type is preferred; several types only make sense for SPOT. */
  instanceTypes: z.array(instanceType).min(1).max(20),
  /** Default ON_DEMAND. */
  capacityType: z.enum(["ON_DEMAND", "SPOT"]).default("ON_DEMAND"),
  /** Default AL2023_x86_64_STANDARD. */
  amiType: z.enum(AMI_TYPES).default("AL2023_x86_64_STANDARD"),
  minSize: z.number().int().min(0),
  desiredSize: z.number().int().min(0),
  maxSize: z.number().int().min(1),
  /** Root volume (gp3, encrypted). Default 100 GiB. */
  diskSizeGiB: z.number().int().min(20).max(16384).default(100),
  /** Kubernetes node labels; `role` is required by the workloads' node selectors. */
  labels: z.record(z.string(), z.string()).default({}),
  /** Default none. */
  taints: z.array(z.strictObject({ key: z.string().min(1), value: z.string().optional(), effect: z.enum(TAINT_EFFECTS) })).default([]),
});
export type NodePoolConfig = z.infer<typeof nodePoolSchema>;

const cidr = z.string().refine((v) => parseCidr(v) !== undefined, {
  message: issue("is not a valid IPv4 CIDR (a.b.c.d/n with no host bits set)", "use e.g. 203.0.113.0/24"),
});

const addonVersion = z.string().regex(EKS_ADDON_VERSION_RE, { message: issue("is not an EKS add-on version", "use e.g. v1.19.2-eksbuild.1 (aws eks describe-addon-versions), or leave it out to use the cluster version's default") });

export const clusterSchema = z.strictObject({
  /** EKS Kubernetes minor version, e.g. "1.35". */
  kubernetesVersion: z.string().regex(/^1\.\d{2}$/, { message: issue("is not a Kubernetes minor version", 'use e.g. "1.35" (quoted)') }),
  /** API server endpoint. The private endpoint is always on; the public one is off by default. */
  endpoint: z.strictObject({
    /** Default false. */
    publicAccess: z.boolean(),
    /** Source CIDRs allowed to the public endpoint; required when publicAccess is true. Default none. */
    publicAccessCidrs: z.array(cidr),
  }),
  /** IAM role/user ARNs given cluster-admin through EKS access entries (besides the identity running `pulumi up`). Default none. */
  adminPrincipalArns: z.array(z.string().regex(IAM_PRINCIPAL_ARN_RE, { message: issue("is not an IAM role or user ARN", "use arn:aws:iam::<account>:role/<name> (not an sts assumed-role session ARN)") })),
  /** Retention of the control-plane log group (api, audit, authenticator). Default 30 (dev) / 365 (prod). */
  logRetentionDays: z
    .number()
    .int()
    .refine((v) => (LOG_RETENTION_DAYS as readonly number[]).includes(v), {
      message: issue(`is not a CloudWatch Logs retention (allowed: ${LOG_RETENTION_DAYS.join(", ")})`, "pick the nearest allowed value, e.g. 90"),
    }),
  /** Add-on versions; an add-on left out gets the default version for kubernetesVersion. Default none pinned. */
  addonVersions: z.partialRecord(z.enum(EKS_ADDONS), addonVersion),
  /** EKS deletion protection. Default false (dev) / true (prod). */
  deletionProtection: z.boolean(),
  /** metrics-server replicas; 2+ adds a PodDisruptionBudget. Default 1 (dev) / 2 (prod). */
  metricsServerReplicas: z.number().int().min(1).max(5),
  /** cert-manager controller, webhook and cainjector replicas; 2+ adds PodDisruptionBudgets. Default 1 (dev) / 2 (prod). */
  certManagerReplicas: z.number().int().min(1).max(5),
  /** Node pools keyed by name: the key is the node group name and its identity. */
  nodePools: z.record(z.string(), nodePoolSchema),
});
export type ClusterConfig = z.infer<typeof clusterSchema>;

// The cluster component owns its settings' types; the validated config satisfies them.
nodePoolSchema satisfies z.ZodType<NodePoolSettings>;
clusterSchema satisfies z.ZodType<ClusterSettings>;

/**
 * The admin principal in the committed stack files: names no real role. Previews and the offline plan
 * run with it; `pulumi up` refuses it, since nobody could then reach the cluster after the deploy.
 */
export const PLACEHOLDER_ADMIN_PRINCIPAL = "arn:aws:iam::123456789012:role/PLACEHOLDER-platform-admin";

/**
 * Incident access: someone besides the deploy role must be able to reach the cluster. Prod refuses an
 * empty list always (previews too); every environment refuses the committed placeholder at `pulumi up`.
 */
export function validateAdminPrincipals(cluster: ClusterConfig, environment: string, deploying: boolean, areaKey = "entasis:cluster"): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const fix = `list the IAM roles your operators assume (e.g. arn:aws:iam::<account>:role/platform-admin) before the first deploy: pulumi config set --path '${areaKey}.adminPrincipalArns[0]' <role ARN> (docs/deploy.md step 5)`;
  if (environment === "prod" && cluster.adminPrincipalArns.length === 0) {
    problems.push({ key: `${areaKey}.adminPrincipalArns`, value: [], problem: "is empty: after the first deploy only the deploy role could reach the cluster, and no person could in an incident", fix });
  }
  cluster.adminPrincipalArns.forEach((arn, i) => {
    if (deploying && arn === PLACEHOLDER_ADMIN_PRINCIPAL) {
      problems.push({ key: `${areaKey}.adminPrincipalArns[${i}]`, value: arn, problem: "is the committed placeholder; no one can assume it, so no person could reach the cluster", fix });
    }
  });
  return problems;
}

/** Instance family of an instance type: `g4dn.xlarge` -> `g4dn`. */
function familyOf(instanceType: string): string {
  return instanceType.split(".")[0];
}

/**
 * Sizes, names and scheduling rules across pools, endpoint exposure and admin principals.
 * `clusterName` is what the program will call the cluster (`entasis-<stack>`).
 */
export function validateCluster(cluster: ClusterConfig, areaKey = "entasis:cluster", clusterName = "entasis-dev"): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const autoscalerMinor = minorOf(CHARTS.clusterAutoscaler.appVersion);
  if (cluster.kubernetesVersion !== autoscalerMinor) {
    problems.push({
      key: `${areaKey}.kubernetesVersion`,
      value: cluster.kubernetesVersion,
      problem: `does not match cluster-autoscaler ${CHARTS.clusterAutoscaler.appVersion} (chart ${CHARTS.clusterAutoscaler.version}), which must run the cluster's minor version`,
      fix: `use "${autoscalerMinor}", or pin the autoscaler chart for ${cluster.kubernetesVersion} in lib/helmCharts.ts`,
    });
  }
  if (!EKS_CLUSTER_NAME_RE.test(clusterName)) {
    problems.push({ key: "stack name", value: clusterName, problem: "does not make a valid EKS cluster name (1..100 of A-Z a-z 0-9 - _)", fix: "rename the stack" });
  }

  const ep = cluster.endpoint;
  if (ep.publicAccess && ep.publicAccessCidrs.length === 0) {
    problems.push({ key: `${areaKey}.endpoint.publicAccessCidrs`, value: [], problem: "is empty while publicAccess is true, so EKS would open the API server to 0.0.0.0/0", fix: "list the operator/CI egress CIDRs, or set publicAccess: false" });
  }
  ep.publicAccessCidrs.forEach((c, i) => {
    const block = parseCidr(c);
    if (block && block.prefix === 0) {
      problems.push({ key: `${areaKey}.endpoint.publicAccessCidrs[${i}]`, value: c, problem: "opens the Kubernetes API server to the whole internet", fix: "list only the operator/CI egress CIDRs" });
    }
  });
  if (!ep.publicAccess && ep.publicAccessCidrs.length > 0) {
    problems.push({ key: `${areaKey}.endpoint.publicAccessCidrs`, value: ep.publicAccessCidrs, problem: "has no effect while publicAccess is false", fix: "remove the CIDRs, or set publicAccess: true" });
  }

  cluster.adminPrincipalArns.forEach((arn, i) => {
    if (cluster.adminPrincipalArns.indexOf(arn) !== i) {
      problems.push({ key: `${areaKey}.adminPrincipalArns[${i}]`, value: arn, problem: "is listed twice (EKS allows one access entry per principal)", fix: "list each principal once" });
    }
  });

  const pools = Object.entries(cluster.nodePools);
  if (pools.length === 0) {
    problems.push({ key: `${areaKey}.nodePools`, value: {}, problem: "has no node pool", fix: "define at least the general pool" });
  }
  for (const [name, pool] of pools) {
    const key = `${areaKey}.nodePools.${name}`;
    if (!POOL_NAME_RE.test(name)) {
      problems.push({ key, value: name, problem: "is not a valid pool name (lowercase letters, digits and '-', 2..32 chars)", fix: "rename the pool, e.g. data-processing" });
    }
    if (pool.minSize > pool.maxSize) {
      problems.push({ key: `${key}.minSize`, value: pool.minSize, problem: `is greater than maxSize ${pool.maxSize}`, fix: "make minSize <= desiredSize <= maxSize" });
    }
    if (pool.desiredSize < pool.minSize || pool.desiredSize > pool.maxSize) {
      problems.push({ key: `${key}.desiredSize`, value: pool.desiredSize, problem: `is outside minSize..maxSize (${pool.minSize}..${pool.maxSize})`, fix: "make minSize <= desiredSize <= maxSize" });
    }
    if (pool.amiType.includes("NVIDIA") && !pool.taints.some((t) => t.key === "nvidia.com/gpu" && t.effect === "NO_SCHEDULE")) {
      problems.push({ key: `${key}.taints`, value: pool.taints, problem: "is a GPU pool without the nvidia.com/gpu NO_SCHEDULE taint", fix: "add { key: nvidia.com/gpu, effect: NO_SCHEDULE } so only GPU workloads land there" });
    }
    const nodeGroupPrefix = `${clusterName}-${name}-`;
    if (POOL_NAME_RE.test(name) && nodeGroupPrefix.length > NODE_GROUP_PREFIX_MAX) {
      problems.push({ key, value: name, problem: `makes the node group name prefix ${nodeGroupPrefix} ${nodeGroupPrefix.length} characters long (EKS allows ${NODE_GROUP_PREFIX_MAX} before the unique suffix)`, fix: "use a shorter pool name" });
    }
    const gpuAmi = pool.amiType.includes("NVIDIA");
    pool.instanceTypes.forEach((t, i) => {
      const gpuType = (NVIDIA_INSTANCE_FAMILIES as readonly string[]).includes(familyOf(t));
      if (gpuAmi && !gpuType) {
        problems.push({ key: `${key}.instanceTypes[${i}]`, value: t, problem: `is not an NVIDIA GPU instance type, but amiType is ${pool.amiType}`, fix: `use a GPU type (${NVIDIA_INSTANCE_FAMILIES.join(", ")} families) or a standard amiType` });
      }
      if (!gpuAmi && gpuType) {
        problems.push({ key: `${key}.instanceTypes[${i}]`, value: t, problem: `is a GPU instance type, but amiType ${pool.amiType} has no NVIDIA driver`, fix: "use amiType AL2023_x86_64_NVIDIA with the nvidia.com/gpu taint" });
      }
    });
    if (pool.labels.role !== name) {
      problems.push({ key: `${key}.labels.role`, value: pool.labels.role, problem: "must equal the pool name", fix: `set labels.role: ${name} (workloads select pools by role)` });
    }
  }
  const untainted = pools.filter(([, p]) => p.taints.length === 0);
  if (pools.length > 0 && untainted.length === 0) {
    problems.push({ key: `${areaKey}.nodePools`, value: pools.map(([n]) => n), problem: "has no untainted pool, so CoreDNS and system pods cannot schedule", fix: "leave the general pool without taints" });
  } else if (untainted.length > 0 && !untainted.some(([, p]) => p.minSize >= 1)) {
    problems.push({
      key: `${areaKey}.nodePools`,
      value: untainted.map(([n]) => n),
      problem: "has no untainted pool with minSize >= 1, so CoreDNS and the cluster autoscaler itself have no node to start on",
      fix: "give the general pool minSize: 1 or more",
    });
  }
  return problems;
}
