import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * Key-policy statements shared by several customer keys: EBS volumes that the EBS CSI driver
 * creates, and the backup account's copies.
 */

/**
 * Use of a volume key through EC2 in one region by principals of the account, as the AWS managed
 * aws/ebs key allows: the EBS CSI driver (its IRSA role), AWS Backup and Velero create, attach,
 * snapshot and restore volumes through EC2. https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html
 */
export function ebsViaEc2Statement(accountId: pulumi.Input<string>, region: string): pulumi.Input<aws.iam.PolicyStatement> {
  return {
    Sid: "EbsViaEc2",
    Effect: "Allow",
    Principal: { AWS: "*" },
    Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey"],
    Resource: "*",
    Condition: { StringEquals: { "kms:CallerAccount": accountId, "kms:ViaService": `ec2.${region}.amazonaws.com` } },
  };
}

/** The account of a backup vault ARN (`arn:<partition>:backup:<region>:<account>:backup-vault:<name>`). */
export function vaultAccountId(vaultArn: string): string {
  const account = vaultArn.split(":")[4];
  if (!/^\d{12}$/.test(account ?? "")) throw new Error(`${vaultArn} is not a backup vault ARN (validated by stacks/schema/backup.ts)`);
  return account;
}

/**
 * What the source keys of a cross-account copy must allow the destination account: AWS Backup
 * copies an RDS or EBS recovery point, which keeps its source key, by reading it in the backup
 * account and re-encrypting it with that vault's key. "In the source account, if your resources
 * are encrypted with a customer managed key, you must share this customer managed key with the
 * destination account" (https://docs.aws.amazon.com/aws-backup/latest/devguide/create-cross-account-backup.html);
 * the two statements are KMS's for another account's use of a key, grants only for AWS resources
 * (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html).
 * Empty without a backup account. Snapshots under the AWS managed aws/ebs key cannot be shared at
 * all, which is why every volume the platform creates has a customer key.
 */
export function backupAccountKeyStatements(vaultArn: string | undefined, partition: pulumi.Input<string>): pulumi.Input<aws.iam.PolicyStatement>[] {
  if (vaultArn === undefined) return [];
  const principal = { AWS: pulumi.interpolate`arn:${partition}:iam::${vaultAccountId(vaultArn)}:root` };
  return [
    {
      Sid: "BackupAccountCopiesUseTheKey",
      Effect: "Allow",
      Principal: principal,
      Action: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"],
      Resource: "*",
    },
    {
      Sid: "BackupAccountCopiesGrantForAwsResources",
      Effect: "Allow",
      Principal: principal,
      Action: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
      Resource: "*",
      Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
    },
  ];
}
