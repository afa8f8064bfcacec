import { CHARTS, NODE_JOIN_SECONDS } from "../../lib/helmCharts";
import { RecordedResource } from "../offline/harness";
import { boolOf, strOf } from "./model";

/**
 * Typical creation times (seconds) of `pulumi up` per resource type: how long the provider waits
 * until AWS reports the resource ready. AWS rarely documents these; each figure is a typical
 * value from the public report named in `source` or, where marked "estimate", from common
 * experience of the provider's waiters. The provider's default create timeout (an upper bound,
 * from the Pulumi/Terraform AWS resource docs) is given where it matters.
 */
export interface Duration {
  readonly seconds: number;
  readonly range: string;
  readonly source: string;
}

const RELEASE = "kubernetes:helm.sh/v3:Release";
const FAST = "estimate: a synchronous API call or two";
const TF_TIMEOUTS = "upper bound: the provider's default create timeout in the Pulumi AWS resource docs (https://www.pulumi.com/registry/packages/aws/api-docs/)";

export const DURATIONS: Readonly<Record<string, Duration>> = {
  "aws:eks/cluster:Cluster": {
    seconds: 600,
    range: "8-15 min",
    source: "https://github.com/aws/containers-roadmap/issues/1227 (control plane provisioning averaged 15 min, since reduced); eksctl and EKS blueprints quote 10-15 min; timeout 30 min",
  },
  "aws:eks/nodeGroup:NodeGroup": { seconds: NODE_JOIN_SECONDS, range: "3-5 min", source: `estimate: instances launch and join the cluster; ${TF_TIMEOUTS} (60 min)` },
  "aws:eks/addon:Addon": { seconds: 60, range: "0.5-2 min", source: "estimate: add-on reaches ACTIVE once its pods run" },
  "aws:ec2/natGateway:NatGateway": { seconds: 120, range: "1-2 min (up to 5)", source: `estimate: pending -> available (https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-working-with.html); ${TF_TIMEOUTS} (10 min)` },
  "aws:rds/instance:Instance": { seconds: 600, range: "8-12 min single-AZ", source: `estimate: creating -> available; ${TF_TIMEOUTS} (40 min)` },
  "aws:rds/instance:Instance (Multi-AZ)": { seconds: 1080, range: "15-20 min", source: "estimate: primary plus a synchronous standby in a second AZ (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZSingleStandby.html)" },
  "aws:rds/instance:Instance (point-in-time restore)": {
    seconds: 2700,
    range: "20-60+ min, growing with storage and the transaction logs replayed since the last snapshot",
    source: "estimate, not measured: a snapshot restore plus log replay up to the target time (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIT.html); the program raises the create timeout to 3 h",
  },
  "aws:rds/instance:Instance (read replica)": { seconds: 720, range: "10-15 min", source: "estimate: snapshot of the source then restore (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.html)" },
  "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication": {
    seconds: 600,
    range: "5-20 min, growing with the first snapshot copied",
    source: `estimate: the provider waits until the replication reports replicating, after RDS copies the latest snapshot to the DR region (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/AutomatedBackups.Replicating.Enable.html); ${TF_TIMEOUTS} (75 min)`,
  },
  // Failover (tools/insights/failover.ts): promotions the standby's switch makes.
  "aws:rds/instance:Instance (promote read replica)": {
    seconds: 300,
    range: "a few minutes, longer with replica lag to apply",
    source: "estimate: the replica reboots as a standalone instance (\"The promotion process takes a few minutes to complete\", https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.Promote.html)",
  },
  "postgresql.cnpg.io/v1:Cluster (promote replica cluster)": {
    seconds: 60,
    range: "under a minute",
    source: "estimate: the operator promotes the designated primary once replica.enabled is false (https://cloudnative-pg.io/documentation/current/replica_cluster/)",
  },
  "aws:rds/proxy:Proxy": { seconds: 300, range: "3-8 min", source: "estimate: proxy endpoint provisioning" },
  "aws:elasticache/replicationGroup:ReplicationGroup": { seconds: 720, range: "10-15 min", source: `estimate: all cache clusters available; ${TF_TIMEOUTS} (60 min)` },
  "aws:mq/broker:Broker": { seconds: 900, range: "10-20 min single instance", source: `estimate: CREATION_IN_PROGRESS -> RUNNING ("about 15 minutes", Amazon MQ getting started, https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/getting-started-rabbitmq.html); ${TF_TIMEOUTS} (30 min)` },
  "aws:mq/broker:Broker (cluster)": { seconds: 1500, range: "20-30 min", source: `estimate: three nodes across AZs join one cluster before RUNNING; ${TF_TIMEOUTS} (30 min)` },
  "aws:ssm/parameter:Parameter": { seconds: 2, range: "seconds", source: FAST },
  "aws:lb/listenerRule:ListenerRule": { seconds: 3, range: "seconds", source: FAST },
  "aws:lb/loadBalancer:LoadBalancer": { seconds: 180, range: "2-3 min", source: `estimate: provisioning -> active; ${TF_TIMEOUTS} (10 min)` },
  "kubernetes:helm.sh/v3:Release": { seconds: 120, range: "1-3 min", source: "estimate: install and wait until its workloads are ready (Pulumi waits by default)" },
  // Each pinned chart's own figure (lib/helmCharts.ts), which its release's `timeout` is sized from.
  ...Object.fromEntries(Object.values(CHARTS).map((pin): [string, Duration] => [`${RELEASE} (${pin.chart})`, pin.install])),
  "kubernetes:apps/v1:Deployment": { seconds: 60, range: "0.5-2 min", source: "estimate: Pulumi's await logic waits for the rollout to become ready" },
  "kubernetes:apps/v1:DaemonSet": { seconds: 60, range: "0.5-2 min", source: "estimate: rollout ready" },
  "kubernetes:batch/v1:Job": { seconds: 45, range: "0.5-2 min", source: "estimate: image pull, one short run to completion (Pulumi waits for the Job to complete)" },
  "kubernetes:apps/v1:StatefulSet": { seconds: 120, range: "1-3 min", source: "estimate: ordered pod start" },
  "kubernetes:core/v1:Service": { seconds: 10, range: "seconds (minutes for type LoadBalancer)", source: "estimate" },
  "aws:ec2/instance:Instance": { seconds: 45, range: "0.5-1 min", source: "estimate: pending -> running" },
  "aws:ec2/vpcEndpoint:VpcEndpoint": { seconds: 20, range: "seconds (gateway), 1-2 min (interface)", source: "estimate" },
  "aws:ec2/vpcPeeringConnection:VpcPeeringConnection": { seconds: 15, range: "seconds", source: "estimate" },
  "aws:ec2/vpc:Vpc": { seconds: 5, range: "seconds", source: "estimate" },
  "aws:ec2/subnet:Subnet": { seconds: 5, range: "seconds", source: "estimate" },
  "aws:ec2/internetGateway:InternetGateway": { seconds: 5, range: "seconds", source: "estimate" },
  "aws:kms/key:Key": { seconds: 5, range: "seconds", source: "estimate" },
  "aws:iam/role:Role": { seconds: 5, range: "seconds (plus IAM propagation)", source: "estimate: the provider retries until the role propagates" },
  "aws:secretsmanager/secret:Secret": { seconds: 3, range: "seconds", source: "estimate" },
  "aws:s3/bucket:Bucket": { seconds: 5, range: "seconds", source: "estimate" },
  "aws:s3/bucketV2:BucketV2": { seconds: 5, range: "seconds", source: "estimate" },
  "aws:ec2/eip:Eip": { seconds: 3, range: "seconds", source: FAST },
  "aws:ec2/routeTable:RouteTable": { seconds: 3, range: "seconds", source: FAST },
  "aws:ec2/route:Route": { seconds: 3, range: "seconds", source: FAST },
  "aws:ec2/routeTableAssociation:RouteTableAssociation": { seconds: 2, range: "seconds", source: FAST },
  "aws:ec2/securityGroup:SecurityGroup": { seconds: 4, range: "seconds", source: FAST },
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": { seconds: 4, range: "seconds", source: FAST },
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": { seconds: 2, range: "seconds", source: FAST },
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": { seconds: 2, range: "seconds", source: FAST },
  "aws:cloudwatch/logGroup:LogGroup": { seconds: 2, range: "seconds", source: FAST },
  "aws:ec2/flowLog:FlowLog": { seconds: 5, range: "seconds", source: FAST },
  "aws:kms/alias:Alias": { seconds: 2, range: "seconds", source: FAST },
  "aws:iam/instanceProfile:InstanceProfile": { seconds: 5, range: "seconds", source: FAST },
  "aws:iam/rolePolicy:RolePolicy": { seconds: 3, range: "seconds", source: FAST },
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": { seconds: 3, range: "seconds", source: FAST },
  "aws:iam/policy:Policy": { seconds: 3, range: "seconds", source: FAST },
  "aws:rds/subnetGroup:SubnetGroup": { seconds: 3, range: "seconds", source: FAST },
  "aws:elasticache/subnetGroup:SubnetGroup": { seconds: 3, range: "seconds", source: FAST },
  "aws:ec2/launchTemplate:LaunchTemplate": { seconds: 3, range: "seconds", source: FAST },
  "aws:lb/targetGroup:TargetGroup": { seconds: 3, range: "seconds", source: FAST },
  "aws:lb/listener:Listener": { seconds: 3, range: "seconds", source: FAST },
  "kubernetes:core/v1:Namespace": { seconds: 2, range: "seconds", source: FAST },
};

/** Any other AWS/Kubernetes resource: an API call or two. */
export const DEFAULT_DURATION: Duration = { seconds: 3, range: "seconds", source: "default: one or two API calls" };

export interface ResolvedDuration {
  readonly key: string;
  readonly seconds: number;
  /** False when the type has no entry and the default was used. */
  readonly known: boolean;
}

/** Duration key of a resource: RDS instances differ by Multi-AZ and replica inputs, Helm releases by chart. */
export function durationKey(r: RecordedResource): string {
  if (r.type === RELEASE) {
    const key = `${r.type} (${strOf(r.inputs, "chart") ?? ""})`;
    return key in DURATIONS ? key : r.type;
  }
  if (r.type === "aws:rds/instance:Instance") {
    if (strOf(r.inputs, "replicateSourceDb") !== undefined) return `${r.type} (read replica)`;
    if (r.inputs.restoreToPointInTime !== undefined) return `${r.type} (point-in-time restore)`;
    if (boolOf(r.inputs, "multiAz") === true) return `${r.type} (Multi-AZ)`;
  }
  if (r.type === "aws:mq/broker:Broker" && strOf(r.inputs, "deploymentMode") === "CLUSTER_MULTI_AZ") return `${r.type} (cluster)`;
  return r.type;
}

export function durationOf(r: RecordedResource): ResolvedDuration {
  // Components, providers and random values are created in the engine, not in the cloud.
  if (!r.custom || r.type.startsWith("pulumi:providers:") || r.type.startsWith("random:")) return { key: r.type, seconds: 0, known: true };
  const key = durationKey(r);
  const d = DURATIONS[key];
  return d ? { key, seconds: d.seconds, known: true } : { key, seconds: DEFAULT_DURATION.seconds, known: false };
}
