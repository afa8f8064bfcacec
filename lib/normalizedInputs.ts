/**
 * Inputs that AWS, EKS or a chart normalizes, defaults or moves after creation, so that a second
 * `pulumi up` would plan an update unless the program's input already matches what comes back or
 * the field is ignored. One entry per type and field, with its source, and a check the tests run
 * against every recorded resource of that type (tests/second-up.test.ts): a new resource of a listed
 * type that neither matches nor ignores fails there.
 */

/** What a rule reads of a recorded resource. */
export interface InputsView {
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly ignoreChanges?: readonly string[];
}

export interface NormalizedInput {
  /** Pulumi type token. */
  readonly type: string;
  /** The field, as in ignoreChanges. */
  readonly field: string;
  readonly how: "match" | "ignoreChanges";
  /** What the cloud does to it. */
  readonly why: string;
  readonly source: string;
  /** A problem, or undefined when the resource's inputs survive a read-back. */
  readonly check: (r: InputsView) => string | undefined;
}

/** RegionSettings fields ignored after creation (the BackupPolicy component uses this list). */
export const REGION_SETTINGS_IGNORED = ["resourceTypeOptInPreference", "resourceTypeManagementPreference"] as const;

const ignores = (r: InputsView, field: string): boolean => (r.ignoreChanges ?? []).includes(field);
const str = (r: InputsView, key: string): string | undefined => (typeof r.inputs[key] === "string" ? (r.inputs[key] as string) : undefined);

/** An engine whose service applies patch versions itself: engineVersion must match `pattern` (major.minor), unless it is ignored. */
function majorMinorEngine(pattern: RegExp, example: string): NormalizedInput["check"] {
  return (r) => {
    const v = str(r, "engineVersion");
    return (v !== undefined && pattern.test(v)) || ignores(r, "engineVersion") ? undefined : `engineVersion ${String(v)}: give major.minor (e.g. "${example}")`;
  };
}

export const NORMALIZED_INPUTS: readonly NormalizedInput[] = [
  {
    type: "aws:backup/regionSettings:RegionSettings",
    field: "resourceTypeOptInPreference",
    how: "ignoreChanges",
    why: "DescribeRegionSettings returns every resource type of the region, not the ones set; listing them all fails where a type is not offered",
    source: "https://github.com/hashicorp/terraform-provider-aws/issues/21801 ; https://docs.aws.amazon.com/aws-backup/latest/devguide/API_DescribeRegionSettings.html",
    check: (r) => (REGION_SETTINGS_IGNORED.every((f) => ignores(r, f)) ? undefined : `ignoreChanges must hold ${REGION_SETTINGS_IGNORED.join(", ")}`),
  },
  {
    type: "aws:rds/instance:Instance",
    field: "engineVersion",
    how: "match",
    why: "with autoMinorVersionUpgrade, RDS moves the minor version; the provider accepts a prefix (the major) and reports the running one in engineVersionActual",
    source: "https://www.pulumi.com/registry/packages/aws/api-docs/rds/instance/#engineversion_nodejs",
    check: (r) => {
      if (str(r, "replicateSourceDb") !== undefined) return str(r, "engineVersion") === undefined || ignores(r, "engineVersion") ? undefined : "a replica follows its source's version: leave engineVersion unset";
      const v = str(r, "engineVersion");
      if (r.inputs.autoMinorVersionUpgrade === false) return undefined;
      return v !== undefined && /^\d+$/.test(v) ? undefined : ignores(r, "engineVersion") ? undefined : `engineVersion ${String(v)} with automatic minor upgrades: give the major only (e.g. "17")`;
    },
  },
  {
    type: "aws:rds/instance:Instance",
    field: "allocatedStorage",
    how: "match",
    why: "storage autoscaling grows the volume; with maxAllocatedStorage set the provider ignores the growth",
    source: "https://www.pulumi.com/registry/packages/aws/api-docs/rds/instance/#storage-autoscaling",
    check: (r) => (str(r, "replicateSourceDb") !== undefined || typeof r.inputs.maxAllocatedStorage === "number" || ignores(r, "allocatedStorage") ? undefined : "allocatedStorage without maxAllocatedStorage or ignoreChanges"),
  },
  {
    type: "aws:elasticache/replicationGroup:ReplicationGroup",
    field: "engineVersion",
    how: "match",
    why: "Redis 6+ takes major.minor and applies patch versions itself; the provider reports the running one in engineVersionActual",
    source: "https://www.pulumi.com/registry/packages/aws/api-docs/elasticache/replicationgroup/#engineversion_nodejs",
    check: majorMinorEngine(/^(\d+\.\d+|\d+\.x)$/, "7.1"),
  },
  {
    type: "aws:mq/broker:Broker",
    field: "engineVersion",
    how: "match",
    why: "with autoMinorVersionUpgrade, Amazon MQ for RabbitMQ 3.13+ takes major.minor and applies patches itself",
    source: "https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/upgrading-brokers.html",
    check: majorMinorEngine(/^\d+\.\d+$/, "4.2"),
  },
  {
    type: "aws:eks/nodeGroup:NodeGroup",
    field: "scalingConfig.desiredSize",
    how: "ignoreChanges",
    why: "the cluster autoscaler sets the desired size between min and max",
    source: "https://www.pulumi.com/registry/packages/aws/api-docs/eks/nodegroup/ (scalingConfig: ignore desiredSize with an external autoscaler)",
    check: (r) => (ignores(r, "scalingConfig.desiredSize") ? undefined : "ignoreChanges must hold scalingConfig.desiredSize"),
  },
  {
    type: "kubernetes:apps/v1:Deployment",
    field: "spec.replicas",
    how: "ignoreChanges",
    why: "a HorizontalPodAutoscaler owns the replicas of the Deployment it targets",
    source: "https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#migrating-deployments-and-statefulsets-to-horizontal-autoscaling",
    // Only Deployments an HPA targets carry this rule: the test passes those alone.
    check: (r) => (ignores(r, "spec.replicas") ? undefined : "an HPA targets it: ignoreChanges must hold spec.replicas"),
  },
  {
    type: "aws:ec2/instance:Instance",
    field: "ami",
    how: "ignoreChanges",
    why: "the bastion's AMI comes from an SSM parameter that AWS moves to each new Amazon Linux release; replacing the host on every run is not wanted",
    source: "https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-public-parameters-ami.html",
    check: (r) => (ignores(r, "ami") ? undefined : "ignoreChanges must hold ami"),
  },
];
