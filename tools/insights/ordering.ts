import { CHARTS, NODE_JOIN_SECONDS } from "../../lib/helmCharts";
import { RecordedResource } from "../offline/harness";
import { durationOf } from "./durations";
import { ResourceIndex, boolOf, field, numOf, strOf } from "./model";
import { ADDON, ClusterLayout, RELEASE, kubernetesKind, makesPods, selectedRoles } from "./pools";
import { WaitGraph } from "./waits";
import { WEBHOOKS, WebhookSpec } from "./webhooks";

/**
 * The ordering a first `pulumi up` into an empty account needs, checked over the recorded graph
 * (see waits.ts for what "waits for" means). Each check returns every violation it finds.
 */
export interface OrderingViolation {
  readonly rule: "pool-wait" | "system-addon" | "crd-release" | "webhook" | "helm-timeout";
  readonly name: string;
  readonly type: string;
  readonly problem: string;
}

const v = (rule: OrderingViolation["rule"], r: RecordedResource, problem: string): OrderingViolation => ({ rule, name: r.name, type: r.type, problem });

/**
 * Every Helm release and pod-making object waits for the node groups of each pool its pods select
 * and for CoreDNS, and never for a node group of a pool it does not run on (a pool a quota blocks
 * must not hold back anything else).
 */
export function checkPoolWaits(graph: WaitGraph): OrderingViolation[] {
  const layout = new ClusterLayout(graph.idx);
  if (!layout.systemPool || !layout.coreDns) return [];
  const coreDns = layout.coreDns;
  return graph.idx.resources.filter(makesPods).flatMap((r) => {
    const needs = layout.needs(r);
    const found: OrderingViolation[] = [];
    const roles = selectedRoles(r.type === RELEASE ? field(r.inputs, "values") : field(r.inputs, "spec"));
    for (const role of roles) if (!layout.pools.some((p) => p.role === role)) found.push(v("pool-wait", r, `selects role ${role}, which no node pool has`));
    for (const p of needs.required) for (const ng of p.nodeGroups) if (!graph.waitsFor(r.urn, ng.urn)) found.push(v("pool-wait", r, `does not wait for node group ${ng.name} (${needs.reason})`));
    if (!graph.waitsFor(r.urn, coreDns.urn)) found.push(v("pool-wait", r, `does not wait for CoreDNS (${coreDns.name})`));
    for (const p of needs.forbidden) for (const ng of p.nodeGroups) if (graph.waitsFor(r.urn, ng.urn)) found.push(v("pool-wait", r, `waits for node group ${ng.name} of pool ${p.role}, which it does not need (${needs.reason})`));
    return found;
  });
}

/** CoreDNS and the EBS CSI driver (and the Kubernetes provider) wait for no node group but the system pool's. */
export function checkSystemAddons(graph: WaitGraph): OrderingViolation[] {
  const layout = new ClusterLayout(graph.idx);
  const system = layout.systemPool;
  if (!system) return [];
  const subjects = [
    ...graph.idx.ofType(ADDON).filter((a) => ["coredns", "aws-ebs-csi-driver"].includes(strOf(a.inputs, "addonName") ?? "")),
    ...graph.idx.ofType("pulumi:providers:kubernetes"),
  ];
  return subjects.flatMap((r) =>
    layout.pools
      .filter((p) => p !== system)
      .flatMap((p) => p.nodeGroups.filter((ng) => graph.waitsFor(r.urn, ng.urn)).map((ng) => v("system-addon", r, `waits for node group ${ng.name} of pool ${p.role}; only the system pool ${system.role} may hold it`))),
  );
}

const BUILTIN_GROUPS = new Set([
  "core",
  "apps",
  "batch",
  "policy",
  "autoscaling",
  "networking.k8s.io",
  "rbac.authorization.k8s.io",
  "storage.k8s.io",
  "apiextensions.k8s.io",
  "admissionregistration.k8s.io",
  "scheduling.k8s.io",
  "coordination.k8s.io",
  "node.k8s.io",
  "discovery.k8s.io",
  "certificates.k8s.io",
  "events.k8s.io",
  "apiregistration.k8s.io",
  "helm.sh",
]);

/** `group/Kind` of a custom resource, or undefined for built-in kinds and non-Kubernetes resources. */
export function customKind(r: RecordedResource): string | undefined {
  const k = r.custom ? kubernetesKind(r.type) : undefined;
  return k && !BUILTIN_GROUPS.has(k.group) ? `${k.group}/${k.kind}` : undefined;
}

/**
 * Every custom resource waits for a release of a chart that installs its CRD. `crdOwners` maps
 * `group/Kind` to the chart names whose release installs it (tools/offline/sharedCharts.ts reads it
 * from the charts' CRD files).
 */
export function checkCrdReleases(graph: WaitGraph, crdOwners: ReadonlyMap<string, readonly string[]>): OrderingViolation[] {
  const releases = graph.idx.ofType(RELEASE);
  return graph.idx.resources.flatMap((r) => {
    const kind = customKind(r);
    if (!kind) return [];
    const owners = crdOwners.get(kind) ?? [];
    if (owners.length === 0) return [v("crd-release", r, `no installed chart ships the CRD of ${kind}`)];
    const owning = releases.filter((rel) => owners.includes(strOf(rel.inputs, "chart") ?? ""));
    if (owning.length === 0) return [v("crd-release", r, `${kind} comes from chart ${owners.join(" or ")}, which the stack does not install`)];
    return owning.some((rel) => graph.waitsFor(r.urn, rel.urn)) ? [] : [v("crd-release", r, `does not wait for ${owning.map((x) => x.name).join(" or ")}, which installs the CRD of ${kind}`)];
  });
}

function namespaceOf(r: RecordedResource): string | undefined {
  return r.type === RELEASE ? strOf(r.inputs, "namespace") : strOf(field(r.inputs, "metadata"), "namespace");
}

function labelsOf(value: unknown): Record<string, unknown> {
  const l = field(field(value, "metadata"), "labels");
  return typeof l === "object" && l !== null ? (l as Record<string, unknown>) : {};
}

/** Kinds the API server admits when this object is created: itself, and pods and Services for what makes them. */
function admittedKinds(r: RecordedResource): string[] {
  if (r.type === RELEASE) return ["Pod", "Service"];
  const k = kubernetesKind(r.type);
  if (!k) return [];
  const own = k.group === "core" ? k.kind : `${k.group}/${k.kind}`;
  return makesPods(r) && own !== "Pod" ? [own, "Pod"] : [own];
}

function matches(w: WebhookSpec, r: RecordedResource, kind: string, nsLabels: Record<string, unknown>): boolean {
  if (!w.admits.includes(kind)) return false;
  if (w.namespaceLabel && nsLabels[w.namespaceLabel[0]] !== w.namespaceLabel[1]) return false;
  if (w.objectLabel) {
    const podLabels = kind === "Pod" && r.type !== RELEASE ? podTemplateLabels(r) : labelsOf(r.inputs);
    if (podLabels[w.objectLabel[0]] !== w.objectLabel[1]) return false;
  }
  return true;
}

function podTemplateLabels(r: RecordedResource): Record<string, unknown> {
  return labelsOf(field(field(r.inputs, "spec"), "template"));
}

/** `namespace/name` of every Service a TargetGroupBinding binds, with that Service's pod selector. */
function boundSelectors(idx: ResourceIndex): { namespace: string; selector: Record<string, unknown> }[] {
  const services = idx.ofType("kubernetes:core/v1:Service");
  return idx.resources
    .filter((r) => customKind(r) === "elbv2.k8s.aws/TargetGroupBinding")
    .flatMap((tgb) => {
      const ns = namespaceOf(tgb);
      const name = strOf(field(field(tgb.inputs, "spec"), "serviceRef"), "name");
      const svc = services.find((s) => namespaceOf(s) === ns && strOf(field(s.inputs, "metadata"), "name") === name);
      const selector = field(field(svc?.inputs, "spec"), "selector");
      return ns && typeof selector === "object" && selector !== null ? [{ namespace: ns, selector: selector as Record<string, unknown> }] : [];
    });
}

/**
 * Nothing is admitted by a webhook that would reject it (fails closed), or that would silently
 * miss a mutation it needs (fails open), before the release running that webhook is installed.
 * Releases count as creating pods and Services in their namespace.
 */
export function checkWebhooks(graph: WaitGraph): OrderingViolation[] {
  const idx = graph.idx;
  const nsLabels = new Map(idx.ofType("kubernetes:core/v1:Namespace").map((n) => [strOf(field(n.inputs, "metadata"), "name") ?? n.name, labelsOf(n.inputs)]));
  const bound = boundSelectors(idx);
  const behindBinding = (r: RecordedResource): boolean => {
    const labels = podTemplateLabels(r);
    return bound.some((b) => b.namespace === namespaceOf(r) && Object.entries(b.selector).every(([k, val]) => labels[k] === val));
  };
  const active = idx.ofType(RELEASE).flatMap((rel) => {
    const values = field(rel.inputs, "values");
    return WEBHOOKS.filter((w) => w.chart === strOf(rel.inputs, "chart") && w.enabled(values)).map((w) => ({ rel, w, policy: w.failurePolicy(values) }));
  });
  const mustWait = (w: WebhookSpec, policy: "Fail" | "Ignore", r: RecordedResource, kind: string): boolean =>
    policy === "Fail" || (w.mustNotMiss === "pods-behind-target-group-binding" && kind === "Pod" && r.type !== RELEASE && behindBinding(r));
  return idx.resources
    .filter((r) => r.custom && r.type.startsWith("kubernetes:"))
    .flatMap((r) => {
      const labels = nsLabels.get(namespaceOf(r) ?? "") ?? {};
      return admittedKinds(r).flatMap((kind) =>
        active
          .filter(({ rel, w, policy }) => rel.urn !== r.urn && matches(w, r, kind, labels) && mustWait(w, policy, r, kind) && !graph.waitsFor(r.urn, rel.urn))
          .map(({ rel, w, policy }) => v("webhook", r, `its ${kind} is admitted by ${w.name} (${rel.name}, failurePolicy ${policy}) but it does not wait for that release`)),
      );
    });
}

/**
 * Every release sets a `timeout` above Helm's 300 s default that covers its typical install plus
 * one node the autoscaler adds, and charts that run Jobs set `waitForJobs`.
 */
export function checkHelmTimeouts(idx: ResourceIndex): OrderingViolation[] {
  const jobCharts = new Set<string>(Object.values(CHARTS).filter((c) => "runsJobs" in c && c.runsJobs).map((c) => c.chart));
  return idx.ofType(RELEASE).flatMap((r) => {
    const found: OrderingViolation[] = [];
    const timeout = numOf(r.inputs, "timeout");
    const typical = durationOf(r).seconds;
    if (timeout === undefined || timeout <= 300) found.push(v("helm-timeout", r, `timeout ${timeout ?? "unset (300 s)"} is not above Helm's 300 s default`));
    else if (timeout < typical + NODE_JOIN_SECONDS) found.push(v("helm-timeout", r, `timeout ${timeout} s does not cover a typical install (${typical} s) plus one new node (${NODE_JOIN_SECONDS} s)`));
    if (jobCharts.has(strOf(r.inputs, "chart") ?? "") && boolOf(r.inputs, "waitForJobs") !== true) found.push(v("helm-timeout", r, "runs Jobs but does not set waitForJobs"));
    return found;
  });
}

/** All the rules at once. */
export function checkOrdering(idx: ResourceIndex, crdOwners: ReadonlyMap<string, readonly string[]>): OrderingViolation[] {
  const graph = new WaitGraph(idx);
  return [...checkPoolWaits(graph), ...checkSystemAddons(graph), ...checkCrdReleases(graph, crdOwners), ...checkWebhooks(graph), ...checkHelmTimeouts(idx)];
}
