/**
 * With `entasis:audit.provider: organization` the stack creates no GuardDuty detector: the
 * organization's delegated administrator enables it in every member account. A preview reads the
 * account's detector (aws.guardduty.getDetector) and refuses to go on unless it gives the cluster
 * the protection the platform would have enabled itself (components/security/auditTrail.ts).
 * Either RUNTIME_MONITORING or the older EKS_RUNTIME_MONITORING covers EKS (never both), with the
 * managed agent (EKS_ADDON_MANAGEMENT): nothing here installs the agent.
 * https://docs.aws.amazon.com/guardduty/latest/APIReference/API_DetectorFeatureConfigurationResult.html
 * https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_organizations.html
 */

export interface DetectorFeatureState {
  readonly name: string;
  readonly status: string;
  readonly additionalConfigurations?: readonly { readonly name: string; readonly status: string }[];
}

export interface DetectorState {
  readonly status: string;
  readonly features: readonly DetectorFeatureState[];
}

const RUNTIME_FEATURES = ["RUNTIME_MONITORING", "EKS_RUNTIME_MONITORING"];

/** What the account's GuardDuty detector lacks for the cluster; empty when it is covered. */
export function guardDutyCoverageProblems(detector: DetectorState | undefined): string[] {
  if (detector === undefined) return ["the account has no GuardDuty detector in this region; the organization's delegated administrator must enable GuardDuty for this account (auto-enable)"];
  const problems: string[] = [];
  if (detector.status !== "ENABLED") problems.push(`the account's GuardDuty detector is ${detector.status}, not ENABLED`);
  const enabled = (f: DetectorFeatureState | undefined): boolean => f?.status === "ENABLED";
  if (!enabled(detector.features.find((f) => f.name === "EKS_AUDIT_LOGS"))) problems.push("EKS_AUDIT_LOGS (EKS Protection) is not ENABLED");
  const runtime = detector.features.find((f) => RUNTIME_FEATURES.includes(f.name) && enabled(f));
  if (!runtime) problems.push("neither RUNTIME_MONITORING nor EKS_RUNTIME_MONITORING is ENABLED");
  else if (!enabled(runtime.additionalConfigurations?.find((c) => c.name === "EKS_ADDON_MANAGEMENT"))) problems.push(`${runtime.name} does not manage the EKS agent (EKS_ADDON_MANAGEMENT is not ENABLED), and the platform installs none`);
  return problems;
}
