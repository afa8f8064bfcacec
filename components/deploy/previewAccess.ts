import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Tags, named } from "../tags";

export interface PreviewAccessArgs {
  readonly clusterName: pulumi.Input<string>;
  /** IAM role of the preview runner (bootstrap stack output `previewRoleArn`). */
  readonly previewRoleArn: string;
  readonly provider: k8s.Provider;
  readonly tags: Tags;
}

/** Kubernetes group the preview role is mapped to; access entries may not use system:/eks:/aws: prefixes. */
export const PREVIEW_GROUP = "entasis-preview";

/** Core resources the preview may read and dry-run: all but Secrets, which it may only dry-run write. */
export const PREVIEW_CORE_RESOURCES = [
  "configmaps", "endpoints", "events", "limitranges", "namespaces", "nodes", "persistentvolumeclaims", "persistentvolumes",
  "pods", "podtemplates", "replicationcontrollers", "resourcequotas", "serviceaccounts", "services",
] as const;

/**
 * Non-core API groups whose objects the platform manages (RBAC cannot say "all but Secrets", so the
 * groups are listed; tests/deploy-path.test.ts proves every group the program uses is here).
 * The preview reads all of them and may dry-run writes in all but PREVIEW_READ_ONLY_API_GROUPS.
 */
export const PREVIEW_API_GROUPS = [
  "apps", "batch", "policy", "autoscaling", "rbac.authorization.k8s.io", "networking.k8s.io", "storage.k8s.io", "scheduling.k8s.io",
  "coordination.k8s.io", "discovery.k8s.io", "admissionregistration.k8s.io", "apiextensions.k8s.io",
  "monitoring.coreos.com", "elbv2.k8s.aws", "autoscaling.k8s.io", "cert-manager.io", "elasticsearch.k8s.elastic.co", "kibana.k8s.elastic.co", "velero.io",
  "postgresql.cnpg.io", "barmancloud.cnpg.io", "sparkoperator.k8s.io", "flink.apache.org", "serving.kserve.io", "argoproj.io", "security.istio.io",
] as const;

/**
 * Groups the preview may only read: its guard cannot cover them. The API server never evaluates
 * admission policies on ValidatingAdmissionPolicy/Binding objects themselves (nor webhooks on webhook
 * configurations), so a write there could switch the guard off; RBAC writes would need bind/escalate
 * to dry-run anything that grants more than the preview holds, and those verbs are never granted.
 * https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/
 * https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#admission-webhooks-and-admission-configuration-objects
 * https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping
 */
export const PREVIEW_READ_ONLY_API_GROUPS = ["admissionregistration.k8s.io", "rbac.authorization.k8s.io"] as const;

const READ = ["get", "list", "watch"];
/** The write verbs a server-side dry-run is authorised as; never delete (deletes are previewed from state). */
const DRY_RUN = ["create", "update", "patch"];

/**
 * What `pulumi preview` needs to diff the cluster: pulumi-kubernetes previews with server-side
 * dry-run (`PATCH ?dryRun=All`), which the API server authorises exactly like the write itself, so
 * read-only RBAC is not enough. The preview role therefore gets write verbs through its access
 * entry's group, and a ValidatingAdmissionPolicy (built into the API server: no webhook, nothing to
 * race) denies every request of that group that is not a dry-run. The write verbs reach only what
 * that policy covers: never admission objects (the policy and its binding are exempt from it), RBAC
 * or bind/escalate/impersonate. Secrets are never read.
 * https://kubernetes.io/docs/reference/using-api/api-concepts/#dry-run-authorization
 * https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/
 * https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html
 */
export class PreviewAccess extends pulumi.ComponentResource {
  public readonly accessEntry: aws.eks.AccessEntry;
  public readonly policy: k8s.admissionregistration.v1.ValidatingAdmissionPolicy;

  constructor(name: string, args: PreviewAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:deploy:PreviewAccess", name, {}, opts);
    const k8sOpts = { parent: this, provider: args.provider };

    this.accessEntry = new aws.eks.AccessEntry(
      `${name}-entry`,
      { clusterName: args.clusterName, principalArn: args.previewRoleArn, type: "STANDARD", kubernetesGroups: [PREVIEW_GROUP], tags: named(args.tags, `${PREVIEW_GROUP}`) },
      { parent: this },
    );

    // get/list/watch (the provider reads live state) and the write verbs a dry-run is authorised
    // as, on what the guard below covers: Secrets only the latter, so their data is never listed;
    // admission and RBAC objects only read, and no bind, escalate or impersonate. Where a dry-run is
    // forbidden (an RBAC or admission object), pulumi-kubernetes falls back to a client-side diff.
    // https://github.com/pulumi/pulumi-kubernetes/pull/2419
    const dryRunGroups = PREVIEW_API_GROUPS.filter((g) => !(PREVIEW_READ_ONLY_API_GROUPS as readonly string[]).includes(g));
    const role = new k8s.rbac.v1.ClusterRole(
      `${name}-role`,
      {
        metadata: { name: PREVIEW_GROUP },
        rules: [
          { apiGroups: [""], resources: [...PREVIEW_CORE_RESOURCES], verbs: [...READ, ...DRY_RUN] },
          { apiGroups: [""], resources: ["secrets"], verbs: DRY_RUN },
          { apiGroups: dryRunGroups, resources: ["*"], verbs: [...READ, ...DRY_RUN] },
          { apiGroups: [...PREVIEW_READ_ONLY_API_GROUPS], resources: ["*"], verbs: READ },
        ],
      },
      k8sOpts,
    );
    new k8s.rbac.v1.ClusterRoleBinding(
      `${name}-binding`,
      { metadata: { name: PREVIEW_GROUP }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: PREVIEW_GROUP }, subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: PREVIEW_GROUP }] },
      { ...k8sOpts, dependsOn: [role] },
    );

    this.policy = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(
      `${name}-dry-run-only`,
      {
        metadata: { name: `${PREVIEW_GROUP}-dry-run-only` },
        spec: {
          failurePolicy: "Fail",
          // Every resource and subresource ("*" alone would leave out subresources such as
          // deployments/scale, which RBAC's "*" grants). Reviews (SelfSubjectAccessReview,
          // TokenReview) are questions, not writes: never stop them.
          // https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/#matching-requests-matchconstraints
          matchConstraints: {
            resourceRules: [{ apiGroups: ["*"], apiVersions: ["*"], operations: ["*"], resources: ["*/*"], scope: "*" }],
            excludeResourceRules: [{ apiGroups: ["authorization.k8s.io", "authentication.k8s.io"], apiVersions: ["*"], operations: ["*"], resources: ["*/*"], scope: "*" }],
          },
          matchConditions: [{ name: "preview-identity", expression: `request.userInfo.groups.exists(g, g == '${PREVIEW_GROUP}')` }],
          validations: [{ expression: "request.dryRun == true", message: `${PREVIEW_GROUP} may only dry-run (pulumi preview); writes come from the deploy runner`, reason: "Forbidden" }],
        },
      },
      k8sOpts,
    );
    new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(
      `${name}-dry-run-only`,
      { metadata: { name: `${PREVIEW_GROUP}-dry-run-only` }, spec: { policyName: `${PREVIEW_GROUP}-dry-run-only`, validationActions: ["Deny"] } },
      { ...k8sOpts, dependsOn: [this.policy] },
    );
    this.registerOutputs({});
  }
}
