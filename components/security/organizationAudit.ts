import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DetectorState, guardDutyCoverageProblems } from "../../lib/auditCoverage";

export interface OrganizationAuditArgs {
  /** The organization trail that records this account (checked by the plan's preflight, not here). No default. */
  readonly trailArn: string;
  /** The GuardDuty delegated administrator account. No default. */
  readonly guardDutyAdministratorAccountId: string;
}

/**
 * When the organization provides the audit trail and GuardDuty (`entasis:audit.provider:
 * organization`), nothing is created: this reads the account's GuardDuty detector during the
 * preview and fails it, naming what is missing, unless the detector covers the cluster as
 * components/security/auditTrail.ts would have (lib/auditCoverage.ts). CloudTrail has no read
 * function in the provider; the organization trail is in the preflight's list (tools/insights/prerequisites.ts).
 */
export class OrganizationAudit extends pulumi.ComponentResource {
  /** The detector's ID once it is known to cover the cluster. */
  public readonly detectorId: pulumi.Output<string>;

  /** The detector's ID if it covers the cluster; otherwise a RunError naming every gap and the fix (fails the preview). */
  static covered(detector: DetectorState & { readonly id: string }, administratorAccountId: string): string {
    const problems = guardDutyCoverageProblems(detector);
    if (problems.length > 0) {
      throw new pulumi.RunError(
        `entasis:audit.provider organization: the account's GuardDuty (delegated administrator ${administratorAccountId}) does not cover the cluster: ${problems.join("; ")}; fix: enable them from the delegated administrator for this account, or set entasis:audit.provider platform`,
      );
    }
    return detector.id;
  }

  constructor(name: string, args: OrganizationAuditArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:security:OrganizationAudit", name, {}, opts);
    const detector = aws.guardduty.getDetectorOutput({}, { parent: this });
    this.detectorId = detector.apply((d) => OrganizationAudit.covered(d, args.guardDutyAdministratorAccountId));
    this.registerOutputs({ detectorId: this.detectorId, trailArn: args.trailArn });
  }
}
