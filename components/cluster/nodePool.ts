import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { splitTotal, zoneSuffix } from "../../lib/zones";
import { Tags, named } from "../tags";
import { NodePoolSettings, TaintEffect } from "./clusterSettings";

/** A node taint as Kubernetes spells it (tolerations must match this form). */
export interface KubernetesTaint {
  readonly key: string;
  readonly value?: string;
  readonly effect: "NoSchedule" | "NoExecute" | "PreferNoSchedule";
}

const K8S_EFFECT: Record<TaintEffect, KubernetesTaint["effect"]> = {
  NO_SCHEDULE: "NoSchedule",
  NO_EXECUTE: "NoExecute",
  PREFER_NO_SCHEDULE: "PreferNoSchedule",
};

export function kubernetesTaints(pool: NodePoolSettings): KubernetesTaint[] {
  return pool.taints.map((t) => ({ key: t.key, value: t.value, effect: K8S_EFFECT[t.effect] }));
}

/** What later areas need to place workloads on a pool: its name, labels and taints. */
export interface PoolDescription {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly KubernetesTaint[];
}

/**
 * Service-linked roles that launch node instances and so use the node volume key: EC2 Auto
 * Scaling's (it runs every managed node group's Auto Scaling group and creates the volumes) and
 * EKS's node group role (it creates and updates those groups). Neither has access to customer
 * managed keys by default, so without these statements node groups fail to launch.
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html
 * https://docs.aws.amazon.com/eks/latest/userguide/using-service-linked-roles-eks-nodegroups.html
 */
/** IMDSv2 PUT response hop limit of every node: 1 keeps the node role's credentials out of pods' reach. */
export const NODE_IMDS_HOP_LIMIT = 1;

export const NODE_LAUNCH_SERVICE_ROLES = [
  "autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",
  "eks-nodegroup.amazonaws.com/AWSServiceRoleForAmazonEKSNodegroup",
] as const;

/**
 * Key-policy statements the node volume key needs: the two statements of the Auto Scaling guide
 * (use of the key; CreateGrant only for AWS resources). The roles are matched with aws:PrincipalArn
 * instead of being named as principals: KMS rejects a policy whose principal does not exist yet,
 * and AWSServiceRoleForAutoScaling only appears with the account's first Auto Scaling group, after
 * this key (https://github.com/hashicorp/terraform-provider-aws/issues/28644).
 */
export function nodeVolumeKeyStatements(accountId: pulumi.Input<string>, partition: pulumi.Input<string>): pulumi.Input<aws.iam.PolicyStatement>[] {
  const roles = NODE_LAUNCH_SERVICE_ROLES.map((r) => pulumi.interpolate`arn:${partition}:iam::${accountId}:role/aws-service-role/${r}`);
  const who = { "aws:PrincipalArn": roles, "aws:PrincipalAccount": accountId };
  return [
    {
      Sid: "NodeLaunchUseOfTheKey",
      Effect: "Allow",
      Principal: { AWS: "*" },
      Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
      Resource: "*",
      Condition: { StringEquals: who },
    },
    {
      Sid: "NodeLaunchGrantsForVolumes",
      Effect: "Allow",
      Principal: { AWS: "*" },
      Action: "kms:CreateGrant",
      Resource: "*",
      Condition: { StringEquals: who, Bool: { "kms:GrantIsForAWSResource": "true" } },
    },
  ];
}

/** A node group's configured sizes. */
export interface NodeGroupScaling {
  readonly minSize: number;
  readonly desiredSize: number;
  readonly maxSize: number;
}

export interface NodePoolArgs {
  /** Prefix of AWS `Name` tags, e.g. `entasis-dev`. */
  readonly namePrefix: string;
  /** Pool name; the `role` label equals it (validated). */
  readonly poolName: string;
  readonly pool: NodePoolSettings;
  readonly clusterName: pulumi.Input<string>;
  /** Node groups follow the control plane's version, so a cluster upgrade rolls the pools too. */
  readonly kubernetesVersion: pulumi.Input<string>;
  readonly nodeRoleArn: pulumi.Input<string>;
  /** Private subnets keyed by AZ, in the configured zone order: the pool spreads over all of them. */
  readonly subnetIdsByZone: Readonly<Record<string, pulumi.Input<string>>>;
  /**
   * One node group per zone (keyed by AZ) instead of one spanning all zones, for pools that run
   * pods bound to a zone; min and max sizes are the pool's totals, split over the zones. Default false.
   */
  readonly perZone?: boolean;
  /** The EKS-created cluster security group: control plane <-> nodes and node <-> node traffic. */
  readonly clusterSecurityGroupId: pulumi.Input<string>;
  /** Further security groups for the nodes (the spec's application group). */
  readonly securityGroupIds: readonly pulumi.Input<string>[];
  /** Customer managed key of the node disk (its policy must carry nodeVolumeKeyStatements). */
  readonly volumeKeyArn: pulumi.Input<string>;
  /** Auto-discovery tags of the cluster autoscaler. */
  readonly autoscalerTags: Tags;
  /**
   * A schedule scales the groups to zero and back (components/schedule/sleepSchedule.ts), so it
   * owns minSize as well as desiredSize: a `pulumi up` (or `up --refresh`) at night must not wake
   * them. A changed minSize reaches the groups through the wake schedule's payload. Default false.
   */
  readonly scheduledScaling?: boolean;
  readonly tags: Tags;
}

/**
 * A pool's EKS managed node groups (one, or one per zone) sharing one launch template. The template only hardens the instance
 * (IMDSv2, encrypted gp3 disk, security groups); EKS still picks the AMI from `amiType` and
 * bootstraps the node, so the template sets neither an image nor an instance profile, which a
 * managed node group forbids. https://docs.aws.amazon.com/eks/latest/userguide/launch-templates.html
 */
export class NodePool extends pulumi.ComponentResource {
  public readonly poolName: string;
  public readonly launchTemplate: aws.ec2.LaunchTemplate;
  /** The pool's node groups: one per zone (keyed by AZ) when perZone, else one keyed `all`. */
  public readonly nodeGroups: Readonly<Record<string, aws.eks.NodeGroup>>;
  public readonly labels: Readonly<Record<string, string>>;
  public readonly taints: readonly KubernetesTaint[];
  public readonly description: PoolDescription;
  /** Each node group's configured sizes (same keys as nodeGroups): what a wake schedule restores. */
  public readonly scaling: Readonly<Record<string, NodeGroupScaling>>;

  constructor(name: string, args: NodePoolArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:cluster:NodePool", name, {}, opts);
    const pool = args.pool;
    this.poolName = args.poolName;
    const awsName = `${args.namePrefix}-${args.poolName}`;
    // AL2023 boots from /dev/xvda. Bottlerocket keeps its OS on a small /dev/xvda and containers
    // and images on the data volume /dev/xvdb, so that is the disk to size and encrypt.
    const dataDevice = pool.amiType.startsWith("BOTTLEROCKET") ? "/dev/xvdb" : "/dev/xvda";

    this.launchTemplate = new aws.ec2.LaunchTemplate(
      `${name}-lt`,
      {
        description: `${awsName} EKS managed node group`,
        updateDefaultVersion: true,
        // IMDSv2 only, hop limit 1: the token response does not survive the extra hop into a pod's
        // network namespace, so no pod (hostNetwork aside) can read the node role's credentials,
        // which the kubelet uses to read the Secrets of every pod on the node. Nothing the platform
        // runs needs IMDS from a pod: credentials come from IRSA, the cluster autoscaler gets
        // awsRegion and the load balancer controller region and vpcId from config; the EBS CSI
        // node plugin falls back to the Kubernetes node object for its zone and instance id.
        // NetworkPolicies add a second wall (lib/networkPolicy.ts: 169.254.169.254/32 is always
        // excepted from the CIDRs pods may reach).
        // https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html#_restrict_access_to_the_instance_profile_assigned_to_the_worker_node
        // https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-existing-instances.html
        metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: NODE_IMDS_HOP_LIMIT, instanceMetadataTags: "disabled" },
        blockDeviceMappings: [
          {
            deviceName: dataDevice,
            // The platform's customer key, whose policy admits the launching service roles.
            ebs: { volumeSize: pool.diskSizeGiB, volumeType: "gp3", encrypted: "true", kmsKeyId: args.volumeKeyArn, deleteOnTermination: "true" },
          },
        ],
        // With security groups in the template, EKS does not add the cluster security group by
        // itself, so it is listed here; without it nodes cannot reach the control plane.
        vpcSecurityGroupIds: [args.clusterSecurityGroupId, ...args.securityGroupIds],
        tagSpecifications: ["instance", "volume", "network-interface"].map((resourceType) => ({
          resourceType,
          tags: named(args.tags, awsName, { NodePool: args.poolName }),
        })),
        tags: named(args.tags, awsName),
      },
      { parent: this },
    );

    this.labels = { ...pool.labels };
    this.taints = kubernetesTaints(pool);
    this.description = { name: args.poolName, labels: this.labels, taints: this.taints };

    const zones = Object.keys(args.subnetIdsByZone);
    const scaling: Record<string, NodeGroupScaling> = {};
    const group = (key: string, suffix: string, subnetIds: pulumi.Input<string>[], minSize: number, desiredSize: number, maxSize: number, zoneTags: Tags): aws.eks.NodeGroup => {
      scaling[zoneTags.Zone ?? "all"] = { minSize, desiredSize, maxSize };
      return new aws.eks.NodeGroup(
        key,
        {
          clusterName: args.clusterName,
          // A prefix, not a fixed name: changes EKS can only make by replacement (instance types,
          // capacity type, AMI type, subnets) then create the new group before deleting the old one.
          nodeGroupNamePrefix: `${awsName}-${suffix}`,
          version: args.kubernetesVersion,
          nodeRoleArn: args.nodeRoleArn,
          subnetIds,
          amiType: pool.amiType,
          capacityType: pool.capacityType,
          instanceTypes: [...pool.instanceTypes],
          scalingConfig: { minSize, desiredSize, maxSize },
          labels: this.labels,
          taints: pool.taints.map((t) => ({ key: t.key, value: t.value, effect: t.effect })),
          launchTemplate: { id: this.launchTemplate.id, version: this.launchTemplate.latestVersion.apply((v) => `${v}`) },
          // Roll a third of the group at a time on AMI or template updates.
          updateConfig: { maxUnavailablePercentage: 33 },
          // EKS replaces nodes that report unhealthy (e.g. GPU or kubelet failures).
          nodeRepairConfig: { enabled: true },
          tags: named(args.tags, awsName, { ...args.autoscalerTags, NodePool: args.poolName, ...zoneTags }),
        },
        {
          parent: this,
          // The cluster autoscaler owns the desired size between min and max; a later `pulumi up`
          // must not pull it back to the config's starting value.
          ignoreChanges: args.scheduledScaling === true ? ["scalingConfig.desiredSize", "scalingConfig.minSize"] : ["scalingConfig.desiredSize"],
        },
      );
    };

    if (args.perZone === true) {
      // One group per zone, so the autoscaler can add a node in the zone a pending pod's volume
      // or zone rule needs (it models a group's new node as landing in one zone). Keyed by AZ,
      // never by index. https://docs.aws.amazon.com/eks/latest/best-practices/cas.html
      const mins = splitTotal(pool.minSize, zones);
      const desired = splitTotal(pool.desiredSize, zones);
      const maxes = splitTotal(pool.maxSize, zones);
      this.nodeGroups = Object.fromEntries(
        zones.map((az) => [az, group(`${name}-ng-${az}`, `${zoneSuffix(az)}-`, [args.subnetIdsByZone[az]], mins[az], desired[az], maxes[az], { Zone: az })]),
      );
    } else {
      this.nodeGroups = { all: group(`${name}-ng`, "", zones.map((az) => args.subnetIdsByZone[az]), pool.minSize, pool.desiredSize, pool.maxSize, {}) };
    }

    this.scaling = scaling;
    this.registerOutputs({ nodeGroupNames: Object.values(this.nodeGroups).map((g) => g.nodeGroupName), labels: this.labels, taints: this.taints });
  }
}
