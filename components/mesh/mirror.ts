/**
 * Plain (already resolved) NetworkPolicy ingress rules, and the Istio AuthorizationPolicy that says
 * the same thing with identities. Components that own an enrolled namespace describe their ingress
 * policies this way once, create the NetworkPolicies from it, and hand it to the mesh, which
 * creates the mirrored AuthorizationPolicies and the port-level mTLS exceptions from the same data.
 */
export interface PlainPeer {
  readonly ipBlock?: { readonly cidr: string; readonly except?: readonly string[] };
  readonly namespaceSelector?: { readonly matchLabels: Readonly<Record<string, string>> };
  readonly podSelector?: { readonly matchLabels: Readonly<Record<string, string>> };
}

export interface PlainIngressRule {
  readonly from: readonly PlainPeer[];
  readonly ports: readonly { readonly protocol: string; readonly port: number }[];
}

/** An ingress NetworkPolicy of one namespace, as plain data. */
export interface PlainIngressPolicy {
  /** `metadata.name` of the NetworkPolicy (and of its mirrored AuthorizationPolicy). */
  readonly name: string;
  readonly podSelector: { readonly matchLabels: Readonly<Record<string, string>> };
  readonly ingress: readonly PlainIngressRule[];
}

/** `security.istio.io/v1` AuthorizationPolicy `.spec` (the subset this platform writes). */
export interface AuthorizationSpec {
  readonly selector?: { readonly matchLabels: Record<string, string> };
  readonly action?: "ALLOW";
  readonly rules?: { readonly from: { readonly source: Record<string, string[]> }[]; readonly to: { readonly operation: { readonly ports: string[] } }[] }[];
}

/** Annotation on an AuthorizationPolicy naming the NetworkPolicy it mirrors. */
export const MIRRORS_ANNOTATION = "entasis.io/mirrors-network-policy";
/** Label of the mesh's own NetworkPolicies (HBONE 15008, probes): transport, not who-may-call-whom. */
export const MESH_TRANSPORT_LABEL = "entasis.io/mesh-transport";

export interface MirrorContext {
  /** The namespace the policy lives in. */
  readonly namespace: string;
  /** Enrolled namespaces: their pods call with a mesh identity (mTLS through ztunnel). */
  readonly meshNamespaces: readonly string[];
  /**
   * Where pods outside the mesh get their addresses (the VPC CNI gives pods IPs of the private
   * subnets): the source of a plaintext caller selected by labels in a namespace outside the mesh.
   */
  readonly podCidrs: readonly string[];
}

const NAME_KEY = "kubernetes.io/metadata.name";

/** Whether a peer calls with a mesh identity (a pod of an enrolled namespace) or in plaintext from outside the mesh. */
export function peerInMesh(peer: PlainPeer, ctx: MirrorContext): boolean {
  if (peer.ipBlock) return false;
  const ns = peer.namespaceSelector?.matchLabels[NAME_KEY];
  if (peer.namespaceSelector === undefined) return true; // same namespace, which is enrolled
  return ns !== undefined && ctx.meshNamespaces.includes(ns);
}

/** The source clause of one NetworkPolicy peer. */
function sourceOf(peer: PlainPeer, ctx: MirrorContext): Record<string, string[]> {
  if (peer.ipBlock) return { ipBlocks: [peer.ipBlock.cidr], ...(peer.ipBlock.except && peer.ipBlock.except.length > 0 ? { notIpBlocks: [...peer.ipBlock.except] } : {}) };
  if (peerInMesh(peer, ctx)) return { namespaces: [peer.namespaceSelector?.matchLabels[NAME_KEY] ?? ctx.namespace] };
  // A pod outside the mesh has no identity; only its address range can be named (the NetworkPolicy
  // still narrows it to the selected pods).
  return { ipBlocks: [...ctx.podCidrs] };
}

/**
 * The AuthorizationPolicy (ALLOW) that admits what a NetworkPolicy admits: same pods, same ports,
 * the same callers (namespaces for mesh callers, address blocks for callers outside the mesh).
 * A policy with no ingress rule (default deny) mirrors to `spec: {}`, Istio's allow-nothing.
 * https://istio.io/latest/docs/reference/config/security/authorization-policy/
 */
export function mirrorAuthorization(np: PlainIngressPolicy, ctx: MirrorContext): AuthorizationSpec {
  if (np.ingress.length === 0) return {};
  const matchLabels = { ...np.podSelector.matchLabels };
  return {
    ...(Object.keys(matchLabels).length > 0 ? { selector: { matchLabels } } : {}),
    action: "ALLOW",
    rules: np.ingress.map((rule) => ({
      from: rule.from.map((peer) => ({ source: sourceOf(peer, ctx) })),
      to: [{ operation: { ports: rule.ports.map((p) => String(p.port)) } }],
    })),
  };
}

/** Ports of a policy's pods that callers outside the mesh reach (plaintext): they need a port-level PERMISSIVE exception under STRICT. */
export function plaintextPorts(np: PlainIngressPolicy, ctx: MirrorContext): number[] {
  return [...new Set(np.ingress.filter((r) => r.from.some((peer) => !peerInMesh(peer, ctx))).flatMap((r) => r.ports.map((p) => p.port)))].sort((a, b) => a - b);
}

/** The `.spec.ingress` of the NetworkPolicy a plain policy describes. */
export function networkPolicyIngress(np: PlainIngressPolicy): {
  from: { ipBlock?: { cidr: string; except?: string[] }; namespaceSelector?: { matchLabels: Record<string, string> }; podSelector?: { matchLabels: Record<string, string> } }[];
  ports: { protocol: string; port: number }[];
}[] {
  return np.ingress.map((rule) => ({
    from: rule.from.map((peer) => ({
      ...(peer.ipBlock ? { ipBlock: { cidr: peer.ipBlock.cidr, ...(peer.ipBlock.except ? { except: [...peer.ipBlock.except] } : {}) } } : {}),
      ...(peer.namespaceSelector ? { namespaceSelector: { matchLabels: { ...peer.namespaceSelector.matchLabels } } } : {}),
      ...(peer.podSelector ? { podSelector: { matchLabels: { ...peer.podSelector.matchLabels } } } : {}),
    })),
    ports: rule.ports.map((p) => ({ protocol: p.protocol, port: p.port })),
  }));
}
