import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { validateResourceOfType } from "@pulumi/policy";
import { Rule, resourceRule, stackRule } from "./common";
import { C } from "./controls";

/**
 * Detection and credentials (issue 27): GuardDuty watches the cluster, and no Kubernetes Secret of
 * the platform holds a master or admin password (Jobs that need one read it from Secrets Manager
 * through their own IRSA role at run time; Velero copies every Secret to S3 and the DR region).
 */

/** GuardDuty features that watch EKS: its audit logs, and the runtime agent the EKS add-on installs. */
// https://docs.aws.amazon.com/guardduty/latest/ug/kubernetes-protection.html
// https://docs.aws.amazon.com/guardduty/latest/ug/runtime-monitoring.html
const EKS_FEATURES = ["EKS_AUDIT_LOGS", "RUNTIME_MONITORING"] as const;

/** A data or stringData key that names an administrative credential (master/admin/root/superuser password). */
export const ADMIN_CREDENTIAL_KEY = /(master|admin|root|superuser)[-_.]?(user[-_.]?)?(pass(word)?|pwd|secret)/i;
/** A Secret named for an administrative identity (`postgres-master`, `mq-admin`, `db-bootstrap`...), with a password key. */
const ADMIN_SECRET_NAME = /(master|admin|root|superuser|bootstrap|provisioner)/i;
const PASSWORD_KEY = /(pass(word)?|pwd)/i;

/**
 * Secrets that hold an application's own login, which its chart can only read from a Secret, by
 * name, with the reason. Not a data store's master or admin credential.
 */
export const ADMIN_SECRET_EXCEPTIONS: ReadonlyMap<string, string> = new Map([
  ["grafana-admin", "Grafana's own local admin login (kube-prometheus-stack's grafana.admin.existingSecret); it opens Grafana, no data store"],
]);

export const detectionRules: readonly Rule[] = [
  stackRule({
    name: "guardduty-eks-protection",
    control: C.GUARDDUTY_5,
    severity: "high",
    description:
      "Every GuardDuty detector is enabled with EKS audit-log monitoring and Runtime Monitoring (with the EKS add-on managed) turned on, so a compromised pod or stolen credential is detected. https://docs.aws.amazon.com/guardduty/latest/ug/kubernetes-protection.html",
    validateStack: (args, report) => {
      for (const detector of args.resources.filter((r) => r.isType(aws.guardduty.Detector))) {
        if (detector.props["enable"] === false) report(`detector ${detector.name} is disabled.`, detector.urn);
        const features = args.resources.filter((r) => r.isType(aws.guardduty.DetectorFeature) && (r.propertyDependencies["detectorId"] ?? []).some((d) => d.urn === detector.urn));
        for (const name of EKS_FEATURES) {
          const feature = features.find((f) => f.props["name"] === name);
          if (!feature || feature.props["status"] !== "ENABLED") report(`detector ${detector.name} has no ${name} feature ENABLED (aws.guardduty.DetectorFeature).`, detector.urn);
          else if (name === "RUNTIME_MONITORING") {
            const extra = feature.props["additionalConfigurations"];
            const addon = Array.isArray(extra) ? extra.find((c: unknown) => typeof c === "object" && c !== null && Reflect.get(c, "name") === "EKS_ADDON_MANAGEMENT") : undefined;
            if (!addon || Reflect.get(addon, "status") !== "ENABLED") report(`detector ${detector.name}'s RUNTIME_MONITORING does not manage the EKS agent add-on (additionalConfigurations EKS_ADDON_MANAGEMENT ENABLED): no agent, no runtime findings on the nodes.`, detector.urn);
          }
        }
      }
    },
  }),
  resourceRule({
    name: "k8s-secret-no-admin-credential",
    control: C.SECRETS_NO_ADMIN_IN_K8S,
    severity: "high",
    description:
      "No Kubernetes Secret holds a master, admin, root or superuser password: Jobs that need one read it from Secrets Manager through their own IRSA role at run time, and Velero copies every Secret to S3 and the DR region.",
    validateResource: validateResourceOfType(k8s.core.v1.Secret, (secret, _args, report) => {
      const name = String(secret.metadata?.name ?? "");
      if (ADMIN_SECRET_EXCEPTIONS.has(name)) return;
      const keys = [...Object.keys(secret.data ?? {}), ...Object.keys(secret.stringData ?? {})];
      const held = keys.filter((k) => ADMIN_CREDENTIAL_KEY.test(k) || (ADMIN_SECRET_NAME.test(name) && PASSWORD_KEY.test(k)));
      for (const key of held) report(`Secret ${name} holds ${key}: read administrative credentials from Secrets Manager at run time instead.`);
    }),
  }),
];
