import { RecordedResource, RunResult, runStack } from "../tools/offline/harness";
import { loadStackFile } from "../tools/offline/stackFile";
import { TEST_SECRETS } from "./support/query";
import { recordedRuns } from "./support/runs";

// First `pulumi up` into an empty account: what the encrypted-store shape (components/storage/)
// creates must wait for what it needs, in the recorded graph (explicit dependsOn plus every input's
// dependencies, as the engine orders them):
// - a bucket's SSE-KMS default encryption on its key, whose policy is the key's own input (KMS
//   applies it at CreateKey: no separate KeyPolicy that could come after the bucket uses the key),
//   created by the same provider (same region: S3 refuses a key of another region);
// - a bucket policy on the public-access block and ownership controls (S3 rejects concurrent
//   bucket-level changes), lifecycle rules on versioning;
// - an IRSA role's trust on the cluster's IAM OIDC provider it names (IAM refuses a federated
//   principal that does not exist yet: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html);
// - a cross-region replication rule on versioning at both ends, the destination key and the
//   replication role's policy (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-walkthrough1.html).

const STACKS = ["dev", "prod", "prod-standby"] as const;
const SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
const KEY = "aws:kms/key:Key";
const OIDC = "aws:iam/openIdConnectProvider:OpenIdConnectProvider";
const REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig";

const runs: Record<string, RunResult> = recordedRuns(STACKS);

interface Checked {
  readonly seen: number;
  readonly problems: readonly string[];
}

function index(run: RunResult): { byUrn: Map<string, RecordedResource>; sibling: (r: RecordedResource, type: string) => RecordedResource | undefined } {
  const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
  // secureBucket() names every child of a bucket after it, under the same parent.
  const sibling = (r: RecordedResource, type: string): RecordedResource | undefined => run.resources.find((x) => x.type === type && x.name === r.name && x.parent === r.parent);
  return { byUrn, sibling };
}

const sseOf = (r: RecordedResource): { sseAlgorithm?: string; kmsMasterKeyId?: string } => {
  const rules = r.inputs.rules;
  const first: unknown = Array.isArray(rules) ? rules[0] : undefined;
  const d = typeof first === "object" && first !== null ? (first as { applyServerSideEncryptionByDefault?: unknown }).applyServerSideEncryptionByDefault : undefined;
  return typeof d === "object" && d !== null ? (d as { sseAlgorithm?: string; kmsMasterKeyId?: string }) : {};
};

/** Every SSE-KMS default encryption waits for its key, which carries its policy and shares the bucket's provider. */
function encryptionWaits(run: RunResult): Checked {
  const keys = run.resources.filter((r) => r.type === KEY);
  const standalonePolicies = run.resources.filter((r) => r.type === "aws:kms/keyPolicy:KeyPolicy").length;
  const sse = run.resources.filter((r) => r.type === SSE && sseOf(r).sseAlgorithm === "aws:kms");
  const problems: string[] = [];
  if (standalonePolicies > 0) problems.push(`${standalonePolicies} aws:kms KeyPolicy resource(s): a key's policy must be its own input`);
  for (const r of sse) {
    const key = keys.find((k) => k.state.arn === sseOf(r).kmsMasterKeyId);
    if (!key) problems.push(`${r.name}: encrypts with ${String(sseOf(r).kmsMasterKeyId)}, no key of this stack`);
    else {
      if (!r.dependencies.includes(key.urn)) problems.push(`${r.name}: does not wait for its key ${key.name}`);
      if (typeof key.inputs.policy !== "string" || !key.inputs.policy.includes('"AccountUse"')) problems.push(`${key.name}: no key policy admitting the account's IAM principals at creation`);
      if (key.provider !== r.provider) problems.push(`${r.name}: provider ${String(r.provider)}, its key's ${String(key.provider)}`);
    }
  }
  return { seen: sse.length, problems };
}

/** Every bucket policy waits for the public-access block and ownership; every lifecycle for versioning. */
function bucketWaits(run: RunResult): Checked {
  const { sibling } = index(run);
  const policies = run.resources.filter((r) => r.type === "aws:s3/bucketPolicy:BucketPolicy");
  const problems: string[] = [];
  for (const p of policies) {
    const bucket = sibling(p, "aws:s3/bucket:Bucket");
    // Buckets built by hand elsewhere (none today) would be named differently: then the check cannot apply.
    if (!bucket) {
      problems.push(`${p.name}: no bucket of the same name and parent`);
      continue;
    }
    for (const type of ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "aws:s3/bucketOwnershipControls:BucketOwnershipControls", "aws:s3/bucket:Bucket"]) {
      const need = sibling(p, type);
      if (!need || !p.dependencies.includes(need.urn)) problems.push(`${p.name}: bucket policy does not wait for ${type.split(":").pop()}`);
    }
    const lifecycle = sibling(p, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
    const versioning = sibling(p, "aws:s3/bucketVersioning:BucketVersioning");
    if (!lifecycle || !versioning || !lifecycle.dependencies.includes(versioning.urn)) problems.push(`${p.name}: lifecycle does not wait for versioning`);
  }
  return { seen: policies.length, problems };
}

/** Every web-identity role waits for the OIDC provider its trust names. */
function trustWaits(run: RunResult): Checked {
  const providers = run.resources.filter((r) => r.type === OIDC);
  const roles = run.resources.filter((r) => r.type === "aws:iam/role:Role" && String(r.inputs.assumeRolePolicy).includes("sts:AssumeRoleWithWebIdentity"));
  const problems: string[] = [];
  for (const role of roles) {
    const named = providers.find((p) => typeof p.state.arn === "string" && String(role.inputs.assumeRolePolicy).includes(`"Federated":"${p.state.arn}"`));
    if (!named) problems.push(`${role.name}: trusts no OIDC provider of this stack`);
    else if (!role.dependencies.includes(named.urn)) problems.push(`${role.name}: does not wait for ${named.name}`);
  }
  return { seen: roles.length, problems };
}

/** Every replication rule waits for versioning at both ends, the destination's key and its role's policy. */
function replicationWaits(run: RunResult): Checked {
  const { byUrn, sibling } = index(run);
  const rules = run.resources.filter((r) => r.type === REPLICATION);
  const problems: string[] = [];
  for (const rule of rules) {
    const deps = rule.dependencies.map((u) => byUrn.get(u)).filter((r): r is RecordedResource => r !== undefined);
    const buckets = deps.filter((r) => r.type === "aws:s3/bucket:Bucket");
    if (buckets.length !== 2) problems.push(`${rule.name}: waits for ${buckets.length} bucket(s), not source and destination`);
    for (const b of buckets) {
      const v = sibling(b, "aws:s3/bucketVersioning:BucketVersioning");
      if (!v || !rule.dependencies.includes(v.urn)) problems.push(`${rule.name}: does not wait for the versioning of ${b.name}`);
    }
    if (!deps.some((r) => r.type === KEY)) problems.push(`${rule.name}: does not wait for the destination's key`);
    if (!deps.some((r) => r.type === "aws:iam/rolePolicy:RolePolicy")) problems.push(`${rule.name}: does not wait for the replication role's policy`);
  }
  return { seen: rules.length, problems };
}

describe.each(STACKS)("%s: the encrypted stores' resources wait for what they need on a first deploy", (stack) => {
  it("encrypts each SSE-KMS bucket only after its key (policy inline, same provider) exists", () => {
    const c = encryptionWaits(runs[stack]);
    expect(c.problems).toEqual([]);
    // Velero, the time-series archive, Spark, Flink, the AI store (two), market data, then the load test (dev), the audit trail and three DR copies (prod).
    expect(c.seen).toBe({ dev: 8, prod: 11, "prod-standby": 8 }[stack]);
  });

  it("sets each bucket policy after the public-access block and ownership, each lifecycle after versioning", () => {
    const c = bucketWaits(runs[stack]);
    expect(c.problems).toEqual([]);
    expect(c.seen).toBe({ dev: 9, prod: 12, "prod-standby": 9 }[stack]);
  });

  it("creates each IRSA role after the cluster's OIDC provider its trust names", () => {
    const c = trustWaits(runs[stack]);
    expect(c.problems).toEqual([]);
    expect(c.seen).toBe({ dev: 18, prod: 17, "prod-standby": 14 }[stack]);
  });

  it("starts each cross-region replication after both ends are versioned, the destination key and the role's policy", () => {
    const c = replicationWaits(runs[stack]);
    expect(c.problems).toEqual([]);
    expect(c.seen).toBe({ dev: 0, prod: 3, "prod-standby": 0 }[stack]);
  });
});

describe("the checks catch a broken graph (doctored copies of prod's record)", () => {
  const doctor = (edit: (r: RecordedResource) => RecordedResource): RunResult => ({ ...runs.prod, resources: runs.prod.resources.map(edit) });
  const without = (r: RecordedResource, drop: (u: string) => boolean): RecordedResource => ({ ...r, dependencies: r.dependencies.filter((u) => !drop(u)) });

  it("flags a bucket encrypted before its key, and a key whose policy came later", () => {
    const early = doctor((r) => (r.type === SSE && r.name === "flink-state" ? without(r, (u) => u.includes("aws:kms/key:Key")) : r));
    expect(encryptionWaits(early).problems).toEqual(["flink-state: does not wait for its key flink-state-key"]);
    const late = doctor((r) => (r.type === KEY && r.name === "flink-state-key" ? { ...r, inputs: { ...r.inputs, policy: undefined } } : r));
    expect(encryptionWaits(late).problems).toEqual(["flink-state-key: no key policy admitting the account's IAM principals at creation"]);
  });

  it("flags a DR copy encrypted with a key of the other region's provider", () => {
    const cross = doctor((r) => (r.type === SSE && r.name === "disaster-recovery-market-data" ? { ...r, provider: undefined } : r));
    expect(encryptionWaits(cross).problems).toHaveLength(1);
    expect(encryptionWaits(cross).problems[0]).toMatch(/^disaster-recovery-market-data: provider undefined, its key.s urn:pulumi:prod::entasis-infra::.*pulumi:providers:aws::dr-region::/);
  });

  it("flags an IRSA role that races the OIDC provider, and a bucket policy that races the public-access block", () => {
    const role = doctor((r) => (r.type === "aws:iam/role:Role" && r.name === "flink-jobs-role" ? without(r, (u) => u.includes(OIDC)) : r));
    expect(trustWaits(role).problems).toEqual(["flink-jobs-role: does not wait for cluster-oidc"]);
    const policy = doctor((r) => (r.type === "aws:s3/bucketPolicy:BucketPolicy" && r.name === "flink-state" ? without(r, (u) => u.includes("BucketPublicAccessBlock")) : r));
    expect(bucketWaits(policy).problems).toEqual(["flink-state: bucket policy does not wait for BucketPublicAccessBlock"]);
  });

  it("flags a replication rule that starts before the destination is versioned", () => {
    const repl = doctor((r) => (r.type === REPLICATION && r.name === "disaster-recovery-market-data" ? without(r, (u) => u.endsWith("BucketVersioning::disaster-recovery-market-data")) : r));
    expect(replicationWaits(repl).problems).toEqual(["disaster-recovery-market-data: does not wait for the versioning of disaster-recovery-market-data"]);
  });
});

/** Buckets that `pulumi destroy` must empty (forceDestroy) but an Object Lock would keep from it. */
function lockedButEmptied(run: RunResult): string[] {
  const locks = run.resources.filter((r) => r.type === "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration");
  return locks
    .map((l) => run.resources.find((b) => b.type === "aws:s3/bucket:Bucket" && b.name === l.name && b.parent === l.parent))
    .filter((b): b is RecordedResource => b !== undefined && b.inputs.forceDestroy === true)
    .map((b) => b.name);
}

describe("teardown of an unprotected stack: no bucket that destroy empties is under Object Lock", () => {
  it.each(STACKS)("%s", (stack) => {
    expect(lockedButEmptied(runs[stack])).toEqual([]);
  });

  it("dev with a DR region (the schema allows it) keeps its copies unlocked, so destroy can empty them; prod locks its copies", async () => {
    const backup: unknown = JSON.parse(loadStackFile("dev").config["entasis:backup"] ?? "{}");
    const run = await runStack({ stack: "dev", secrets: TEST_SECRETS, overrides: { "entasis:backup": { ...(typeof backup === "object" ? backup : {}), drRegion: "ap-northeast-1" } } });
    const copies = run.resources.filter((r) => r.type === "aws:s3/bucket:Bucket" && r.name.startsWith("disaster-recovery-"));
    expect(copies.map((b) => [b.name, b.inputs.forceDestroy])).toEqual([
      ["disaster-recovery-market-data", true],
      ["disaster-recovery-cluster-backups", true],
      ["disaster-recovery-timeseries-backups", true],
    ]);
    expect(lockedButEmptied(run)).toEqual([]);
    // The check sees a lock: prod's three copies carry one (and are never emptied).
    expect(runs.prod.resources.filter((r) => r.type === "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration" && r.name.startsWith("disaster-recovery-"))).toHaveLength(3);
    const doctored = { ...runs.prod, resources: runs.prod.resources.map((r) => (r.type === "aws:s3/bucket:Bucket" && r.name === "disaster-recovery-market-data" ? { ...r, inputs: { ...r.inputs, forceDestroy: true } } : r)) };
    expect(lockedButEmptied(doctored)).toEqual(["disaster-recovery-market-data"]);
  });
});
