import { z } from "zod";

/**
 * `entasis:audit`: who records the account's API calls (CloudTrail) and watches the cluster
 * (GuardDuty with EKS protection). `platform`: this stack creates them; `organization`: the
 * organization's trail and delegated GuardDuty administrator already cover the account, so the
 * stack creates nothing (docs/security.md says what to check); `none`: nothing (dev, cost).
 */
export const auditSchema = z.strictObject({
  /** Default none (dev) / platform (prod). */
  provider: z.enum(["none", "platform", "organization"]),
  /** Days the trail's log files are kept, and locked (S3 Object Lock, compliance) for. Default 365. */
  retentionDays: z.number().int().min(90).max(3650),
});
export type AuditConfig = z.infer<typeof auditSchema>;
