import { ResourceRule, StackRule, stackRule } from "./common";
import { C } from "./controls";

/** The label that enrols a namespace in Istio's ambient mesh. */
export const AMBIENT = { key: "istio.io/dataplane-mode", value: "ambient" } as const;
export const PEER_AUTHENTICATION = "kubernetes:security.istio.io/v1:PeerAuthentication";

type Json = { readonly [key: string]: unknown };
const obj = (v: unknown): Json => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : {});
const text = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

export const meshRules: readonly (ResourceRule | StackRule)[] = [
  stackRule({
    name: "mesh-namespace-strict",
    control: C.NIST_SC_8_MESH,
    severity: "high",
    description: `Every namespace enrolled in the mesh (${AMBIENT.key}: ${AMBIENT.value}) has a namespace-wide PeerAuthentication with mtls.mode STRICT, and no PeerAuthentication in it relaxes a whole workload (PERMISSIVE, DISABLE or UNSET at mtls.mode); only ports callers outside the mesh must reach may be PERMISSIVE (portLevelMtls, with a workload selector).`,
    devAdvisory: "dev may take a namespace through PERMISSIVE while its callers join the mesh (entasis:mesh.mtlsMode).",
    validateStack: (args, report) => {
      const enrolled = args.resources.filter((r) => r.type === "kubernetes:core/v1:Namespace" && text(obj(obj(r.props.metadata).labels)[AMBIENT.key]) === AMBIENT.value);
      if (enrolled.length === 0) return args.notApplicable("no namespace in the mesh");
      const peers = args.resources.filter((r) => r.type === PEER_AUTHENTICATION);
      for (const n of enrolled) {
        const ns = text(obj(n.props.metadata).name) ?? "";
        const inNs = peers.filter((p) => text(obj(p.props.metadata).namespace) === ns);
        const wide = inNs.filter((p) => obj(p.props.spec).selector === undefined);
        if (!wide.some((p) => text(obj(obj(p.props.spec).mtls).mode) === "STRICT")) report(`namespace ${ns} is in the mesh without a namespace-wide PeerAuthentication in STRICT mode.`, n.urn);
        for (const p of inNs) {
          const mode = text(obj(obj(p.props.spec).mtls).mode);
          if (mode !== undefined && mode !== "STRICT") report(`PeerAuthentication ${ns}/${text(obj(p.props.metadata).name) ?? ""} sets mtls.mode ${mode}; use STRICT and, where callers outside the mesh must reach a port, portLevelMtls for that port only.`, p.urn);
        }
      }
    },
  }),
];
