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
