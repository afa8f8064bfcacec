import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ANYWHERE_BUT_METADATA } from "../../lib/networkPolicy";

export interface AiNetworkPoliciesArgs {
  readonly provider: k8s.Provider;
  /** Namespace of InferenceServices. */
  readonly servingNamespace: string;
  /** Namespace of Argo Workflows (controller, server, workflow pods). */
  readonly pipelinesNamespace: string;
  /** Triton's ports: HTTP and gRPC inference, Prometheus metrics. */
  readonly inferencePorts: { readonly http: number; readonly grpc: number; readonly metrics: number };
  readonly argoServerPort: number;
  /** Namespace and pod labels of Prometheus. */
  readonly prometheus: { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> };
  /** Namespaces the policies wait for. */
  readonly dependsOn: readonly pulumi.Resource[];
}

const tcp = (port: number): { protocol: string; port: number } => ({ protocol: "TCP", port });
const DNS = {
  to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
  ports: [{ protocol: "UDP", port: 53 }, tcp(53)],
};
// S3 (gateway endpoint: public S3 addresses), STS for IRSA, the EKS API endpoint, image registries:
// all HTTPS. Pod egress cannot name AWS services, so 443 anywhere is the narrowest stable rule.
const HTTPS_OUT = { to: [{ ipBlock: ANYWHERE_BUT_METADATA }], ports: [tcp(443)] };
const ANY_NAMESPACE = { namespaceSelector: {} };

/**
 * Default deny (ingress and egress) in the serving and pipeline namespaces, then only what they
 * need: DNS and HTTPS out for both (models and artifacts in S3, STS, the API server); inference
 * from inside the cluster and metrics from Prometheus; the Argo server from inside the cluster
 * (port-forward enters the pod's own network namespace and is not filtered). The VPC CNI enforces them.
 */
export class AiNetworkPolicies extends pulumi.ComponentResource {
  public readonly policies: Readonly<Record<string, k8s.networking.v1.NetworkPolicy>>;

  constructor(name: string, args: AiNetworkPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:ai:AiNetworkPolicies", name, {}, opts);
    const k8sOpts = { parent: this, provider: args.provider, dependsOn: [...args.dependsOn] };
    const policy = (key: string, namespace: string, policyName: string, spec: k8s.types.input.networking.v1.NetworkPolicySpec): k8s.networking.v1.NetworkPolicy =>
      new k8s.networking.v1.NetworkPolicy(`${name}-${key}`, { metadata: { name: policyName, namespace }, spec }, k8sOpts);
    const prometheus = { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": args.prometheus.namespace } }, podSelector: { matchLabels: { ...args.prometheus.podLabels } } };
    const serving = args.servingNamespace;
    const pipelines = args.pipelinesNamespace;
    const p = args.inferencePorts;

    this.policies = {
      servingDefaultDeny: policy("serving-default-deny", serving, "default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
      servingEgress: policy("serving-egress", serving, "allow-dns-and-https-egress", { podSelector: {}, policyTypes: ["Egress"], egress: [DNS, HTTPS_OUT] }),
      inference: policy("serving-inference", serving, "allow-inference-in-cluster", {
        podSelector: { matchExpressions: [{ key: "serving.kserve.io/inferenceservice", operator: "Exists" }] },
        policyTypes: ["Ingress"],
        ingress: [
          { from: [ANY_NAMESPACE], ports: [tcp(p.http), tcp(p.grpc)] },
          { from: [prometheus], ports: [tcp(p.metrics)] },
        ],
      }),
      pipelinesDefaultDeny: policy("pipelines-default-deny", pipelines, "default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
      pipelinesEgress: policy("pipelines-egress", pipelines, "allow-dns-and-https-egress", { podSelector: {}, policyTypes: ["Egress"], egress: [DNS, HTTPS_OUT] }),
      argoServer: policy("pipelines-server", pipelines, "allow-argo-server-in-cluster", {
        podSelector: { matchLabels: { "app.kubernetes.io/component": "server", "app.kubernetes.io/part-of": "argo-workflows" } },
        policyTypes: ["Ingress"],
        ingress: [{ from: [ANY_NAMESPACE], ports: [tcp(args.argoServerPort)] }],
      }),
    };
    this.registerOutputs({});
  }
}
