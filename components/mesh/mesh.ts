import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CHARTS, ISTIO_IMAGES, chartSource, helmWaitOptions } from "../../lib/helmCharts";
import { podSecurityLabels } from "../../lib/podSecurity";
import { NamespaceFlows } from "../security/namespaceFlows";
import { ANY_IPV4, dnsEgress } from "../../lib/networkPolicy";

export interface MeshArgs {
  readonly provider: k8s.Provider;
  /** Node labels of the system pool (istiod). */
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** The system pool's node group and CoreDNS (`cluster.scheduledOn(pool)`). */
  readonly scheduledAfter: readonly pulumi.Resource[];
  /** istiod replicas (2+ survives a node or zone loss). Default 1. */
  readonly istiodReplicas?: number;
  /** Namespace and pod labels of Prometheus (scrapes istiod and ztunnel). */
  readonly prometheus: { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> };
  /**
   * The node agents' `privileged` namespace (its guard denies by default and admits Prometheus),
   * where the CNI agent and ztunnel run. No default.
   */
  readonly nodeAgents: { readonly namespace: string; readonly namespaceResource: pulumi.Resource };
}

export const ISTIO_NAMESPACE = "istio-system";
/** Label that enrols a namespace in the ambient mesh (ztunnel captures its pods' traffic). */
export const AMBIENT_LABEL = { "istio.io/dataplane-mode": "ambient" } as const;
/** Pod labels of istiod and ztunnel (the charts' own). */
export const ISTIOD_POD_LABELS = { app: "istiod" } as const;
export const ZTUNNEL_POD_LABELS = { app: "ztunnel" } as const;
/** Pod labels of the CNI agent's DaemonSet (the chart's `k8s-app: istio-cni-node`). */
export const ISTIO_CNI_POD_LABELS = { "k8s-app": "istio-cni-node" } as const;
/** istiod's ports: xDS and CA for ztunnel (15012), the webhooks (15017), monitoring (15014). */
export const ISTIOD_PORTS = { xds: 15012, webhook: 15017, monitoring: 15014 } as const;
/** ztunnel's Prometheus endpoint (`/stats/prometheus`). */
export const ZTUNNEL_METRICS_PORT = 15020;

const tcp = (port: number): { protocol: string; port: number } => ({ protocol: "TCP", port });

/**
 * Istio 1.30.3 in ambient mode (no sidecars: ztunnel on every node gives every enrolled pod mTLS
 * with its service account's SPIFFE identity; no waypoint, as no L7 policy is needed yet). The four
 * releases install in the documented order, base, istiod, cni, ztunnel, each after the previous one
 * (https://istio.io/latest/docs/ambient/install/helm/), all after the system pool's nodes.
 *
 * On EKS the CNI node agent chains onto the VPC CNI (`chained: true`: it appends itself to
 * 10-aws.conflist in /etc/cni/net.d, binaries in /opt/cni/bin, both EKS's paths and the chart's
 * defaults); the VPC CNI keeps assigning pod IPs and enforcing NetworkPolicy. Istio's only EKS
 * prerequisite concerns security groups for pods (POD_SECURITY_GROUP_ENFORCING_MODE must be
 * `standard`), which this cluster does not use.
 * https://istio.io/latest/docs/ambient/install/platform-prerequisites/
 *
 * The CNI agent and ztunnel are node agents (hostPath, the host's /proc and network namespaces for the CNI agent, the
 * NET_ADMIN and SYS_ADMIN capabilities to enter pod network namespaces), so they run in the node
 * agents' `privileged` namespace, not in istio-system, which keeps istiod alone and enforces
 * `baseline`. istiod issues workload certificates only to a ztunnel of the namespace it trusts
 * (`trustedZtunnelNamespace`, set here to the agents' namespace); ztunnel finds istiod through its
 * `istioNamespace`. Installing ztunnel outside istio-system is how GKE (kube-system) and OpenShift
 * Service Mesh (its own namespace) run it:
 * https://docs.redhat.com/en/documentation/red_hat_openshift_service_mesh/3.2/html/installing/ossm-istio-ambient-mode
 */
export class Mesh extends pulumi.ComponentResource {
  public readonly namespace: k8s.core.v1.Namespace;
  public readonly base: k8s.helm.v3.Release;
  public readonly istiod: k8s.helm.v3.Release;
  public readonly cni: k8s.helm.v3.Release;
  public readonly ztunnel: k8s.helm.v3.Release;
  public readonly networkPolicies: Readonly<Record<string, k8s.networking.v1.NetworkPolicy>>;
  /** ztunnel's own egress in the node agents' namespace (to istiod's xDS and CA port). */
  public readonly nodeAgentFlows: NamespaceFlows;
  /** What a namespace must wait for before it enrols: the node agents that capture its pods. */
  public readonly enrolAfter: readonly pulumi.Resource[];

  constructor(name: string, args: MeshArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:mesh:Mesh", name, {}, opts);
    const k8sOpts = { parent: this, provider: args.provider };
    const ns = ISTIO_NAMESPACE;
    this.namespace = new k8s.core.v1.Namespace(
      `${name}-ns`,
      // istiod alone: non-root, no capabilities, read-only root filesystem. `baseline`, warning at
      // `restricted` (podSecurityLabels), as its chart's pod template is not checked here offline.
      { metadata: { name: ns, labels: { "kubernetes.io/metadata.name": ns, ...podSecurityLabels("baseline") } } },
      k8sOpts,
    );

    const policy = (key: string, policyName: string, spec: k8s.types.input.networking.v1.NetworkPolicySpec): k8s.networking.v1.NetworkPolicy =>
      new k8s.networking.v1.NetworkPolicy(`${name}-${key}`, { metadata: { name: policyName, namespace: ns }, spec }, { ...k8sOpts, dependsOn: [this.namespace] });
    const prometheus = { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": args.prometheus.namespace } }, podSelector: { matchLabels: { ...args.prometheus.podLabels } } };
    // Only istiod lives here (the node agents moved to their own namespace).
    this.networkPolicies = {
      defaultDeny: policy("default-deny", "default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
      istiod: policy("istiod", "istiod", {
        podSelector: { matchLabels: { ...ISTIOD_POD_LABELS } },
        policyTypes: ["Ingress", "Egress"],
        ingress: [
          // ztunnel on every node (xDS and certificates) and the API server (webhooks): from anywhere in the VPC.
          { ports: [tcp(ISTIOD_PORTS.xds), tcp(ISTIOD_PORTS.webhook)] },
          { from: [prometheus], ports: [tcp(ISTIOD_PORTS.monitoring)] },
        ],
        // The Kubernetes API (the cluster endpoint's ENIs, 443).
        egress: [dnsEgress(), { ports: [tcp(443)] }],
      }),
    };

    // The node agents' namespace allows DNS and Prometheus; ztunnel also needs istiod's xDS and CA
    // port (its own pod's traffic; what it carries for enrolled pods leaves from their network namespaces).
    // The CNI agent is not on the host network in ambient mode (the chart sets hostNetwork only with
    // `ambient.shareHostNetworkNamespace`, default false), so the namespace's default deny applies to
    // it: it watches pods and namespaces through the Kubernetes API (the chart's own optional
    // NetworkPolicy allows it all egress for that reason), and without 443 out it never becomes ready.
    // https://github.com/istio/istio/blob/master/manifests/charts/istio-cni/templates/daemonset.yaml
    // https://github.com/istio/istio/blob/master/manifests/charts/istio-cni/templates/networkpolicy.yaml
    this.nodeAgentFlows = new NamespaceFlows(
      `${name}-node-agent-flows`,
      {
        provider: args.provider,
        namespace: args.nodeAgents.namespace,
        namespaceResource: args.nodeAgents.namespaceResource,
        egress: {
          "ztunnel-istiod": { podLabels: ZTUNNEL_POD_LABELS, peers: [{ namespace: ns, podLabels: ISTIOD_POD_LABELS }], ports: [ISTIOD_PORTS.xds], why: "ztunnel gets its configuration and workload certificates from istiod" },
          "istio-cni-kubernetes-api": { podLabels: ISTIO_CNI_POD_LABELS, peers: [{ cidrs: [ANY_IPV4] }], ports: [443], why: "the Istio CNI agent watches pods and namespaces through the Kubernetes API" },
        },
      },
      { parent: this },
    );

    const release = (
      key: string,
      pin: (typeof CHARTS)[keyof typeof CHARTS],
      releaseName: string,
      values: Record<string, unknown>,
      after: readonly pulumi.Resource[],
      where: { readonly namespace: string; readonly namespaceResource: pulumi.Resource } = { namespace: ns, namespaceResource: this.namespace },
    ): k8s.helm.v3.Release =>
      new k8s.helm.v3.Release(
        `${name}-${key}`,
        { ...chartSource(pin), name: releaseName, namespace: where.namespace, createNamespace: false, cleanupOnFail: true, ...helmWaitOptions(pin), values },
        {
          ...k8sOpts,
          dependsOn: [where.namespaceResource, ...args.scheduledAfter, ...after],
          // A release whose namespace changes is replaced, and its cluster-scoped objects (ClusterRoles,
          // bindings) keep their names, annotated with the old release's namespace: Helm refuses to
          // adopt them while the old release exists, so the old one goes first. (This moved the node
          // agents out of istio-system once; docs/collectors-and-mesh.md says what that costs.)
          deleteBeforeReplace: true,
        },
      );
    const agents = args.nodeAgents;
    const images = { hub: ISTIO_IMAGES.hub, tag: ISTIO_IMAGES.tag };
    const replicas = args.istiodReplicas ?? 1;

    // CRDs as release templates (base.enableCRDTemplates): custom resources wait for this release.
    this.base = release("base", CHARTS.istioBase, "istio-base", { base: { enableCRDTemplates: true } }, []);
    this.istiod = release(
      "istiod",
      CHARTS.istiod,
      "istiod",
      {
        profile: "ambient",
        global: { ...images },
        autoscaleEnabled: false,
        replicaCount: replicas,
        // The chart's PodDisruptionBudget (global.defaultPodDisruptionBudget.enabled, pdb.minAvailable
        // 1 by default) is rendered only with more than one replica (templates/poddisruptionbudget.yaml
        // at tag 1.30.3, a workaround for kubernetes/kubernetes#93476), so dev's single istiod gets
        // none; 0 says the same in values (tools/insights/disruptionBudgets.ts reads values, not
        // templates) and stays safe if the chart drops that condition. With two, one stays.
        // https://docs.aws.amazon.com/eks/latest/userguide/managed-node-update-behavior.html
        pdb: { minAvailable: replicas > 1 ? 1 : 0 },
        // Certificates for ztunnel in the node agents' namespace (istiod trusts its own by default).
        trustedZtunnelNamespace: agents.namespace,
        seccompProfile: { type: "RuntimeDefault" },
        nodeSelector: { ...args.nodeSelector },
        resources: { requests: { cpu: "500m", memory: "2048Mi" } },
        // Replicas in different zones: a zone loss leaves one serving xDS and certificates.
        topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { ...ISTIOD_POD_LABELS } } }],
      },
      [this.base],
    );
    this.cni = release(
      "cni",
      CHARTS.istioCni,
      "istio-cni",
      {
        profile: "ambient",
        global: { ...images },
        // Chained onto the VPC CNI's conflist (EKS keeps it in /etc/cni/net.d, plugins in /opt/cni/bin).
        chained: true,
        cniBinDir: "/opt/cni/bin",
        cniConfDir: "/etc/cni/net.d",
        resources: { requests: { cpu: "100m", memory: "100Mi" } },
      },
      // Its way to the Kubernetes API (nodeAgentFlows) exists before its pods must become ready.
      [this.istiod, this.nodeAgentFlows],
      agents,
    );
    this.ztunnel = release(
      "ztunnel",
      CHARTS.ztunnel,
      "ztunnel",
      // istiod (xDS and CA) stays in istio-system: `istioNamespace` locates it.
      { profile: "ambient", ...images, istioNamespace: ns, resources: { requests: { cpu: "200m", memory: "512Mi" } } },
      [this.cni, this.nodeAgentFlows],
      agents,
    );
    this.enrolAfter = [this.cni, this.ztunnel];
    this.registerOutputs({ namespace: ns });
  }
}
