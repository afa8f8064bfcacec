import { Price } from "./prices-ap-northeast-2";

/**
 * Usage rates of the disaster-recovery copies, USD, on-demand, as of the ap-northeast-2 table's
 * date. Storage is billed in the DR region at that region's rates; the copy is billed to the
 * source as inter-region data transfer out of ap-northeast-2. Every figure is an "estimate" in the
 * sense of prices-ap-northeast-2.ts (the AWS list figure as best known; the live price pages were
 * not reachable while compiling): verify before quoting.
 *
 * Sources (SOURCES keys of prices-ap-northeast-2.ts):
 * - s3: Standard storage per GB-month, and "Data Transfer OUT From Amazon S3 To" another AWS
 *   Region (the replication transfer; S3 CRR also bills PUT requests in the destination).
 * - backup: warm storage per GB-month, and cross-Region data transfer of copy jobs.
 * - rds: backup storage per GB-month (replicated automated backups are billed as backup storage
 *   in the destination region, with no free allowance there) and snapshot copy data transfer.
 *   https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReplicateBackups.html
 */
export interface DrRates {
  /** Data transfer from ap-northeast-2 to another AWS region, per GB. */
  readonly interRegionTransferGb: Price;
  readonly s3StandardGbMonth: Price;
  readonly backupWarmGbMonth: Price;
  readonly rdsBackupGbMonth: Price;
}

const est = (usd: number, unit: Price["unit"], source: Price["source"], note?: string): Price => ({ usd, unit, basis: "estimate", source, note });

/** By DR region (lib/awsLimits.ts DR_REGIONS of ap-northeast-2). */
export const DR_RATES: Readonly<Record<string, DrRates>> = {
  "ap-northeast-1": {
    interRegionTransferGb: est(0.08, "GB", "ec2", "inter-region transfer out of ap-northeast-2 (the same rate for S3, AWS Backup and RDS copies)"),
    s3StandardGbMonth: est(0.025, "GB-month", "s3", "S3 Standard, first 50 TB, Tokyo"),
    backupWarmGbMonth: est(0.05, "GB-month", "backup", "AWS Backup warm storage, Tokyo"),
    rdsBackupGbMonth: est(0.095, "GB-month", "rds", "RDS backup storage, Tokyo; replicated backups have no free allowance"),
  },
  "ap-southeast-1": {
    interRegionTransferGb: est(0.08, "GB", "ec2", "inter-region transfer out of ap-northeast-2"),
    s3StandardGbMonth: est(0.025, "GB-month", "s3", "S3 Standard, first 50 TB, Singapore"),
    backupWarmGbMonth: est(0.05, "GB-month", "backup", "AWS Backup warm storage, Singapore"),
    rdsBackupGbMonth: est(0.095, "GB-month", "rds", "RDS backup storage, Singapore; replicated backups have no free allowance"),
  },
};
