import * as fs from "fs";
import * as path from "path";
import { RecordedResource, RunResult } from "../tools/offline/harness";
import { NODE_AGENTS_NAMESPACE } from "../lib/podSecurity";
import { MONITORING_PODS, MONITORING_PORTS } from "../components/observability/monitoringNetwork";
import { named, ofType } from "./support/query";
import { recordedRuns } from "./support/runs";

// Every namespace the platform or its charts create is closed by default: a default-deny
// NetworkPolicy for ingress and egress, and a Pod Security level; only the node agents' namespace
// (node and GPU exporters, Filebeat, the Istio CNI agent and ztunnel) is privileged.

const runs = recordedRuns(["dev", "prod"]);

const NS = "kubernetes:core/v1:Namespace";
const NP = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const RELEASE = "kubernetes:helm.sh/v3:Release";
/**
 * kube-system is EKS's: its add-ons (aws-node, kube-proxy, the EBS CSI node plugin) need host
 * access, and EKS applies no Pod Security labels to it (every namespace defaults to privileged,
 * https://docs.aws.amazon.com/eks/latest/userguide/pod-security-policy-removal-faq.html). The
 * platform's pods there (autoscaler, load balancer controller, metrics-server, VPA, device plugin)
 * are exempt from this test; docs/security.md says so.
 */
const EXEMPT = ["kube-system"];
/** Only the node agents: node and GPU exporters, Filebeat, the Istio CNI agent and ztunnel. */
const PRIVILEGED = [NODE_AGENTS_NAMESPACE];
/** Both stacks run every area (dev too: AI, messaging, Velero); load testing is on in dev only. */
const expectedNamespaces = (stack: string): string[] => [...EXPECTED_NAMESPACES, ...(stack === "dev" ? ["loadtest"] : [])].sort();
const EXPECTED_NAMESPACES = [
  "argo", "ai-serving", "cert-manager", "cnpg-system", "collectors", "db-bootstrap", "istio-system", "elastic-system", "flink-jobs", "flink-operator", "kserve",
  "logging", "monitoring", "mq-provisioner", NODE_AGENTS_NAMESPACE, "spark-jobs", "spark-operator", "timeseries", "trading-api", "velero",
].sort();

interface PolicySpec {
  podSelector: { matchLabels?: Record<string, string> };
  policyTypes?: string[];
  ingress?: { from?: Record<string, unknown>[]; ports?: { port: number; protocol: string }[] }[];
  egress?: unknown[];
}
const specOf = (np: RecordedResource): PolicySpec => np.inputs.spec as PolicySpec;
const nsOf = (r: RecordedResource): string | undefined => (r.type === RELEASE ? (r.inputs.namespace as string) : (r.inputs.metadata as { namespace?: string } | undefined)?.namespace);

/** Policy types denied to every pod of the namespace by policies with no rules. */
function deniedTypes(run: RunResult, ns: string): string[] {
  const all = ofType(run, NP).filter((np) => nsOf(np) === ns);
  const denying = all.filter((np) => {
    const s = specOf(np);
    return Object.keys(s.podSelector.matchLabels ?? {}).length === 0 && !s.ingress && !s.egress;
  });
  return [...new Set(denying.flatMap((np) => specOf(np).policyTypes ?? []))].sort();
}

describe.each(["dev", "prod"])("%s: every namespace closed by default", (stack) => {
  test("the program creates every namespace its objects and releases use (kube-system aside)", () => {
    const run = runs[stack];
    const declared = ofType(run, NS).map((n) => (n.inputs.metadata as { name: string }).name).sort();
    expect(declared).toEqual(expectedNamespaces(stack));
    const used = new Set(run.resources.filter((r) => r.type.startsWith("kubernetes:")).flatMap((r) => nsOf(r) ?? []));
    for (const ns of used) expect([...declared, ...EXEMPT]).toContain(ns);
    // No release creates its namespace behind the program's back.
    const releases = ofType(run, RELEASE);
    expect(releases.length).toBeGreaterThanOrEqual(15);
    for (const r of releases) expect(r.inputs.createNamespace ?? false).toBe(false);
    // Each release of a program namespace waits for the Namespace resource (directly or through one it depends on).
    const nsUrn = new Map(ofType(run, NS).map((n) => [(n.inputs.metadata as { name: string }).name, n.urn]));
    const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
    const reaches = (r: RecordedResource, target: string, seen = new Set<string>()): boolean =>
      r.dependencies.some((d) => d === target || (!seen.has(d) && (seen.add(d), byUrn.get(d) !== undefined) && reaches(byUrn.get(d) as RecordedResource, target, seen)));
    let checked = 0;
    for (const r of releases) {
      const target = nsUrn.get(nsOf(r) ?? "");
      if (!target) continue;
      expect([r.name, reaches(r, target)]).toEqual([r.name, true]);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(11);
  });

  test("each namespace has a default-deny for ingress and egress and a Pod Security level", () => {
    const run = runs[stack];
    const namespaces = ofType(run, NS);
    expect(namespaces).toHaveLength(expectedNamespaces(stack).length);
    const privileged: string[] = [];
    for (const n of namespaces) {
      const meta = n.inputs.metadata as { name: string; labels?: Record<string, string> };
      expect([meta.name, deniedTypes(run, meta.name)]).toEqual([meta.name, ["Egress", "Ingress"]]);
      const level = meta.labels?.["pod-security.kubernetes.io/enforce"];
      expect([meta.name, ["restricted", "baseline", "privileged"].includes(level ?? "")]).toEqual([meta.name, true]);
      if (level === "privileged") privileged.push(meta.name);
    }
    expect(privileged.sort()).toEqual(PRIVILEGED);
  });

  test("no two NetworkPolicies share a name in a namespace (flows added beside a guard use their own keys)", () => {
    const keys = ofType(runs[stack], NP).map((np) => `${nsOf(np)}/${(np.inputs.metadata as { name: string }).name}`);
    expect(keys.length).toBeGreaterThan(80);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });

  test("node agents live in the privileged namespace", () => {
    const run = runs[stack];
    // Filebeat, and the mesh's CNI agent and ztunnel, with the exporters.
    expect(nsOf(named(run, "logging-filebeat-daemonset"))).toBe(NODE_AGENTS_NAMESPACE);
    for (const key of ["cni", "ztunnel"]) expect(named(run, `mesh-${key}`, RELEASE).inputs.namespace).toBe(NODE_AGENTS_NAMESPACE);
    const kps = named(run, "monitoring-kube-prometheus-stack", RELEASE);
    expect((kps.inputs.values as { "prometheus-node-exporter": { namespaceOverride: string } })["prometheus-node-exporter"].namespaceOverride).toBe(NODE_AGENTS_NAMESPACE);
    expect(named(run, "ai-gpu-monitoring-dcgm-exporter", RELEASE).inputs.namespace).toBe(NODE_AGENTS_NAMESPACE);
  });

  test("Alertmanager and Prometheus admit only what must reach them", () => {
    const run = runs[stack];
    const selects = (np: RecordedResource, labels: Record<string, string>): boolean => Object.entries(specOf(np).podSelector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
    const admitted = (labels: Record<string, string>): string[] =>
      ofType(run, NP)
        .filter((np) => nsOf(np) === "monitoring" && selects(np, labels) && (specOf(np).policyTypes ?? []).includes("Ingress"))
        .flatMap((np) => (specOf(np).ingress ?? []).flatMap((rule) => (rule.from ?? []).map((peer) => `${JSON.stringify(peer)}:${(rule.ports ?? []).map((p) => `${p.protocol}/${p.port}`).join(",") || "any"}`)))
        .sort();
    const pods = (l: Record<string, string>) => JSON.stringify({ podSelector: { matchLabels: l } });
    const prometheus = JSON.stringify({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } }, podSelector: { matchLabels: MONITORING_PODS.prometheus } });
    expect(admitted(MONITORING_PODS.alertmanager)).toEqual(
      [
        `${prometheus}:any`,
        `${pods(MONITORING_PODS.grafana)}:TCP/${MONITORING_PORTS.alertmanager}`,
        `${pods(MONITORING_PODS.alertmanager)}:TCP/${MONITORING_PORTS.alertmanagerCluster},UDP/${MONITORING_PORTS.alertmanagerCluster}`,
      ].sort(),
    );
    expect(admitted(MONITORING_PODS.prometheus)).toEqual([`${prometheus}:any`, `${pods(MONITORING_PODS.grafana)}:TCP/${MONITORING_PORTS.prometheus}`].sort());
  });

  test("webhooks admit only the private subnets (the control plane's ENIs)", () => {
    const run = runs[stack];
    const privateCidrs = ofType(run, "aws:ec2/subnet:Subnet").filter((s) => (s.inputs.tags as Record<string, string>).Tier === "private").map((s) => s.inputs.cidrBlock).sort();
    const webhooks = ofType(run, NP).filter((np) => np.inputs.metadata && (np.inputs.metadata as { name: string }).name.endsWith("webhook") && np.name.includes("guard"));
    // cert-manager, cnpg-system, kserve, monitoring (operator), elastic-system
    expect(webhooks).toHaveLength(5);
    for (const np of webhooks) {
      const cidrs = (specOf(np).ingress ?? []).flatMap((r) => (r.from ?? []).map((p) => (p as { ipBlock: { cidr: string } }).ipBlock.cidr)).sort();
      expect(cidrs).toEqual(privateCidrs);
    }
  });
});

describe.each(["dev", "prod"])("%s: the chart namespaces' import runbook (docs/security.md) names the URNs the program declares", (stack) => {
  test("each `imp` line: resource name, namespace, parent component and the cluster's Kubernetes provider", () => {
    const doc = fs.readFileSync(path.join(__dirname, "..", "docs", "security.md"), "utf8");
    const lines = [...doc.matchAll(/^ {2}imp (\S+) +(\S+) +(\S+)$/gm)].map((m) => ({ name: m[1], namespace: m[2], parent: m[3] }));
    expect(lines.map((l) => l.namespace).sort()).toEqual(["cert-manager", "cnpg-system", "kserve", "velero"]);
    const U = `urn:pulumi:${stack}::entasis-infra`;
    const provider = /\bP="k8s=\$U::(\S+)"/.exec(doc)?.[1]?.replace("\\$", "$");
    expect(provider).toBeDefined();
    // The engine leaves the root stack's type out of its children's URNs (the mocks' parent URN keeps it).
    const withoutRoot = (urn: string | undefined): string | undefined => urn?.replace("::pulumi:pulumi:Stack$", "::");
    for (const l of lines) {
      const ns = named(runs[stack], l.name, NS);
      const [parentType, parentName] = l.parent.split("::");
      expect([ns.urn, (ns.inputs.metadata as { name: string }).name, withoutRoot(ns.parent), ns.provider?.split("::").slice(0, -1).join("::")]).toEqual([
        `${U}::${parentType}$${NS}::${l.name}`,
        l.namespace,
        `${U}::${parentType}::${parentName}`,
        `${U}::${provider}`,
      ]);
    }
  });
});
