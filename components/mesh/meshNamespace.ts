import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { MESH_TRANSPORT_LABEL, MIRRORS_ANNOTATION, MirrorContext, PlainIngressPolicy, mirrorAuthorization, plaintextPorts } from "./mirror";

/** HBONE: ambient's mTLS tunnel between ztunnels arrives at the destination pod on this port. */
export const HBONE_PORT = 15008;
/** The link-local address the Istio CNI SNATs kubelet probes to inside an enrolled pod. */
export const PROBE_SNAT_CIDR = "169.254.7.127/32";

export type MtlsMode = "STRICT" | "PERMISSIVE";

export interface MeshNamespaceArgs {
  readonly provider: k8s.Provider;
  /** The enrolled namespace (an Output of its Namespace, so these objects wait for it). */
  readonly namespace: pulumi.Input<string>;
  readonly namespaceName: string;
  /** Namespace-wide peer authentication. */
  readonly mtlsMode: MtlsMode;
  /** The namespace's ingress NetworkPolicies, each mirrored by an AuthorizationPolicy. */
  readonly ingressPolicies: readonly PlainIngressPolicy[];
  /** Every enrolled namespace (their pods call with mesh identities). */
  readonly meshNamespaces: readonly string[];
  /** Pod address ranges (callers outside the mesh selected by labels). */
  readonly podCidrs: readonly string[];
  /** istio-base: ships the security.istio.io CRDs. */
  readonly crdRelease: pulumi.Resource;
  /**
   * istiod: its pods answer the `istiod-default-validator` webhook that admits every
   * security.istio.io object. base installs it with `failurePolicy: Ignore` only on a first install
   * (on a Helm upgrade of base the field is left out, so the API's default, Fail, applies) and istiod
   * flips it to Fail once it serves (base templates/defaultrevision-validatingwebhookconfiguration.yaml
   * at tag 1.30.3; istiod values `base.validationFailurePolicy`). No default.
   */
  readonly webhookRelease: pulumi.Resource;
}

/**
 * What one enrolled namespace gets: peer authentication (STRICT: ztunnel refuses plaintext from
 * outside the mesh), a port-level PERMISSIVE exception only on ports that callers outside the mesh
 * must reach (the ALB's targets and health checks, Prometheus's scrapes), an AuthorizationPolicy
 * mirroring each ingress NetworkPolicy (same pods, same ports, the callers by identity), and the
 * NetworkPolicy the mesh itself needs: HBONE (15008) between enrolled namespaces and the kubelet's
 * SNAT'ed probes. https://istio.io/latest/docs/ambient/usage/networkpolicy/ ,
 * https://istio.io/latest/docs/reference/config/security/peer_authentication/
 */
export class MeshNamespace extends pulumi.ComponentResource {
  public readonly peerAuthentications: Readonly<Record<string, k8s.apiextensions.CustomResource>>;
  public readonly authorizationPolicies: Readonly<Record<string, k8s.apiextensions.CustomResource>>;
  public readonly transportPolicy: k8s.networking.v1.NetworkPolicy;

  constructor(name: string, args: MeshNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:mesh:MeshNamespace", name, {}, opts);
    const crdOpts = { parent: this, provider: args.provider, dependsOn: [args.crdRelease, args.webhookRelease] };
    const ctx: MirrorContext = { namespace: args.namespaceName, meshNamespaces: args.meshNamespaces, podCidrs: args.podCidrs };
    const peer = (key: string, paName: string, spec: Record<string, unknown>): k8s.apiextensions.CustomResource =>
      new k8s.apiextensions.CustomResource(`${name}-pa-${key}`, { apiVersion: "security.istio.io/v1", kind: "PeerAuthentication", metadata: { name: paName, namespace: args.namespace }, spec }, crdOpts);

    const peerAuthentications: Record<string, k8s.apiextensions.CustomResource> = { default: peer("default", "default", { mtls: { mode: args.mtlsMode } }) };
    if (args.mtlsMode === "STRICT") {
      // One workload-level policy per set of pods (Istio uses only the oldest when two select the
      // same pods), merging the plaintext ports of every NetworkPolicy that selects them.
      const bySelector = new Map<string, { matchLabels: Record<string, string>; ports: Set<number> }>();
      for (const np of args.ingressPolicies) {
        const ports = plaintextPorts(np, ctx);
        if (ports.length === 0) continue;
        const key = JSON.stringify(Object.entries(np.podSelector.matchLabels).sort());
        const entry = bySelector.get(key) ?? { matchLabels: { ...np.podSelector.matchLabels }, ports: new Set<number>() };
        for (const p of ports) entry.ports.add(p);
        bySelector.set(key, entry);
      }
      for (const { matchLabels, ports } of bySelector.values()) {
        if (Object.keys(matchLabels).length === 0) throw new pulumi.RunError(`${args.namespaceName}: a NetworkPolicy for every pod admits callers outside the mesh; STRICT cannot make a port exception without a workload selector`);
        const app = matchLabels.app ?? Object.values(matchLabels).join("-");
        peerAuthentications[app] = peer(app, `${app}-outside-mesh`, {
          selector: { matchLabels },
          mtls: { mode: "STRICT" },
          portLevelMtls: Object.fromEntries([...ports].sort((a, b) => a - b).map((p) => [String(p), { mode: "PERMISSIVE" }])),
        });
      }
    }
    this.peerAuthentications = peerAuthentications;

    this.authorizationPolicies = Object.fromEntries(
      args.ingressPolicies.map((np) => [
        np.name,
        new k8s.apiextensions.CustomResource(
          `${name}-authz-${np.name}`,
          {
            apiVersion: "security.istio.io/v1",
            kind: "AuthorizationPolicy",
            metadata: { name: np.name, namespace: args.namespace, annotations: { [MIRRORS_ANNOTATION]: np.name } },
            spec: mirrorAuthorization(np, ctx),
          },
          crdOpts,
        ),
      ]),
    );

    const enrolled = { namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: [...args.meshNamespaces] }] } };
    this.transportPolicy = new k8s.networking.v1.NetworkPolicy(
      `${name}-hbone`,
      {
        metadata: { name: "mesh-transport", namespace: args.namespace, labels: { [MESH_TRANSPORT_LABEL]: "true" } },
        spec: {
          podSelector: {},
          policyTypes: ["Ingress", "Egress"],
          // Who may call which port is the AuthorizationPolicies' job for mesh traffic, which all
          // arrives on 15008; the kubelet's probes arrive from the link-local SNAT address.
          ingress: [{ from: [enrolled], ports: [{ protocol: "TCP", port: HBONE_PORT }] }, { from: [{ ipBlock: { cidr: PROBE_SNAT_CIDR } }] }],
          egress: [{ to: [enrolled], ports: [{ protocol: "TCP", port: HBONE_PORT }] }],
        },
      },
      { parent: this, provider: args.provider },
    );
    this.registerOutputs({});
  }
}
