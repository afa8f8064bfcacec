import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { goDurationHours } from "../../lib/backupSchedule";
import { CHARTS, VELERO_AWS_PLUGIN_IMAGE, helmWaitOptions } from "../../lib/helmCharts";
import { podSecurityLabels } from "../../lib/podSecurity";
import { NamespaceGuard, PROMETHEUS_PODS } from "../security/namespaceGuard";
import { OidcIssuer } from "../cluster/irsaRole";
import { EncryptedStoreBase } from "../storage/encryptedBucket";
import { EncryptedStore } from "../storage/encryptedStore";

export interface ClusterBackupArgs extends EncryptedStoreBase, OidcIssuer {
  readonly provider: k8s.Provider;
  /** Labels of the untainted pool Velero runs on (`role: general`). */
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** The spec's daily schedule, a five-field cron, and its IANA time zone. */
  readonly schedule: string;
  readonly timezone: string;
  /** Days a cluster backup is kept: the daily tier's retention. */
  readonly retentionDays: number;
  /** Snapshot EBS persistent volumes too. */
  readonly snapshotVolumes: boolean;
  /** What the release waits for: its pool's node group and CoreDNS (`cluster.scheduledOn`). */
  readonly scheduledAfter: readonly pulumi.Resource[];
}

/** Tag Velero puts on every EBS snapshot it takes (the backup's name); its IAM policy is bound by it. */
export const VELERO_SNAPSHOT_TAG = "velero.io/backup";

/** Where Velero runs and the identity it runs as. */
export const VELERO_NAMESPACE = "velero";
export const VELERO_SERVICE_ACCOUNT = "velero";
/** Role of the bucket in its name (`<prefix>-cluster-backups-<account>-<region>`). */
export const VELERO_BUCKET_ROLE = "cluster-backups";
/** Prefix of Velero's objects in the bucket. */
export const VELERO_PREFIX = "velero";

/**
 * Cluster backups with Velero: Kubernetes objects to a dedicated S3 bucket (versioned, SSE-KMS with
 * our key, private, TLS only) and EBS snapshots of persistent volumes, daily at the spec's time,
 * kept as long as the daily AWS Backup points. Velero authenticates with IRSA (no static keys).
 */
export class ClusterBackup extends EncryptedStore {
  public readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: ClusterBackupArgs, opts?: pulumi.ComponentResourceOptions) {
    const p = args.namePrefix;
    // Not tagged backup=true: it holds backups; a backup of it would only double the cost.
    // Velero deletes expired backups itself (ttl); S3 only cleans up after it: versioning keeps
    // an overwritten or deleted backup for a week.
    super(
      "entasis:backup:ClusterBackup",
      name,
      args,
      {
        name: `${name}-${VELERO_BUCKET_ROLE}`,
        keyName: `${name}-bucket`,
        key: { description: `${p} Velero cluster backups in S3`, alias: `${p}-cluster-backups` },
        role: VELERO_BUCKET_ROLE,
        purpose: "Velero cluster backups",
      },
      {
        roleName: `${name}-velero`,
        namespace: VELERO_NAMESPACE,
        serviceAccount: VELERO_SERVICE_ACCOUNT,
        description: `${p} Velero cluster backups (IRSA)`,
        policyName: "velero",
        policy: (bucketArn, keyArn) => veleroPolicy(args, bucketArn, keyArn),
      },
      opts,
    );

    // Created here, not by Helm, so it carries a Pod Security level and NetworkPolicies. Velero
    // holds cluster-admin: nothing in the cluster reaches it but Prometheus (metrics); it talks
    // only to the API server, STS and S3 (HTTPS). `baseline`: the chart sets no seccomp profile.
    const namespace = new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: VELERO_NAMESPACE, labels: podSecurityLabels("baseline") } }, { parent: this, provider: args.provider });
    new NamespaceGuard(
      `${name}-guard`,
      {
        provider: args.provider,
        namespace: VELERO_NAMESPACE,
        namespaceResource: namespace,
        ingress: {
          metrics: {
            peers: [PROMETHEUS_PODS],
            ports: [8085],
            why: "Prometheus scrapes Velero's metrics (metrics.service port 8085)",
          },
        },
      },
      { parent: this },
    );

    this.release = new k8s.helm.v3.Release(
      `${name}-velero`,
      {
        chart: CHARTS.velero.chart,
        version: CHARTS.velero.version,
        repositoryOpts: { repo: CHARTS.velero.repo },
        name: "velero",
        namespace: VELERO_NAMESPACE,
        createNamespace: false,
        cleanupOnFail: true,
        // The upgrade-CRDs Job runs as a pre-install hook.
        ...helmWaitOptions(CHARTS.velero),
        values: veleroValues({
          bucket: this.bucketName,
          region: args.region,
          roleArn: this.role.arn,
          nodeSelector: args.nodeSelector,
          schedule: args.schedule,
          timezone: args.timezone,
          retentionDays: args.retentionDays,
          snapshotVolumes: args.snapshotVolumes,
        }),
      },
      { parent: this, provider: args.provider, dependsOn: [namespace, ...args.scheduledAfter] },
    );

    this.registerOutputs({ bucketName: this.bucketName, roleArn: this.role.arn });
  }
}

/** Velero's policy: EBS snapshots bound by its tag, objects of its own bucket, the bucket's key. */
function veleroPolicy(args: ClusterBackupArgs, bucketArn: pulumi.Output<string>, keyArn: pulumi.Output<string>): pulumi.Output<aws.iam.PolicyDocument> {
  // Velero's documented policy (https://github.com/vmware-tanzu/velero-plugin-for-aws#set-permissions-for-velero),
  // with its EBS snapshot actions bound by tag: the plugin tags every snapshot it creates with
  // Velero's tags (velero.io/backup, velero.io/pv) in the CreateSnapshot request and copies a
  // snapshot's tags onto the volume it restores (volume_snapshotter.go), so Velero may delete,
  // and restore from, only its own snapshots, and tag only what it creates. Objects in its own
  // bucket only; plus the bucket's KMS key.
  // https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/supported-iam-actions-tagging.html
  const volumes = pulumi.interpolate`arn:${args.partition}:ec2:${args.region}:${args.accountId}:volume/*`;
  // Snapshot ARNs carry no account: arn:aws:ec2:<region>::snapshot/snap-...
  const snapshots = pulumi.interpolate`arn:${args.partition}:ec2:${args.region}::snapshot/*`;
  const veleroTag = VELERO_SNAPSHOT_TAG;
  return pulumi.all([bucketArn, keyArn, volumes, snapshots]).apply(
    ([bucket, key, volumeArns, snapshotArns]): aws.iam.PolicyDocument => ({
      Version: "2012-10-17",
      Statement: [
        { Sid: "EbsRead", Effect: "Allow", Action: ["ec2:DescribeVolumes", "ec2:DescribeSnapshots"], Resource: "*" },
        { Sid: "SnapshotOfAnyVolume", Effect: "Allow", Action: ["ec2:CreateSnapshot"], Resource: volumeArns },
        { Sid: "OnlyVeleroTaggedSnapshots", Effect: "Allow", Action: ["ec2:CreateSnapshot"], Resource: snapshotArns, Condition: { StringLike: { [`aws:RequestTag/${veleroTag}`]: "*" } } },
        { Sid: "DeleteOrRestoreOwnSnapshots", Effect: "Allow", Action: ["ec2:DeleteSnapshot", "ec2:CreateVolume"], Resource: snapshotArns, Condition: { StringLike: { [`aws:ResourceTag/${veleroTag}`]: "*" } } },
        { Sid: "RestoredVolumesCarryTheTag", Effect: "Allow", Action: ["ec2:CreateVolume"], Resource: volumeArns, Condition: { StringLike: { [`aws:RequestTag/${veleroTag}`]: "*" } } },
        { Sid: "TagOnlyOnCreate", Effect: "Allow", Action: ["ec2:CreateTags"], Resource: [volumeArns, snapshotArns], Condition: { StringEquals: { "ec2:CreateAction": ["CreateSnapshot", "CreateVolume"] } } },
        {
          Sid: "BackupObjects",
          Effect: "Allow",
          Action: ["s3:GetObject", "s3:DeleteObject", "s3:PutObject", "s3:PutObjectTagging", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
          Resource: `${bucket}/*`,
        },
        { Sid: "BackupBucket", Effect: "Allow", Action: ["s3:ListBucket"], Resource: bucket },
        { Sid: "BucketKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: key },
      ],
    }),
  );
}

export interface VeleroValuesInput {
  readonly bucket: pulumi.Input<string>;
  readonly region: string;
  readonly roleArn: pulumi.Input<string>;
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly schedule: string;
  readonly timezone: string;
  readonly retentionDays: number;
  readonly snapshotVolumes: boolean;
}

/** Values of the velero chart (keys of its values.yaml; tests validate them against values.schema.json). */
export function veleroValues(v: VeleroValuesInput): Record<string, pulumi.Input<unknown>> {
  return {
    // The AWS plugin is copied into the shared plugins volume by an init container.
    initContainers: [{ name: "velero-plugin-for-aws", image: VELERO_AWS_PLUGIN_IMAGE, imagePullPolicy: "IfNotPresent", volumeMounts: [{ mountPath: "/target", name: "plugins" }] }],
    configuration: {
      backupStorageLocation: [{ name: "default", provider: "aws", bucket: v.bucket, prefix: VELERO_PREFIX, default: true, config: { region: v.region } }],
      volumeSnapshotLocation: v.snapshotVolumes ? [{ name: "default", provider: "aws", config: { region: v.region } }] : [],
    },
    snapshotsEnabled: v.snapshotVolumes,
    // IRSA, not a static key in a Secret.
    credentials: { useSecret: false },
    serviceAccount: { server: { create: true, name: VELERO_SERVICE_ACCOUNT, annotations: { "eks.amazonaws.com/role-arn": v.roleArn }, automountServiceAccountToken: true } },
    // fsGroup makes the projected IRSA token readable by the non-root user (chart's values.yaml note).
    podSecurityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532 },
    containerSecurityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
    // Velero's documented defaults. https://velero.io/docs/v1.18/customize-installation/#customize-resource-requests-and-limits
    resources: { requests: { cpu: "500m", memory: "128Mi" }, limits: { cpu: "1000m", memory: "512Mi" } },
    nodeSelector: { ...v.nodeSelector },
    schedules: {
      daily: {
        disabled: false,
        // Velero reads CRON_TZ (robfig/cron v3); without it the schedule would run in UTC.
        // https://velero.io/docs/v1.18/backup-reference/#time-zone-specification
        schedule: `CRON_TZ=${v.timezone} ${v.schedule}`,
        useOwnerReferencesInBackup: false,
        template: { ttl: goDurationHours(v.retentionDays), storageLocation: "default", includedNamespaces: ["*"], snapshotVolumes: v.snapshotVolumes },
      },
    },
  };
}
