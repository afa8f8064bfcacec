import { attemptStack, RunResult } from "../tools/offline/harness";
import { DR_COPIED_TIERS } from "../components/backup/backupPolicy";
import { loadStackFile } from "../tools/offline/stackFile";
import { validateWith } from "./support/config";
import { TEST_SECRETS, jsonInput, named, ofType } from "./support/query";
import { stackRun } from "./support/stackRuns";
import { evaluate } from "./support/iam";

// entasis:backup.backupAccountVaultArn: the copied tiers also go to a vault in a separate backup
// account, so no administrator of this account reaches every copy. Off by default.

const VAULT = "arn:aws:backup:ap-northeast-2:210987654321:backup-vault:entasis-prod-copies";
interface Rule {
  ruleName: string;
  lifecycle: { deleteAfter: number };
  copyActions?: { destinationVaultArn: string; lifecycle: { deleteAfter: number } }[];
}

let withCopy: RunResult;
let prod: RunResult;
beforeAll(async () => {
  prod = await stackRun("prod");
  const backup = JSON.parse(loadStackFile("prod").config["entasis:backup"]) as Record<string, unknown>;
  withCopy = await attemptStack({ stack: "prod", secrets: TEST_SECRETS, overrides: { "entasis:backup": { ...backup, backupAccountVaultArn: VAULT } } });
});

test("each copied tier goes to the DR vault and to the backup account's vault, with the tier's retention", () => {
  expect(withCopy.error).toBeUndefined();
  const rules = named(withCopy, "backup-plan", "aws:backup/plan:Plan").inputs.rules as Rule[];
  const drVault = String(named(withCopy, "backup-dr-vault", "aws:backup/vault:Vault").state.arn);
  expect(rules.map((r) => r.ruleName).sort()).toEqual([...DR_COPIED_TIERS].sort());
  for (const r of rules) {
    expect([r.ruleName, r.copyActions]).toEqual([
      r.ruleName,
      [
        { destinationVaultArn: drVault, lifecycle: { deleteAfter: r.lifecycle.deleteAfter } },
        { destinationVaultArn: VAULT, lifecycle: { deleteAfter: r.lifecycle.deleteAfter } },
      ],
    ]);
  }
  // Hourly points stay local.
  expect((named(withCopy, "backup-hourly", "aws:backup/plan:Plan").inputs.rules as Rule[])[0].copyActions).toBeUndefined();
});

test("the backup role may copy into that vault and no other vault of that account", () => {
  const role = named(withCopy, "backup-role", "aws:iam/role:Role");
  const policy = jsonInput(named(withCopy, "backup-backup-account-copy", "aws:iam/rolePolicy:RolePolicy"), "policy");
  const principal = String(role.state.arn);
  expect(evaluate([policy], { principal, action: "backup:CopyIntoBackupVault", resource: VAULT })).toBe("Allow");
  expect(evaluate([policy], { principal, action: "backup:CopyIntoBackupVault", resource: VAULT.replace("entasis-prod-copies", "other") })).toBe("ImplicitDeny");
});

test("off by default: the committed stacks copy only to the DR vault, and nothing else changes", () => {
  expect(ofType(prod, "aws:iam/rolePolicy:RolePolicy").filter((r) => r.name === "backup-backup-account-copy")).toEqual([]);
  expect(withCopy.resources.length).toBe(prod.resources.length + 1);
  for (const r of named(prod, "backup-plan", "aws:backup/plan:Plan").inputs.rules as Rule[]) expect(r.copyActions?.length).toBe(1);
});

test("refuses something that is not a vault ARN", () => {
  const bad = validateWith("prod", (a) => ({ ...a, backup: { ...(a.backup as object), backupAccountVaultArn: "arn:aws:s3:::copies" } }));
  expect(bad.messages).toEqual([expect.stringMatching(/^entasis:backup.backupAccountVaultArn "arn:aws:s3:::copies" is not an AWS Backup vault ARN/)]);
  expect(validateWith("prod", (a) => ({ ...a, backup: { ...(a.backup as object), backupAccountVaultArn: VAULT } })).ok).toBe(true);
});

describe("the source keys of what AWS Backup copies with its own key (RDS, EBS)", () => {
  const BACKUP_ACCOUNT_ROOT = "arn:aws:iam::210987654321:root";
  const keyPolicy = (run: RunResult, name: string) => jsonInput(named(run, name, "aws:kms/key:Key"), "policy");
  /** The keys of backed-up RDS instances and EBS volumes (every StorageClass's and the database's). */
  const SOURCE_KEYS = ["postgres-storage-key", "timeseries-volumes-key", "ebs-volumes-key"];

  test("every EBS CSI StorageClass encrypts with a customer key whose policy admits EC2 for the account (aws/ebs snapshots cannot be shared)", () => {
    const classes = ofType(prod, "kubernetes:storage.k8s.io/v1:StorageClass").filter((sc) => sc.inputs.provisioner === "ebs.csi.aws.com");
    expect(classes.map((sc) => (sc.inputs.metadata as { name: string }).name).sort()).toEqual(["gp3", "gp3-encrypted", "gp3-encrypted-timeseries"].sort());
    const keyArns = new Map(ofType(prod, "aws:kms/key:Key").map((k) => [String(k.state.arn), k.name]));
    for (const sc of classes) {
      const keyName = keyArns.get(String((sc.inputs.parameters as Record<string, string>).kmsKeyId));
      expect([sc.name, keyName !== undefined && SOURCE_KEYS.includes(keyName)]).toEqual([sc.name, true]);
    }
  });

  test("they admit the backup account's use and its grants for AWS resources when a backup account is configured, and nobody new otherwise", () => {
    for (const key of SOURCE_KEYS) {
      const withAccount = keyPolicy(withCopy, key);
      const without = keyPolicy(prod, key);
      for (const action of ["kms:Decrypt", "kms:ReEncryptFrom", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey"]) {
        expect([key, action, evaluate([withAccount], { principal: BACKUP_ACCOUNT_ROOT, action })]).toEqual([key, action, "Allow"]);
        expect([key, action, evaluate([without], { principal: BACKUP_ACCOUNT_ROOT, action })]).toEqual([key, action, "ImplicitDeny"]);
      }
      // Grants only for AWS resources (the copy's snapshot), never to itself.
      expect(evaluate([withAccount], { principal: BACKUP_ACCOUNT_ROOT, action: "kms:CreateGrant", context: { "kms:GrantIsForAWSResource": true } })).toBe("Allow");
      expect(evaluate([withAccount], { principal: BACKUP_ACCOUNT_ROOT, action: "kms:CreateGrant", context: { "kms:GrantIsForAWSResource": false } })).toBe("ImplicitDeny");
      // Never administration or deletion.
      for (const action of ["kms:ScheduleKeyDeletion", "kms:PutKeyPolicy", "kms:DisableKey"]) expect(evaluate([withAccount], { principal: BACKUP_ACCOUNT_ROOT, action })).not.toBe("Allow");
    }
    // Another account gains nothing.
    expect(evaluate([keyPolicy(withCopy, "postgres-storage-key")], { principal: "arn:aws:iam::999999999999:root", action: "kms:Decrypt" })).toBe("ImplicitDeny");
  });
});
