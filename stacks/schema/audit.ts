import { z } from "zod";
import { OrganizationAuditArgs } from "../../components/security/organizationAudit";
import { ConfigProblem, issue } from "./problems";

/** CloudTrail trail ARN: `arn:<partition>:cloudtrail:<region>:<account>:trail/<name>`. */
export const TRAIL_ARN_RE = /^arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:\d{12}:trail\/[A-Za-z0-9._-]{3,128}$/;
/** The all-zero account a committed stack file would carry until the operator names the real trail. */
export const PLACEHOLDER_TRAIL_RE = /:000000000000:trail\//;

const organizationSchema = z.strictObject({
  /** The organization trail's ARN (management or delegated administrator account). */
  trailArn: z.string().regex(TRAIL_ARN_RE, { message: issue("is not a CloudTrail trail ARN", "use arn:aws:cloudtrail:<region>:<account>:trail/<name>") }),
  /** The GuardDuty delegated administrator account. */
  guardDutyAdministratorAccountId: z.string().regex(/^\d{12}$/, { message: issue("is not an AWS account ID", "use the 12-digit ID of the GuardDuty delegated administrator") }),
});
// The component owns its settings' type; the validated config satisfies it.
organizationSchema satisfies z.ZodType<OrganizationAuditArgs>;

/**
 * `entasis:audit`: who records the account's API calls (CloudTrail) and watches the cluster
 * (GuardDuty with EKS protection). `platform`: this stack creates them; `organization`: the
 * organization's trail and delegated GuardDuty administrator already cover the account, so the
 * stack creates nothing: the plan's preflight lists what to confirm and a preview reads the
 * account's GuardDuty detector (docs/security.md); `none`: nothing (dev, cost).
 */
export const auditSchema = z.strictObject({
  /** Default none (dev) / platform (prod). */
  provider: z.enum(["none", "platform", "organization"]),
  /** Days the trail's log files are kept, and locked (S3 Object Lock, compliance) for. Default 365. */
  retentionDays: z.number().int().min(90).max(3650),
  /** With provider `organization`: what covers the account. Default unset (required by `pulumi up` with `organization`). */
  organization: organizationSchema.optional(),
});
export type AuditConfig = z.infer<typeof auditSchema>;

export function validateAudit(audit: AuditConfig, areaKey: string, deploying = false): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const key = `${areaKey}.organization`;
  if (audit.provider !== "organization" && audit.organization !== undefined) {
    problems.push({ key, value: audit.organization, problem: `is only read with provider organization (provider is ${audit.provider})`, fix: "remove it, or set entasis:audit.provider organization" });
  }
  // Previews and the offline plan may run before the operator knows the organization's trail (the
  // preflight lists it); `pulumi up` must not, or the account would run without a known trail.
  if (deploying && audit.provider === "organization") {
    if (audit.organization === undefined) {
      problems.push({ key, value: undefined, problem: "is required when the organization provides CloudTrail and GuardDuty", fix: "set trailArn and guardDutyAdministratorAccountId (docs/security.md), or set provider platform" });
    } else if (PLACEHOLDER_TRAIL_RE.test(audit.organization.trailArn)) {
      problems.push({ key: `${key}.trailArn`, value: audit.organization.trailArn, problem: "is a placeholder", fix: "set the organization trail's ARN (aws cloudtrail describe-trails --include-shadow-trails)" });
    }
  }
  return problems;
}
