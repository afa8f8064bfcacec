import { ResourceRule, StackRule, isWorld, stackRule } from "./common";
import { C } from "./controls";
import { INSTANCE_METADATA_CIDR } from "../../lib/networkPolicy";

/** Pod label the platform's collectors carry (components/collectors/names.ts). */
export const COLLECTOR_LABEL = { key: "app.kubernetes.io/component", value: "collector" } as const;
/** The instance metadata service: a collector's world-open egress must except it. */
export const IMDS = INSTANCE_METADATA_CIDR;

type Json = { readonly [key: string]: unknown };
const obj = (v: unknown): Json => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : {});
const list = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);
const text = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

interface Workload {
  readonly urn: string;
  readonly namespace: string;
  readonly name: string;
  readonly podLabels: Json;
}

/** Selector `matchLabels` all present, with the same values, in `labels`. */
function selects(matchLabels: Json, labels: Json): boolean {
  return Object.entries(matchLabels).every(([k, v]) => labels[k] === v);
}

function collectors(resources: readonly { type: string; urn: string; props: Json }[]): Workload[] {
  return resources
    .filter((r) => r.type === "kubernetes:apps/v1:Deployment")
    .map((r) => ({ urn: r.urn, namespace: text(obj(r.props.metadata).namespace) ?? "", name: text(obj(r.props.metadata).name) ?? "", podLabels: obj(obj(obj(obj(r.props.spec).template).metadata).labels) }))
    .filter((w) => w.podLabels[COLLECTOR_LABEL.key] === COLLECTOR_LABEL.value);
}

/** Why an egress rule is open to the world, or undefined when it is not. */
function worldOpen(rule: Json): string | undefined {
  const to = list(rule.to);
  const ports = list(rule.ports);
  if (to.length === 0) return ports.length === 0 ? "allows every destination on every port" : "allows every destination (no `to`)";
  for (const peer of to) {
    const block = obj(obj(peer).ipBlock);
    const cidr = text(block.cidr);
    if (!isWorld(cidr)) continue;
    if (ports.length === 0) return `allows ${cidr ?? ""} on every port`;
    if (cidr === "0.0.0.0/0" && !list(block.except).includes(IMDS)) return `allows 0.0.0.0/0 without excepting the instance metadata service ${IMDS}`;
  }
  return undefined;
}

export const collectorRules: readonly (ResourceRule | StackRule)[] = [
  stackRule({
    name: "collector-has-pdb",
    control: C.EKS_BP_PDB,
    severity: "medium",
    description: `Every collector Deployment (pods labelled ${COLLECTOR_LABEL.key}: ${COLLECTOR_LABEL.value}) has a PodDisruptionBudget in its namespace that selects its pods, so a node drain never takes a whole feed down.`,
    validateStack: (args, report) => {
      const found = collectors(args.resources);
      if (found.length === 0) return args.notApplicable("no collector");
      const pdbs = args.resources.filter((r) => r.type === "kubernetes:policy/v1:PodDisruptionBudget");
      for (const w of found) {
        const covered = pdbs.some((p) => text(obj(p.props.metadata).namespace) === w.namespace && Object.keys(obj(obj(obj(p.props.spec).selector).matchLabels)).length > 0 && selects(obj(obj(obj(p.props.spec).selector).matchLabels), w.podLabels));
        if (!covered) report(`collector ${w.namespace}/${w.name} has no PodDisruptionBudget selecting its pods.`, w.urn);
      }
    },
  }),
  stackRule({
    name: "collector-egress-not-world-open",
    control: C.NIST_SC_7_5,
    severity: "high",
    description: `A collector's namespace denies egress by default, and no NetworkPolicy selecting a collector opens egress to the world on every port, to every destination, or to 0.0.0.0/0 without excepting the instance metadata service (${IMDS}).`,
    validateStack: (args, report) => {
      const found = collectors(args.resources);
      if (found.length === 0) return args.notApplicable("no collector");
      const policies = args.resources.filter((r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy");
      for (const ns of [...new Set(found.map((w) => w.namespace))]) {
        const inNs = policies.filter((p) => text(obj(p.props.metadata).namespace) === ns);
        const denyEgress = inNs.some((p) => {
          const spec = obj(p.props.spec);
          return Object.keys(obj(spec.podSelector)).length === 0 && list(spec.policyTypes).includes("Egress") && spec.egress === undefined;
        });
        if (!denyEgress) report(`namespace ${ns} has collectors but no default-deny egress NetworkPolicy (podSelector {}, policyTypes Egress, no egress rules).`, found.find((w) => w.namespace === ns)?.urn);
        for (const p of inNs) {
          const spec = obj(p.props.spec);
          const selector = obj(obj(spec.podSelector).matchLabels);
          if (!found.some((w) => w.namespace === ns && selects(selector, w.podLabels))) continue;
          list(spec.egress).forEach((rule, i) => {
            const why = worldOpen(obj(rule));
            if (why) report(`NetworkPolicy ${ns}/${text(obj(p.props.metadata).name) ?? ""} egress[${i}] ${why}; name the ports, and except ${IMDS}.`, p.urn);
          });
        }
      }
    },
  }),
];
