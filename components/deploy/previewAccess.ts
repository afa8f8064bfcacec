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
 */
export const PREVIEW_API_GROUPS = [
  "apps", "batch", "policy", "autoscaling", "rbac.authorization.k8s.io", "networking.k8s.io", "storage.k8s.io", "scheduling.k8s.io",
  "coordination.k8s.io", "discovery.k8s.io", "admissionregistration.k8s.io", "apiextensions.k8s.io",
  "monitoring.coreos.com", "elbv2.k8s.aws", "autoscaling.k8s.io", "cert-manager.io", "elasticsearch.k8s.elastic.co", "kibana.k8s.elastic.co", "velero.io",
  "postgresql.cnpg.io", "barmancloud.cnpg.io", "sparkoperator.k8s.io", "flink.apache.org", "serving.kserve.io", "argoproj.io", "security.istio.io",
] as const;

const READ_AND_DRY_RUN = ["get", "list", "watch", "create", "update", "patch"];

/**
 * What `pulumi preview` needs to diff the cluster: pulumi-kubernetes previews with server-side
 * dry-run (`PATCH ?dryRun=All`), which the API server authorises exactly like the write itself, so
 * read-only RBAC is not enough. The preview role therefore gets write verbs through its access
 * entry's group, and a ValidatingAdmissionPolicy (built into the API server: no webhook, nothing to
 * race) denies every request of that group that is not a dry-run. Secrets are never read.
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
    // as; Secrets only the latter, so their data is never listed. bind/escalate let a dry-run of
    // an RBAC object that grants more than this role pass authorisation (the policy still denies
    // the real write). Deletes are previewed from state, never sent.
    // https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping
    const role = new k8s.rbac.v1.ClusterRole(
      `${name}-role`,
      {
        metadata: { name: PREVIEW_GROUP },
        rules: [
          { apiGroups: [""], resources: [...PREVIEW_CORE_RESOURCES], verbs: READ_AND_DRY_RUN },
          { apiGroups: [""], resources: ["secrets"], verbs: ["create", "update", "patch"] },
          { apiGroups: [...PREVIEW_API_GROUPS], resources: ["*"], verbs: READ_AND_DRY_RUN },
          { apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles", "roles"], verbs: ["bind", "escalate"] },
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
          // Reviews (SelfSubjectAccessReview, TokenReview) are questions, not writes: never stop them.
          matchConstraints: {
            resourceRules: [{ apiGroups: ["*"], apiVersions: ["*"], operations: ["*"], resources: ["*"], scope: "*" }],
            excludeResourceRules: [{ apiGroups: ["authorization.k8s.io", "authentication.k8s.io"], apiVersions: ["*"], operations: ["*"], resources: ["*"], scope: "*" }],
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
