import { KEY_PROTECTED_ACTIONS, VAULT_PROTECTED_ACTIONS } from "../lib/breakGlass";
import { DR_OBJECT_LOCK_DAYS } from "../components/backup/disasterRecovery";
import { jsonInput, named, ofType } from "./support/query";
import { Json, evaluate, rolePolicies } from "./support/iam";
import { RunResult, attemptBootstrap } from "../tools/offline/harness";
import { recordedRuns } from "./support/runs";

// Backups an administrator cannot erase alone: in prod only the break-glass role may delete or
// shorten a recovery point, remove a vault lock, or delete or disable a vault's key; the locks
// turn to compliance mode after their window.

const runs = recordedRuns(["dev", "prod"]);

const ACCOUNT = "123456789012";
const BREAK_GLASS = `arn:aws:iam::${ACCOUNT}:role/entasis-prod-break-glass`;
/** Everyone else an attacker might hold: the account root, an administrator, the backup and deploy roles. */
const OTHERS = [`arn:aws:iam::${ACCOUNT}:root`, `arn:aws:iam::${ACCOUNT}:role/Admin`, `arn:aws:iam::${ACCOUNT}:role/entasis-prod-backup`, `arn:aws:iam::${ACCOUNT}:role/entasis-prod-deploy`];
/** What an administrator's identity policy grants: everything. */
const ADMIN: Json = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };

const VAULTS = [
  ["backup-vault", "backup-vault-policy", "backup-vault-lock", "backup-vault-key"],
  ["backup-dr-vault", "backup-dr-vault-policy", "backup-dr-vault-lock", "backup-dr-vault-key"],
] as const;

describe("prod", () => {
  test.each(VAULTS)("%s: only the break-glass role erases recovery points or removes the lock", (vaultName, policyName) => {
    const run = runs.prod;
    const vault = named(run, vaultName, "aws:backup/vault:Vault");
    const policy = named(run, policyName, "aws:backup/vaultPolicy:VaultPolicy");
    expect(policy.inputs.backupVaultName).toBe(vault.inputs.name);
    const doc = jsonInput(policy, "policy");
    const point = `arn:aws:backup:ap-northeast-2:${ACCOUNT}:recovery-point:abc`;
    expect(VAULT_PROTECTED_ACTIONS).toEqual(expect.arrayContaining(["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle", "backup:DeleteBackupVaultLockConfiguration"]));
    for (const action of VAULT_PROTECTED_ACTIONS) {
      for (const principal of OTHERS) expect([action, principal, evaluate([doc, ADMIN], { principal, action, resource: point })]).toEqual([action, principal, "Deny"]);
      expect(evaluate([doc, ADMIN], { principal: BREAK_GLASS, action, resource: point })).toBe("Allow");
    }
    // Restores and reads stay open to whoever IAM allows.
    expect(evaluate([doc, ADMIN], { principal: OTHERS[1], action: "backup:StartRestoreJob", resource: point })).toBe("Allow");
  });

  test.each(VAULTS)("%s: the lock is in compliance mode after 3 days", (_vault, _policy, lockName) => {
    expect(named(runs.prod, lockName, "aws:backup/vaultLockConfiguration:VaultLockConfiguration").inputs.changeableForDays).toBe(3);
  });

  test.each(VAULTS)("%s: the lock is put before the access policy that denies putting it to the deployer", (_vault, policyName, lockName) => {
    const policy = named(runs.prod, policyName, "aws:backup/vaultPolicy:VaultPolicy");
    const lock = named(runs.prod, lockName, "aws:backup/vaultLockConfiguration:VaultLockConfiguration");
    expect(VAULT_PROTECTED_ACTIONS).toContain("backup:PutBackupVaultLockConfiguration");
    expect(evaluate([jsonInput(policy, "policy"), ADMIN], { principal: OTHERS[3], action: "backup:PutBackupVaultLockConfiguration", resource: "*" })).toBe("Deny");
    expect(policy.dependencies).toContain(lock.urn);
  });

  test.each(VAULTS)("%s: only the break-glass role deletes or disables its key; the account still administers it", (_vault, _policy, _lock, keyName) => {
    const doc = jsonInput(named(runs.prod, keyName, "aws:kms/key:Key"), "policy");
    const key = `arn:aws:kms:ap-northeast-2:${ACCOUNT}:key/k`;
    expect(KEY_PROTECTED_ACTIONS).toEqual(expect.arrayContaining(["kms:ScheduleKeyDeletion", "kms:DisableKey"]));
    for (const action of KEY_PROTECTED_ACTIONS) {
      for (const principal of OTHERS) expect([action, principal, evaluate([doc, ADMIN], { principal, action, resource: key })]).toEqual([action, principal, "Deny"]);
      expect(evaluate([doc, ADMIN], { principal: BREAK_GLASS, action, resource: key })).toBe("Allow");
    }
    // No lockout: the account keeps kms:PutKeyPolicy and use of the key.
    for (const action of ["kms:PutKeyPolicy", "kms:Decrypt", "kms:CancelKeyDeletion"]) expect(evaluate([doc, ADMIN], { principal: OTHERS[1], action, resource: key })).toBe("Allow");
  });
});

test("prod's DR buckets keep every object version a week under S3 Object Lock (compliance), without replacing the buckets", () => {
  const run = runs.prod;
  const drBuckets = ofType(run, "aws:s3/bucket:Bucket").filter((b) => b.name.startsWith("disaster-recovery-"));
  expect(drBuckets.length).toBeGreaterThanOrEqual(3);
  const locks = ofType(run, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration");
  for (const b of drBuckets) {
    const lock = locks.find((l) => l.name === b.name);
    expect([b.name, lock?.inputs]).toEqual([b.name, { bucket: b.inputs.bucket, objectLockEnabled: "Enabled", rule: { defaultRetention: { mode: "COMPLIANCE", days: DR_OBJECT_LOCK_DAYS } } }]);
    // Enabled in place on the versioned bucket: the bucket itself does not change (no replacement).
    expect(b.inputs.objectLockEnabled).toBeUndefined();
  }
});

test("dev, which destroys its vaults, has neither guard nor lock", () => {
  expect(ofType(runs.dev, "aws:backup/vaultPolicy:VaultPolicy")).toEqual([]);
  expect(ofType(runs.dev, "aws:backup/vaultLockConfiguration:VaultLockConfiguration")).toEqual([]);
});

describe("the deploy role cannot become the break-glass role", () => {
  // The vault and key policies match the break-glass role by ARN: creating a role of that name, or
  // changing its trust or permissions, would hand its power to whoever did it.
  const boots: Record<string, RunResult> = {};
  beforeAll(async () => {
    for (const env of ["prod", "prod-dr"]) {
      boots[env] = await attemptBootstrap({ stack: env });
      if (boots[env].error) throw boots[env].error;
    }
  });
  test.each(["prod", "prod-dr"])("bootstrap %s: no create, trust, permission change or assumption of the break-glass role; other roles stay manageable", (env) => {
    const docs = rolePolicies(boots[env], named(boots[env], "deploy-role-role"));
    const other = `arn:aws:iam::${ACCOUNT}:role/entasis-prod-eks-node-1a2b3c`;
    for (const action of ["iam:CreateRole", "iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:DeleteRolePermissionsBoundary", "sts:AssumeRole"]) {
      expect([action, evaluate(docs, { action, resource: BREAK_GLASS })]).toEqual([action, "Deny"]);
      if (action !== "sts:AssumeRole") expect([action, evaluate(docs, { action, resource: other })]).toEqual([action, "Allow"]);
    }
  });
});
