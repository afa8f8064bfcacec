import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CHARTS, pinnedRelease } from "../../lib/helmCharts";
import { podSecurityLabels } from "../../lib/podSecurity";
import { NamespaceGuard } from "../security/namespaceGuard";

export interface CertManagerArgs {
  readonly provider: k8s.Provider;
  /** Node labels of the pool it runs on (the system pool). */
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** What its pods need first: the pool's node group and CoreDNS (`cluster.scheduledOn(pool)`). */
  readonly scheduledAfter: readonly pulumi.Resource[];
  /** Replicas of the controller, webhook and cainjector; 2+ adds PodDisruptionBudgets. Default 1. */
  readonly replicas?: number;
  /** Where the API server calls webhooks from: the private subnets holding the EKS control plane's ENIs. No default. */
  readonly webhookSourceCidrs: readonly string[];
}

/** Namespace of the release; cert-manager's leader election and ClusterIssuer secrets live there. */
export const CERT_MANAGER_NAMESPACE = "cert-manager";
/** Self-signed ClusterIssuer for in-cluster webhook certificates (Flink, KServe, Barman Cloud plugin). */
export const SELF_SIGNED_ISSUER = "selfsigned";

/** Requests and limits every cert-manager container gets (policy k8s-resource-requests-limits). */
const RESOURCES = { requests: { cpu: "20m", memory: "64Mi" }, limits: { memory: "256Mi" } };

/**
 * cert-manager, which issues the serving certificates of the webhooks that later operators install
 * (Flink, KServe, the CloudNativePG Barman Cloud plugin). The chart installs its CRDs as ordinary
 * templates (`crds.enabled`, kept on uninstall by `crds.keep`), so custom resources wait for this
 * release. Its post-install `startupapicheck` Job only succeeds once the webhook answers, and the
 * release waits for it (`waitForJobs`), so a consumer that depends on the release never meets a
 * webhook that is not serving yet. https://cert-manager.io/docs/installation/helm/
 */
export class CertManager extends pulumi.ComponentResource {
  public readonly release: k8s.helm.v3.Release;
  /** The namespace, created here (not by Helm) so it carries a Pod Security level and NetworkPolicies. */
  public readonly namespace: k8s.core.v1.Namespace;
  /** Cluster-wide self-signed issuer, created once the CRDs and webhook exist. */
  public readonly selfSignedIssuer: k8s.apiextensions.CustomResource;

  constructor(name: string, args: CertManagerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:certmanager:CertManager", name, {}, opts);
    const chart = CHARTS.certManager;
    const replicas = args.replicas ?? 1;
    const placement = { nodeSelector: { ...args.nodeSelector }, resources: RESOURCES };
    const ha = { replicaCount: replicas, podDisruptionBudget: { enabled: replicas > 1 } };

    // Every cert-manager container runs as non-root with RuntimeDefault seccomp and no capabilities
    // (chart defaults), so the namespace enforces `restricted`.
    this.namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      { metadata: { name: CERT_MANAGER_NAMESPACE, labels: podSecurityLabels("restricted") } },
      { parent: this, provider: args.provider },
    );
    // The controller and cainjector only talk to the API server (HTTPS); the webhook admits the API server.
    new NamespaceGuard(
      `${name}-guard`,
      {
        provider: args.provider,
        namespace: CERT_MANAGER_NAMESPACE,
        namespaceResource: this.namespace,
        ingress: {
          webhook: {
            podLabels: { "app.kubernetes.io/component": "webhook" },
            peers: [{ cidrs: args.webhookSourceCidrs }],
            ports: [10250],
            why: "the API server calls the admission webhook (webhook.securePort)",
          },
        },
      },
      { parent: this },
    );

    this.release = new k8s.helm.v3.Release(
      `${name}-release`,
      {
        // Waits for three Deployments and the startupapicheck Job (it retries until the webhook answers).
        ...pinnedRelease(chart, "cert-manager", CERT_MANAGER_NAMESPACE),
        createNamespace: false,
        values: {
          crds: { enabled: true, keep: true },
          // No Certificates or Issuers for namespace `edit`/`admin` users: the ClusterIssuers sign
          // for every namespace (the logging CA among them), so only cluster administrators and the
          // platform may request from them. https://cert-manager.io/docs/installation/helm/ (global.rbac)
          global: { rbac: { aggregateClusterRoles: false } },
          ...placement,
          ...ha,
          webhook: { ...placement, ...ha },
          cainjector: { ...placement, ...ha },
          startupapicheck: placement,
        },
      },
      { parent: this, provider: args.provider, dependsOn: [this.namespace, ...args.scheduledAfter] },
    );

    this.selfSignedIssuer = new k8s.apiextensions.CustomResource(
      `${name}-selfsigned`,
      { apiVersion: "cert-manager.io/v1", kind: "ClusterIssuer", metadata: { name: SELF_SIGNED_ISSUER }, spec: { selfSigned: {} } },
      { parent: this, provider: args.provider, dependsOn: [this.release] },
    );
    this.registerOutputs({});
  }
}
