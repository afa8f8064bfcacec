import { RecordedResource } from "../offline/harness";
import { STATEFUL_TYPES, parseUrn } from "./stateful";

/**
 * Inputs of each stateful type that the AWS provider cannot change in place: a different value
 * deletes and recreates the resource (Terraform's ForceNew, which the bridged Pulumi provider
 * keeps; each resource page of https://registry.terraform.io/providers/hashicorp/aws/latest/docs
 * marks them "Forces new resource"). A type not listed here is replaced only through its URN.
 */
export const REPLACING_INPUTS: Readonly<Record<string, readonly string[]>> = {
  "aws:ec2/vpc:Vpc": ["cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength"],
  "aws:ec2/subnet:Subnet": ["vpcId", "cidrBlock", "availabilityZone", "availabilityZoneId", "outpostArn"],
  "aws:kms/key:Key": ["customerMasterKeySpec", "keyUsage", "multiRegion", "customKeyStoreId", "xksKeyId"],
  "aws:cloudwatch/logGroup:LogGroup": ["name", "namePrefix", "logGroupClass"],
  "aws:eks/cluster:Cluster": ["name", "roleArn", "kubernetesNetworkConfig", "bootstrapSelfManagedAddons"],
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": ["url"],
  "aws:rds/instance:Instance": ["identifier", "identifierPrefix", "engine", "availabilityZone", "storageEncrypted", "kmsKeyId", "username", "dbName", "characterSetName", "timezone", "snapshotIdentifier"],
  "aws:rds/cluster:Cluster": ["clusterIdentifier", "engine", "storageEncrypted", "kmsKeyId", "databaseName", "masterUsername"],
  "aws:elasticache/replicationGroup:ReplicationGroup": ["replicationGroupId", "atRestEncryptionEnabled", "kmsKeyId", "subnetGroupName", "snapshotArns", "snapshotName"],
  "aws:s3/bucket:Bucket": ["bucket", "bucketPrefix", "objectLockEnabled"],
  "aws:s3/bucketV2:BucketV2": ["bucket", "bucketPrefix", "objectLockEnabled"],
  "aws:secretsmanager/secret:Secret": ["name", "namePrefix"],
  "aws:ecr/repository:Repository": ["name", "encryptionConfigurations"],
  "aws:backup/vault:Vault": ["name", "kmsKeyArn"],
  "aws:efs/fileSystem:FileSystem": ["creationToken", "encrypted", "kmsKeyId", "performanceMode", "availabilityZoneName"],
  "aws:mq/broker:Broker": ["brokerName", "engineType", "deploymentMode", "storageType", "subnetIds", "encryptionOptions", "publiclyAccessible"],
  "aws:ec2/eip:Eip": ["domain", "address", "publicIpv4Pool", "networkBorderGroup", "customerOwnedIpv4Pool", "ipamPoolId"],
  "aws:ssm/parameter:Parameter": ["name"],
};

/** What decides whether a stateful resource is kept: its parent chain, provider and replacing inputs. */
export interface StatefulIdentity {
  /** URNs of its ancestors, nearest first, up to (not including) the stack. */
  readonly parents: readonly string[];
  /** URN of its provider (a different provider, e.g. another region, is another resource). */
  readonly provider?: string;
  /** Its REPLACING_INPUTS that are set, by name. */
  readonly inputs: Readonly<Record<string, unknown>>;
}

export type RecordedIdentities = Record<string, Record<string, StatefulIdentity>>;

const isStack = (urn: string): boolean => parseUrn(urn).type === "pulumi:pulumi:Stack";

/** The URN a resource of `type` named `name` under `parentUrn` gets, as the recorded runs form them (the parent's own type, the stack's included, then the type). */
export function urnUnder(stackProjectOf: string, parentUrn: string | undefined, type: string, name: string): string {
  const { stack, project } = parseUrn(stackProjectOf);
  const qualified = parentUrn !== undefined ? `${parseUrn(parentUrn).type}$${type}` : type;
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/**
 * Every URN a resource answers to: its own, each alias it declares (a full URN, or the parts that
 * changed: name, type, parent), and, as the engine derives them, the URNs it had under each former
 * URN of its parent (a child whose name starts with the parent's name takes the parent's former name).
 * https://www.pulumi.com/docs/iac/concepts/resources/options/aliases/
 */
export function identitiesOf(r: RecordedResource, byUrn: ReadonlyMap<string, RecordedResource>, seen: Set<string> = new Set()): string[] {
  if (seen.has(r.urn)) return [r.urn];
  seen.add(r.urn);
  const out = new Set<string>([r.urn]);
  for (const a of r.aliases) {
    if (a.urn !== undefined) out.add(a.urn);
    else out.add(urnUnder(r.urn, a.noParent ? undefined : (a.parentUrn ?? r.parent), a.type ?? r.type, a.name ?? r.name));
  }
  const parent = r.parent !== undefined ? byUrn.get(r.parent) : undefined;
  if (parent) {
    for (const former of identitiesOf(parent, byUrn, seen)) {
      if (former === parent.urn) continue;
      const formerName = parseUrn(former).name;
      const name = r.name.startsWith(parent.name) ? `${formerName}${r.name.slice(parent.name.length)}` : r.name;
      out.add(urnUnder(r.urn, former, r.type, name));
    }
  }
  return [...out];
}

/** Ancestors of a resource, nearest first, without the stack. */
export function ancestorsOf(r: RecordedResource, byUrn: ReadonlyMap<string, RecordedResource>): RecordedResource[] {
  const out: RecordedResource[] = [];
  for (let p = r.parent !== undefined ? byUrn.get(r.parent) : undefined; p && !isStack(p.urn); p = p.parent !== undefined ? byUrn.get(p.parent) : undefined) out.push(p);
  return out;
}

/** The provider's URN of a `urn::id` provider reference. */
const providerUrn = (ref: string | undefined): string | undefined => (ref === undefined ? undefined : ref.split("::").slice(0, -1).join("::"));

export function identityOf(r: RecordedResource, byUrn: ReadonlyMap<string, RecordedResource>): StatefulIdentity {
  const keys = REPLACING_INPUTS[r.type] ?? [];
  const inputs = Object.fromEntries(keys.filter((k) => r.inputs[k] !== undefined).map((k) => [k, r.inputs[k]]));
  const provider = providerUrn(r.provider);
  return { parents: ancestorsOf(r, byUrn).map((p) => p.urn), ...(provider !== undefined ? { provider } : {}), inputs };
}

/** The identity of every stateful resource of a run, by URN (what `npm run contract:update` records). */
export function statefulIdentities(resources: readonly RecordedResource[]): Record<string, StatefulIdentity> {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const stateful = resources.filter((r) => STATEFUL_TYPES.includes(r.type)).sort((a, b) => a.urn.localeCompare(b.urn));
  return Object.fromEntries(stateful.map((r) => [r.urn, identityOf(r, byUrn)]));
}

/** Why a recorded stateful resource would be deleted or replaced by today's program, or undefined if it is kept. */
export function replacementOf(recordedUrn: string, recorded: StatefulIdentity | undefined, resources: readonly RecordedResource[], byUrn: ReadonlyMap<string, RecordedResource> = new Map(resources.map((r) => [r.urn, r]))): string | undefined {
  const old = parseUrn(recordedUrn);
  const matches = resources.filter((r) => identitiesOf(r, byUrn).includes(recordedUrn));
  if (matches.length === 0) return "no resource has this URN or an alias to it: it would be deleted (and a new one created)";
  if (matches.length > 1) return `${matches.length} resources claim it: ${matches.map((m) => m.urn).join(", ")}`;
  const r = matches[0];
  if (r.type !== old.type) return `now a ${r.type}: a different type is a different resource`;
  if (recorded === undefined) return undefined;
  const now = identityOf(r, byUrn);
  const ancestors = ancestorsOf(r, byUrn);
  if (ancestors.length !== recorded.parents.length) return `its parent chain has ${ancestors.length} levels, was ${recorded.parents.length}`;
  for (const [i, p] of ancestors.entries()) {
    if (!identitiesOf(p, byUrn).includes(recorded.parents[i])) return `ancestor ${p.urn} neither is nor aliases ${recorded.parents[i]}`;
  }
  if (now.provider !== recorded.provider) {
    const provider = now.provider !== undefined ? byUrn.get(now.provider) : undefined;
    if (!provider || recorded.provider === undefined || !identitiesOf(provider, byUrn).includes(recorded.provider)) return `provider ${now.provider ?? "(default)"} was ${recorded.provider ?? "(default)"}`;
  }
  const changed = [...new Set([...Object.keys(now.inputs), ...Object.keys(recorded.inputs)])].filter((k) => JSON.stringify(now.inputs[k]) !== JSON.stringify(recorded.inputs[k]));
  if (changed.length > 0) return `replacing inputs changed: ${changed.map((k) => `${k} ${JSON.stringify(recorded.inputs[k])} -> ${JSON.stringify(now.inputs[k])}`).join("; ")}`;
  return undefined;
}
