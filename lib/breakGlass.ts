import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * Backups an administrator cannot erase alone: what only the break-glass role may do to a backup
 * vault, its recovery points and the keys that encrypt them. Everyone else, account root
 * included, is denied (an explicit Deny beats any Allow).
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/create-a-vault-access-policy.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 */
export const VAULT_PROTECTED_ACTIONS: readonly string[] = [
  "backup:DeleteRecoveryPoint",
  "backup:UpdateRecoveryPointLifecycle",
  "backup:DeleteBackupVault",
  "backup:DeleteBackupVaultLockConfiguration",
  "backup:PutBackupVaultLockConfiguration",
];

/**
 * Key actions that would make every recovery point unreadable. Administration otherwise stays
 * with the account (the root statement): denying kms:PutKeyPolicy to the deployer would fail KMS's
 * policy lockout safety check and could leave the key unmanageable.
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#prevent-unmanageable-key
 */
export const KEY_PROTECTED_ACTIONS: readonly string[] = ["kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:DeleteImportedKeyMaterial", "kms:DisableKeyRotation"];

/** Role ARN of the break-glass role, in this account. */
export function breakGlassRoleArn(partition: pulumi.Input<string>, accountId: pulumi.Input<string>, roleName: string): pulumi.Output<string> {
  return pulumi.interpolate`arn:${partition}:iam::${accountId}:role/${roleName}`;
}

function denyAllBut(sid: string, actions: readonly string[], breakGlassArn: pulumi.Input<string>): aws.iam.PolicyStatement {
  return { Sid: sid, Effect: "Deny", Principal: { AWS: "*" }, Action: [...actions], Resource: "*", Condition: { ArnNotEquals: { "aws:PrincipalArn": breakGlassArn } } };
}

/** A backup vault's access policy: no recovery point deleted or shortened, no lock removed, but by the break-glass role. */
export function vaultAccessPolicy(breakGlassArn: pulumi.Input<string>): aws.iam.PolicyDocument {
  return { Version: "2012-10-17", Statement: [denyAllBut("OnlyBreakGlassErases", VAULT_PROTECTED_ACTIONS, breakGlassArn)] };
}

/**
 * Key-policy statements: no deletion or disabling of the key but by the break-glass role, and no
 * use of the key (`useActions`) by that role: who can destroy the key cannot read what it protects.
 * The role is matched by aws:PrincipalArn under Principal `*`, so the policy is accepted even
 * before the role exists (KMS rejects a key policy naming a principal that does not exist).
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html
 */
export function keyGuardStatements(breakGlassArn: pulumi.Input<string>, useActions: readonly string[]): aws.iam.PolicyStatement[] {
  return [
    keyGuardStatement(breakGlassArn),
    { Sid: "BreakGlassDoesNotUse", Effect: "Deny", Principal: { AWS: "*" }, Action: [...useActions], Resource: "*", Condition: { ArnEquals: { "aws:PrincipalArn": breakGlassArn } } },
  ];
}

/** Key-policy statement: no deletion or disabling of the key but by the break-glass role. */
export function keyGuardStatement(breakGlassArn: pulumi.Input<string>): aws.iam.PolicyStatement {
  return denyAllBut("OnlyBreakGlassDeletesOrDisables", KEY_PROTECTED_ACTIONS, breakGlassArn);
}
