/**
 * Physical names of the data tier. They are fixed (not Pulumi auto-names) because other systems
 * address them: RDS log groups are named after the DB identifier, ALB access logs and IAM policies
 * name the bucket. Config validation checks them against AWS limits with the same functions.
 */

/** 12 digits: AWS account IDs have a fixed width, so name lengths can be checked before the ID is known. */
export const ACCOUNT_ID_WIDTH = 12;

export function postgresIdentifier(namePrefix: string): string {
  return `${namePrefix}-postgres`;
}

/** A replica is named after its config key, so adding or removing one never renames another. */
export function replicaIdentifier(namePrefix: string, replica: string): string {
  return `${namePrefix}-postgres-${replica}`;
}

export function proxyName(namePrefix: string): string {
  return `${namePrefix}-postgres-proxy`;
}

export function redisGroupId(namePrefix: string): string {
  return `${namePrefix}-redis`;
}

/**
 * S3 names are global across all AWS accounts. Account ID and region make ours collision-free
 * between our own stacks and practically unclaimed by anyone else, while staying predictable for
 * the ALB and for IAM policies (an auto-name suffix would not be).
 */
export function bucketName(namePrefix: string, role: string, accountId: string, region: string): string {
  return `${namePrefix}-${role}-${accountId}-${region}`;
}

/** CloudWatch log group RDS writes an exported log type to; created by us first so retention and KMS apply.
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.Procedural.UploadtoCloudWatch.html */
export function rdsLogGroupName(identifier: string, logType: string): string {
  return `/aws/rds/instance/${identifier}/${logType}`;
}
