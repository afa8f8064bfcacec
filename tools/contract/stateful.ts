import { RecordedResource } from "../offline/harness";

/**
 * Resource types whose replacement loses data or breaks everything that points at them. A change
 * of their URN (name, type or parent) makes Pulumi delete and recreate them unless an alias says
 * where they came from. https://www.pulumi.com/docs/iac/concepts/options/aliases/
 */
export const STATEFUL_TYPES: readonly string[] = [
  "aws:ec2/vpc:Vpc",
  "aws:ec2/subnet:Subnet",
  "aws:kms/key:Key",
  "aws:cloudwatch/logGroup:LogGroup",
  "aws:eks/cluster:Cluster",
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
  "aws:rds/instance:Instance",
  "aws:rds/cluster:Cluster",
  "aws:elasticache/replicationGroup:ReplicationGroup",
  "aws:s3/bucket:Bucket",
  "aws:s3/bucketV2:BucketV2",
  "aws:secretsmanager/secret:Secret",
  "aws:ecr/repository:Repository",
  "aws:backup/vault:Vault",
  "aws:efs/fileSystem:FileSystem",
  "aws:mq/broker:Broker",
  // Allow-listed by exchanges: a new allocation is a new address.
  "aws:ec2/eip:Eip",
  "aws:ssm/parameter:Parameter",
  // TimescaleDB lives in the cluster: a new URN deletes the Cluster custom resource, and with it the
  // volumes CloudNativePG gave it (its PVCs carry the Cluster as owner).
  // https://cloudnative-pg.io/documentation/current/storage/
  "kubernetes:postgresql.cnpg.io/v1:Cluster",
];

export function statefulUrns(resources: readonly RecordedResource[]): string[] {
  return resources.filter((r) => STATEFUL_TYPES.includes(r.type)).map((r) => r.urn).sort();
}

/** `urn:pulumi:<stack>::<project>::<qualified type>::<name>` -> its parts. */
export function parseUrn(urn: string): { stack: string; project: string; qualifiedType: string; type: string; name: string } {
  const [, stack, project, qualifiedType, ...rest] = urn.replace(/^urn:pulumi:/, "urn:pulumi::").split("::");
  const type = qualifiedType.split("$").pop() ?? qualifiedType;
  return { stack, project, qualifiedType, type, name: rest.join("::") };
}

/** Whether `r` declares an alias that matches the old URN. */
export function aliases(r: RecordedResource, oldUrn: string): boolean {
  const old = parseUrn(oldUrn);
  return r.aliases.some((a) => {
    if (a.urn !== undefined) return a.urn === oldUrn;
    // A spec alias names only the parts that changed; the rest are the resource's own.
    const name = a.name ?? r.name;
    const type = a.type ?? r.type;
    return name === old.name && type === old.type;
  });
}

/**
 * Recorded stateful URNs that the program no longer registers and that nothing aliases: each
 * would be deleted and recreated by the next `pulumi up`.
 */
export function lostStatefulUrns(recorded: readonly string[], resources: readonly RecordedResource[]): string[] {
  const now = new Set(resources.map((r) => r.urn));
  return recorded.filter((urn) => !now.has(urn) && !resources.some((r) => r.type === parseUrn(urn).type && aliases(r, urn)));
}
