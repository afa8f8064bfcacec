/** Tags every AWS resource of this program carries (Project, Environment, Owner, CostCenter, ManagedBy, Stack). */
export type Tags = Readonly<Record<string, string>>;

/** Base tags plus the AWS console `Name` (kept apart from the Pulumi name, which is the identity). */
export function named(tags: Tags, name: string, extra: Tags = {}): Record<string, string> {
  return { ...tags, ...extra, Name: name };
}

/** Marks stateful resources (RDS instances, Redis, buckets) for the AWS Backup selection. */
export const BACKUP_TAG = { backup: "true" } as const;
