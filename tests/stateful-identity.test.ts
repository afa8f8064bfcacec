import { IDENTITIES_FILE, RecordedUrns, URNS_FILE, readJson } from "../tools/contract/files";
import { RecordedIdentities, StatefulIdentity, identitiesOf, replacementOf, statefulIdentities } from "../tools/contract/identity";
import { parseUrn } from "../tools/contract/stateful";
import { AliasRecord, RecordedResource, RunResult } from "../tools/offline/harness";
import { stackRun } from "./support/stackRuns";

// The program as `npm run contract:update` records it: the placeholder run of each root stack.
const STACKS = ["dev", "prod", "prod-standby"] as const;
const runs: Record<string, RunResult> = {};
beforeAll(async () => {
  for (const stack of STACKS) runs[stack] = await stackRun(stack, "placeholders");
});
const urns = readJson<RecordedUrns>(URNS_FILE);
const identities = readJson<RecordedIdentities>(IDENTITIES_FILE);

describe.each(STACKS)("%s: no recorded stateful resource would be deleted or replaced", (stack) => {
  it("records an identity (parent chain, provider, replacing inputs) for exactly the recorded stateful URNs", () => {
    expect(Object.keys(identities[stack]).sort()).toEqual([...urns[stack]].sort());
  });

  it("resolves every recorded stateful URN, by itself or an alias, to one resource of the same type and name, same parent chain, provider and replacing inputs", () => {
    const byUrn = new Map(runs[stack].resources.map((r) => [r.urn, r]));
    const replaced = urns[stack].map((urn) => ({ urn, why: replacementOf(urn, identities[stack][urn], runs[stack].resources, byUrn) })).filter((x) => x.why !== undefined);
    expect(replaced).toEqual([]);
    // Every recorded URN was checked (dev 81, prod 98, prod-standby 64 when this was written).
    expect(urns[stack].length).toBeGreaterThanOrEqual({ dev: 81, prod: 98, "prod-standby": 64 }[stack]);
  });

  it("records TimescaleDB's CloudNativePG Cluster, which lives in the cluster: a new URN would delete it with its volumes", () => {
    const inCluster = urns[stack].filter((u) => parseUrn(u).type === "kubernetes:postgresql.cnpg.io/v1:Cluster");
    expect(inCluster.map((u) => parseUrn(u).name)).toEqual(["timeseries-cluster"]);
    const now = statefulIdentities(runs[stack].resources);
    for (const u of inCluster) expect({ u, identity: now[u] }).toEqual({ u, identity: identities[stack][u] });
  });

  it("keeps the buckets and keys of every encrypted store (Velero, time-series archive, Spark, Flink, AI store, load test, DR copies) where they were", () => {
    // Names of the stores' buckets and keys (components/storage/encryptedBucket.ts builds them all).
    const stores = ["cluster-backup-cluster-backups", "timeseries-backup-timeseries-backups", "spark-event-logs", "flink-state", "ai-store-models", "ai-store-ml-artifacts", "load-test-runs"];
    const drCopies = ["cluster-backups", "market-data", "timeseries-backups"].map((role) => `disaster-recovery-${role}`);
    const keys = ["cluster-backup-bucket-key", "timeseries-backup-bucket-key", "spark-event-logs-key", "flink-state-key", "ai-store-key-key", "load-test-runs-key", ...drCopies.map((c) => `${c}-key`)];
    const names = [...stores, ...drCopies, ...keys];
    const storeUrns = urns[stack].filter((u) => names.includes(parseUrn(u).name));
    // dev: no DR copies; prod: no load test; prod-standby: neither.
    expect(storeUrns.length).toBe({ dev: 13, prod: 17, "prod-standby": 11 }[stack]);
    const now = statefulIdentities(runs[stack].resources);
    for (const u of storeUrns) expect({ u, identity: now[u] }).toEqual({ u, identity: identities[stack][u] });
  });
});

// The resolution itself, on resources made up for the purpose: each way of moving a stateful
// resource is caught, and each alias Pulumi accepts for it is followed.
const STACK_URN = "urn:pulumi:dev::entasis-infra::pulumi:pulumi:Stack::entasis-infra-dev";
function resource(type: string, name: string, parent: string | undefined, extra: { inputs?: Record<string, unknown>; aliases?: AliasRecord[]; provider?: string } = {}): RecordedResource {
  const qualified = parent !== undefined ? `${parseUrn(parent).type}$${type}` : type;
  return {
    urn: `urn:pulumi:dev::entasis-infra::${qualified}::${name}`,
    type,
    name,
    custom: !type.startsWith("entasis:"),
    inputs: extra.inputs ?? {},
    secretPaths: [],
    state: {},
    parent,
    dependencies: [],
    propertyDependencies: {},
    provider: extra.provider,
    protect: false,
    ignoreChanges: [],
    retainOnDelete: false,
    deleteBeforeReplace: false,
    replaceOnChanges: [],
    aliases: extra.aliases ?? [],
  };
}
const BUCKET = "aws:s3/bucket:Bucket";
const STORE = "entasis:backup:ClusterBackup";
const stack = resource("pulumi:pulumi:Stack", "entasis-infra-dev", undefined);
const oldStore = resource(STORE, "cluster-backup", STACK_URN);
const oldBucket = resource(BUCKET, "cluster-backup-cluster-backups", oldStore.urn, { inputs: { bucket: "b-1", forceDestroy: true } });
const recorded: StatefulIdentity = statefulIdentities([stack, oldStore, oldBucket])[oldBucket.urn];

describe("resolving a recorded stateful URN", () => {
  it("records the parent chain without the stack, and only the replacing inputs", () => {
    expect(recorded).toEqual({ parents: [oldStore.urn], inputs: { bucket: "b-1" } });
  });

  it("keeps an unchanged resource, and one whose in-place inputs change", () => {
    const bucket = resource(BUCKET, oldBucket.name, oldStore.urn, { inputs: { bucket: "b-1", forceDestroy: false } });
    expect(replacementOf(oldBucket.urn, recorded, [stack, oldStore, bucket])).toBeUndefined();
  });

  it("loses a renamed resource without an alias, and follows a name alias", () => {
    const renamed = resource(BUCKET, "backups", oldStore.urn, { inputs: { bucket: "b-1" } });
    expect(replacementOf(oldBucket.urn, recorded, [stack, oldStore, renamed])).toMatch(/would be deleted/);
    const aliased = { ...renamed, aliases: [{ name: oldBucket.name }] };
    expect(identitiesOf(aliased, new Map([[oldStore.urn, oldStore]]))).toContain(oldBucket.urn);
    expect(replacementOf(oldBucket.urn, recorded, [stack, oldStore, aliased])).toBeUndefined();
  });

  it("loses a resource moved under a new component, unless its alias names the old parent (or the whole old URN) and the new component aliases the old one", () => {
    const store = resource("entasis:storage:EncryptedBucket", "cluster-backup", STACK_URN);
    const moved = resource(BUCKET, oldBucket.name, store.urn, { inputs: { bucket: "b-1" } });
    expect(replacementOf(oldBucket.urn, recorded, [stack, store, moved])).toMatch(/would be deleted/);
    // The bucket resolves, but its new parent is not the old one: the parent chain differs.
    const byUrnAlias = { ...moved, aliases: [{ urn: oldBucket.urn }] };
    expect(replacementOf(oldBucket.urn, recorded, [stack, store, byUrnAlias])).toMatch(/ancestor .* neither is nor aliases/);
    const storeAliased = { ...store, aliases: [{ type: STORE }] };
    expect(replacementOf(oldBucket.urn, recorded, [stack, storeAliased, moved])).toBeUndefined();
  });

  it("follows a renamed parent's alias to its children (a child named after its parent takes the parent's former name)", () => {
    const store = { ...resource(STORE, "velero-store", STACK_URN), aliases: [{ name: "cluster-backup" }] };
    const child = resource(BUCKET, "velero-store-cluster-backups", store.urn, { inputs: { bucket: "b-1" } });
    expect(replacementOf(oldBucket.urn, recorded, [stack, store, child])).toBeUndefined();
  });

  it("reports a changed replacing input, a changed provider, a changed type and two claimants", () => {
    const renamedBucket = resource(BUCKET, oldBucket.name, oldStore.urn, { inputs: { bucket: "b-2" } });
    expect(replacementOf(oldBucket.urn, recorded, [stack, oldStore, renamedBucket])).toBe('replacing inputs changed: bucket "b-1" -> "b-2"');
    const otherRegion = resource(BUCKET, oldBucket.name, oldStore.urn, { inputs: { bucket: "b-1" }, provider: `${STACK_URN.replace("pulumi:pulumi:Stack::entasis-infra-dev", "pulumi:providers:aws::dr-region")}::id-1` });
    expect(replacementOf(oldBucket.urn, recorded, [stack, oldStore, otherRegion])).toMatch(/^provider .*dr-region was \(default\)$/);
    const v2 = { ...resource("aws:s3/bucketV2:BucketV2", "new-bucket", oldStore.urn, { inputs: { bucket: "b-1" } }), aliases: [{ urn: oldBucket.urn }] };
    expect(replacementOf(oldBucket.urn, recorded, [stack, oldStore, v2])).toMatch(/^now a aws:s3\/bucketV2:BucketV2/);
    const twin = { ...resource(BUCKET, "twin", oldStore.urn), aliases: [{ name: oldBucket.name }] };
    expect(replacementOf(oldBucket.urn, recorded, [stack, oldStore, oldBucket, twin])).toMatch(/^2 resources claim it/);
  });
});
