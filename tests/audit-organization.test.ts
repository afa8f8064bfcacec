import { toRawStackConfig } from "../stacks/config";
import { renderProblem } from "../stacks/schema/problems";
import { ValidatedStackConfig, validateStackConfig } from "../stacks/schema/stack";
import { guardDutyCoverageProblems } from "../lib/auditCoverage";
import { OrganizationAudit } from "../components/security/organizationAudit";
import { StackRunResult, attemptProgram } from "../tools/offline/harness";
import { CloudMocks } from "../tools/offline/mocks";
import { loadStackFile } from "../tools/offline/stackFile";
import { configOfRun } from "../tools/insights/preflight";
import { evaluatePrerequisites } from "../tools/insights/prerequisites";
import { ResourceIndex } from "../tools/insights/model";
import { stackRun } from "./support/stackRuns";

// entasis:audit.provider organization: the stack creates no trail and no detector; `pulumi up`
// refuses it until the organization's trail and GuardDuty administrator are named, the plan's
// preflight lists them (with the commands that confirm them), and a preview fails unless the
// account's GuardDuty detector covers the cluster.

const TRAIL = "arn:aws:cloudtrail:ap-northeast-2:111122223333:trail/org-trail";
const ORG = { trailArn: TRAIL, guardDutyAdministratorAccountId: "444455556666" };

function validate(audit: Record<string, unknown>, deploying: boolean): string[] {
  const file = loadStackFile("prod");
  const config = { ...file.config, "entasis:audit": JSON.stringify(audit) };
  const r = validateStackConfig({ ...toRawStackConfig("prod", config, { slackWebhookUrl: true }), deploying });
  return r.ok ? [] : r.problems.map(renderProblem).filter((m) => m.startsWith("entasis:audit"));
}

describe("validation", () => {
  it("`pulumi up` refuses organization without the organization's trail and GuardDuty administrator; previews accept it", () => {
    expect(validate({ provider: "organization" }, false)).toEqual([]);
    expect(validate({ provider: "organization" }, true)).toEqual([expect.stringMatching(/^entasis:audit.organization \(unset\) is required when the organization provides CloudTrail and GuardDuty; set trailArn/)]);
    expect(validate({ provider: "organization", organization: ORG }, true)).toEqual([]);
  });

  it("refuses a placeholder trail at `pulumi up`, malformed values always, and organization settings with another provider", () => {
    const placeholder = { ...ORG, trailArn: "arn:aws:cloudtrail:ap-northeast-2:000000000000:trail/organization" };
    expect(validate({ provider: "organization", organization: placeholder }, false)).toEqual([]);
    expect(validate({ provider: "organization", organization: placeholder }, true)).toEqual([expect.stringMatching(/^entasis:audit.organization.trailArn ".*" is a placeholder/)]);
    expect(validate({ provider: "organization", organization: { ...ORG, trailArn: "org-trail" } }, false)).toEqual([expect.stringMatching(/^entasis:audit.organization.trailArn "org-trail" is not a CloudTrail trail ARN/)]);
    expect(validate({ provider: "organization", organization: { ...ORG, guardDutyAdministratorAccountId: "4444" } }, false)).toEqual([expect.stringMatching(/guardDutyAdministratorAccountId "4444" is not an AWS account ID/)]);
    expect(validate({ provider: "platform", organization: ORG }, false)).toEqual([expect.stringMatching(/^entasis:audit.organization .* is only read with provider organization \(provider is platform\)/)]);
  });
});

describe("preflight", () => {
  let prod: StackRunResult;
  let config: ValidatedStackConfig;
  beforeAll(async () => {
    prod = await stackRun("prod");
    const c = configOfRun(prod);
    if (!c) throw new Error("prod's config does not validate");
    config = c;
  });
  const audits = (audit: ValidatedStackConfig["audit"]) =>
    evaluatePrerequisites({ ...config, audit }, { stack: "prod", index: new ResourceIndex(prod.resources), secretsSet: prod.secretsSet, fileExists: () => false }).filter((p) => p.id.startsWith("audit:"));

  it("lists the organization's trail and GuardDuty as missing until they are named, with the commands that confirm them", () => {
    const missing = audits({ provider: "organization", retentionDays: 365 });
    expect(missing.map((p) => [p.id, p.missing])).toEqual([
      ["audit:organization-trail", true],
      ["audit:organization-guardduty", true],
    ]);
    expect(missing[0].fix).toContain("aws cloudtrail get-event-selectors --trail-name <organization trail ARN>");
    expect(missing[0].fix).toContain("pulumi config set --path 'entasis:audit.organization.trailArn'");
    expect(missing[1].fix).toContain("aws guardduty get-detector");
    const placeholder = audits({ provider: "organization", retentionDays: 365, organization: { ...ORG, trailArn: "arn:aws:cloudtrail:ap-northeast-2:000000000000:trail/organization" } });
    expect(placeholder.map((p) => [p.id, p.missing])).toEqual([
      ["audit:organization-trail", true],
      ["audit:organization-guardduty", false],
    ]);
    const named = audits({ provider: "organization", retentionDays: 365, organization: ORG });
    expect(named.map((p) => [p.id, p.missing])).toEqual([
      ["audit:organization-trail", false],
      ["audit:organization-guardduty", false],
    ]);
    expect(named[0].fix).toContain(`aws cloudtrail get-trail-status --name ${TRAIL}`);
  });

  it("does not apply when the platform creates them (prod) or nothing is wanted (dev)", () => {
    expect(config.audit.provider).toBe("platform");
    expect(audits(config.audit)).toEqual([]);
    expect(audits({ provider: "none", retentionDays: 365 })).toEqual([]);
  });
});

describe("GuardDuty coverage", () => {
  const addon = [{ name: "EKS_ADDON_MANAGEMENT", status: "ENABLED" }];
  const covered = { status: "ENABLED", features: [{ name: "EKS_AUDIT_LOGS", status: "ENABLED" }, { name: "RUNTIME_MONITORING", status: "ENABLED", additionalConfigurations: addon }] };

  it("accepts EKS audit logs with managed runtime monitoring (either feature name)", () => {
    expect(guardDutyCoverageProblems(covered)).toEqual([]);
    expect(guardDutyCoverageProblems({ ...covered, features: [covered.features[0], { name: "EKS_RUNTIME_MONITORING", status: "ENABLED", additionalConfigurations: addon }] })).toEqual([]);
  });

  it("names every gap: no detector, disabled detector, no EKS audit logs, no runtime monitoring, no managed agent", () => {
    expect(guardDutyCoverageProblems(undefined)).toEqual([expect.stringContaining("no GuardDuty detector")]);
    expect(guardDutyCoverageProblems({ ...covered, status: "DISABLED" })).toEqual(["the account's GuardDuty detector is DISABLED, not ENABLED"]);
    expect(guardDutyCoverageProblems({ ...covered, features: [{ name: "EKS_AUDIT_LOGS", status: "DISABLED" }, covered.features[1]] })).toEqual(["EKS_AUDIT_LOGS (EKS Protection) is not ENABLED"]);
    expect(guardDutyCoverageProblems({ status: "ENABLED", features: [] })).toEqual(["EKS_AUDIT_LOGS (EKS Protection) is not ENABLED", "neither RUNTIME_MONITORING nor EKS_RUNTIME_MONITORING is ENABLED"]);
    expect(guardDutyCoverageProblems({ ...covered, features: [covered.features[0], { name: "RUNTIME_MONITORING", status: "ENABLED", additionalConfigurations: [] }] })).toEqual([expect.stringContaining("EKS_ADDON_MANAGEMENT is not ENABLED")]);
  });

  it("a preview reads the account's detector through the check and creates nothing", async () => {
    const run = await attemptProgram({
      project: "entasis",
      stack: "prod",
      config: {},
      mocks: new CloudMocks({ region: "ap-northeast-2" }),
      program: async () => {
        const audit = new OrganizationAudit("organization-audit", ORG);
        return { detectorId: audit.detectorId };
      },
    });
    expect(run.error).toBeUndefined();
    expect(run.calls.map((c) => c.token)).toEqual(["aws:guardduty/getDetector:getDetector"]);
    expect(run.resources.map((r) => r.type)).toEqual(["pulumi:pulumi:Stack", "entasis:security:OrganizationAudit"]);
    expect(run.outputs).toEqual({ detectorId: "12abc34d567e8fa901bc2d34e56789f0" });
  });

  it("the check fails the preview with every gap and the fix when the detector does not cover the cluster", () => {
    const gap = { id: "d", status: "ENABLED", features: [{ name: "EKS_AUDIT_LOGS", status: "DISABLED" }] };
    expect(() => OrganizationAudit.covered(gap, "444455556666")).toThrow(
      "entasis:audit.provider organization: the account's GuardDuty (delegated administrator 444455556666) does not cover the cluster: EKS_AUDIT_LOGS (EKS Protection) is not ENABLED; neither RUNTIME_MONITORING nor EKS_RUNTIME_MONITORING is ENABLED; fix:",
    );
    expect(OrganizationAudit.covered({ ...covered, id: "d" }, "444455556666")).toBe("d");
  });
});
