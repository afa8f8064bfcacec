import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CHARTS, ISTIO_IMAGES, chartSource, helmWaitOptions } from "../../lib/helmCharts";

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
}

export const ISTIO_NAMESPACE = "istio-system";
/** Label that enrols a namespace in the ambient mesh (ztunnel captures its pods' traffic). */
export const AMBIENT_LABEL = { "istio.io/dataplane-mode": "ambient" } as const;
/** Pod labels of istiod and ztunnel (the charts' own). */
export const ISTIOD_POD_LABELS = { app: "istiod" } as const;
export const ZTUNNEL_POD_LABELS = { app: "ztunnel" } as const;
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
 * istio-system runs privileged pods (the CNI agent and ztunnel configure pod network namespaces),
 * so it is the one namespace labelled `privileged`; it still denies all traffic but istiod's.
 */
export class Mesh extends pulumi.ComponentResource {
  public readonly namespace: k8s.core.v1.Namespace;
  public readonly base: k8s.helm.v3.Release;
  public readonly istiod: k8s.helm.v3.Release;
  public readonly cni: k8s.helm.v3.Release;
  public readonly ztunnel: k8s.helm.v3.Release;
  public readonly networkPolicies: Readonly<Record<string, k8s.networking.v1.NetworkPolicy>>;
  /** What a namespace must wait for before it enrols: the node agents that capture its pods. */
  public readonly enrolAfter: readonly pulumi.Resource[];

  constructor(name: string, args: MeshArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:mesh:Mesh", name, {}, opts);
    const k8sOpts = { parent: this, provider: args.provider };
    const ns = ISTIO_NAMESPACE;
    this.namespace = new k8s.core.v1.Namespace(
      `${name}-ns`,
      { metadata: { name: ns, labels: { "kubernetes.io/metadata.name": ns, "pod-security.kubernetes.io/enforce": "privileged" } } },
      k8sOpts,
    );

    const policy = (key: string, policyName: string, spec: k8s.types.input.networking.v1.NetworkPolicySpec): k8s.networking.v1.NetworkPolicy =>
      new k8s.networking.v1.NetworkPolicy(`${name}-${key}`, { metadata: { name: policyName, namespace: ns }, spec }, { ...k8sOpts, dependsOn: [this.namespace] });
    const prometheus = { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": args.prometheus.namespace } }, podSelector: { matchLabels: { ...args.prometheus.podLabels } } };
    const dns = { to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }], ports: [{ protocol: "UDP", port: 53 }, tcp(53)] };
    // The CNI node agent runs on the host network, where NetworkPolicy does not apply.
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
        egress: [dns, { ports: [tcp(443)] }],
      }),
      ztunnel: policy("ztunnel", "ztunnel", {
        podSelector: { matchLabels: { ...ZTUNNEL_POD_LABELS } },
        policyTypes: ["Ingress", "Egress"],
        ingress: [{ from: [prometheus], ports: [tcp(ZTUNNEL_METRICS_PORT)] }],
        egress: [dns, { to: [{ podSelector: { matchLabels: { ...ISTIOD_POD_LABELS } } }], ports: [tcp(ISTIOD_PORTS.xds)] }],
      }),
    };

    const release = (key: string, pin: (typeof CHARTS)[keyof typeof CHARTS], releaseName: string, values: Record<string, unknown>, after: readonly pulumi.Resource[]): k8s.helm.v3.Release =>
      new k8s.helm.v3.Release(
        `${name}-${key}`,
        { ...chartSource(pin), name: releaseName, namespace: ns, createNamespace: false, cleanupOnFail: true, ...helmWaitOptions(pin), values },
        { ...k8sOpts, dependsOn: [this.namespace, ...args.scheduledAfter, ...after] },
      );
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
        // The chart renders a PodDisruptionBudget (global.defaultPodDisruptionBudget.enabled) with
        // minAvailable 1: with one replica (dev) no node drain could evict istiod, and a managed
        // node group update would fail. One replica may always go; with two, one stays.
        // https://docs.aws.amazon.com/eks/latest/userguide/managed-node-update-behavior.html
        pdb: { minAvailable: replicas > 1 ? 1 : 0 },
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
      [this.istiod],
    );
    this.ztunnel = release(
      "ztunnel",
      CHARTS.ztunnel,
      "ztunnel",
      { profile: "ambient", ...images, resources: { requests: { cpu: "200m", memory: "512Mi" } } },
      [this.cni],
    );
    this.enrolAfter = [this.cni, this.ztunnel];
    this.registerOutputs({ namespace: ns });
  }
}
