import { RecordedResource, RunResult } from "../tools/offline/harness";
import { MESH_RULE_METRICS } from "../components/mesh/meshRules";
import { kubernetesObjects, schemaErrors } from "./support/k8sSchema";
import { named, ofType } from "./support/query";
import { recordedRuns } from "./support/runs";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const AUTHZ = "kubernetes:security.istio.io/v1:AuthorizationPolicy";
const PEER = "kubernetes:security.istio.io/v1:PeerAuthentication";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const ENROLLED = ["collectors", "trading-api"];

type Obj = Record<string, unknown>;
const meta = (r: RecordedResource): Obj => r.inputs.metadata as Obj;
const spec = (r: RecordedResource): Obj => (r.inputs.spec ?? {}) as Obj;
const labelsOf = (r: RecordedResource): Record<string, string> => (meta(r).labels ?? {}) as Record<string, string>;

const runs = recordedRuns(["dev", "prod"]);

interface Peer {
  ipBlock?: { cidr: string; except?: string[] };
  namespaceSelector?: { matchLabels: Record<string, string> };
  podSelector?: { matchLabels: Record<string, string> };
}
interface Rule {
  from?: { source: Record<string, string[]> }[];
  to?: { operation: { ports: string[] } }[];
}

/**
 * Whether identity and network agree in an enrolled namespace: every ingress NetworkPolicy (the
 * mesh's own transport policy aside) has an AuthorizationPolicy that mirrors it (same pods, the
 * same ports per rule, the same address blocks, the enrolled callers' namespaces), and every
 * AuthorizationPolicy mirrors an existing NetworkPolicy. Returns what disagrees.
 */
function mirrorProblems(resources: readonly RecordedResource[], ns: string): string[] {
  const inNs = (type: string): RecordedResource[] => resources.filter((r) => r.type === type && meta(r).namespace === ns);
  const ingressPolicies = inNs(NETPOL).filter((p) => labelsOf(p)["entasis.io/mesh-transport"] !== "true" && ((spec(p).policyTypes as string[]) ?? []).includes("Ingress"));
  const authz = inNs(AUTHZ);
  const problems: string[] = [];
  const mirrorOf = (name: string): RecordedResource | undefined => authz.find((a) => ((meta(a).annotations ?? {}) as Record<string, string>)["entasis.io/mirrors-network-policy"] === name);
  for (const np of ingressPolicies) {
    const name = String(meta(np).name);
    const a = mirrorOf(name);
    if (!a) {
      problems.push(`${ns}/${name}: no AuthorizationPolicy`);
      continue;
    }
    const rules = (spec(np).ingress ?? []) as { from: Peer[]; ports: { port: number }[] }[];
    if (rules.length === 0) {
      if (Object.keys(spec(a)).length !== 0) problems.push(`${ns}/${name}: denies everything but its AuthorizationPolicy is not allow-nothing`);
      continue;
    }
    const npSelector = ((spec(np).podSelector as Obj).matchLabels ?? {}) as Record<string, string>;
    const aSelector = (((spec(a).selector ?? {}) as Obj).matchLabels ?? {}) as Record<string, string>;
    if (JSON.stringify(npSelector) !== JSON.stringify(aSelector)) problems.push(`${ns}/${name}: selects ${JSON.stringify(npSelector)}, its AuthorizationPolicy ${JSON.stringify(aSelector)}`);
    const aRules = (spec(a).rules ?? []) as Rule[];
    if (aRules.length !== rules.length) problems.push(`${ns}/${name}: ${rules.length} rules, its AuthorizationPolicy ${aRules.length}`);
    rules.forEach((rule, i) => {
      const ar = aRules[i] ?? {};
      const ports = rule.ports.map((p) => String(p.port)).sort();
      const aPorts = (ar.to ?? []).flatMap((t) => t.operation.ports).sort();
      if (JSON.stringify(ports) !== JSON.stringify(aPorts)) problems.push(`${ns}/${name} rule ${i}: ports ${ports} vs ${aPorts}`);
      const cidrs = rule.from.flatMap((p) => (p.ipBlock ? [p.ipBlock.cidr] : [])).sort();
      const meshNs = rule.from.flatMap((p) => (p.ipBlock ? [] : p.namespaceSelector ? [p.namespaceSelector.matchLabels["kubernetes.io/metadata.name"]] : [ns])).filter((n) => ENROLLED.includes(n)).sort();
      const sources = (ar.from ?? []).map((f) => f.source);
      const aNs = sources.flatMap((s) => s.namespaces ?? []).sort();
      if (JSON.stringify(meshNs) !== JSON.stringify(aNs)) problems.push(`${ns}/${name} rule ${i}: mesh callers ${meshNs} vs ${aNs}`);
      const aCidrs = sources.flatMap((s) => s.ipBlocks ?? []);
      for (const c of cidrs) if (!aCidrs.includes(c)) problems.push(`${ns}/${name} rule ${i}: ${c} not in its AuthorizationPolicy`);
      if (sources.length !== rule.from.length) problems.push(`${ns}/${name} rule ${i}: ${rule.from.length} callers vs ${sources.length}`);
    });
  }
  for (const a of authz) {
    const mirrored = ((meta(a).annotations ?? {}) as Record<string, string>)["entasis.io/mirrors-network-policy"];
    if (!ingressPolicies.some((np) => meta(np).name === mirrored)) problems.push(`${ns}/${String(meta(a).name)}: mirrors no ingress NetworkPolicy (${mirrored})`);
  }
  return problems;
}

describe.each(["dev", "prod"] as const)("service mesh of %s", (stack) => {
  const run = (): RunResult => runs[stack];
  const release = (key: string): RecordedResource => named(run(), `mesh-${key}`, RELEASE);

  it("installs Istio 1.30.3 in ambient mode: base, istiod, cni, ztunnel, each after the previous one and the system pool", () => {
    const keys = ["base", "istiod", "cni", "ztunnel"];
    expect(keys.map((k) => [release(k).inputs.chart, release(k).inputs.version, release(k).inputs.namespace])).toEqual([
      ["base", "1.30.3", "istio-system"],
      ["istiod", "1.30.3", "istio-system"],
      ["cni", "1.30.3", "node-agents"],
      ["ztunnel", "1.30.3", "node-agents"],
    ]);
    // The node agents run in the one privileged namespace; istiod issues certificates to ztunnel
    // there, and ztunnel finds istiod in istio-system.
    expect(release("istiod").inputs.values).toMatchObject({ trustedZtunnelNamespace: "node-agents" });
    expect(release("ztunnel").inputs.values).toMatchObject({ istioNamespace: "istio-system" });
    const agentsNs = named(run(), "monitoring-node-agents-namespace", NAMESPACE).urn;
    for (const k of ["cni", "ztunnel"]) expect(release(k).dependencies).toContain(agentsNs);
    // Moving a release's namespace replaces it; the old one must go first (its ClusterRoles keep their names).
    for (const k of keys) expect([k, release(k).deleteBeforeReplace]).toEqual([k, true]);
    for (const k of keys.slice(1)) expect((release(k).inputs.values as Obj).profile).toBe("ambient");
    for (let i = 1; i < keys.length; i++) expect(release(keys[i]).dependencies).toContain(release(keys[i - 1]).urn);
    // The system pool is a node group per zone (tests/zone-aware-capacity.test.ts): each release waits for all of them.
    const systemNodes = run().resources.filter((r) => r.type === "aws:eks/nodeGroup:NodeGroup" && r.name.startsWith("cluster-general-ng-")).map((r) => r.urn);
    expect(systemNodes.length).toBeGreaterThanOrEqual(2);
    const coreDns = named(run(), "cluster-coredns", "aws:eks/addon:Addon").urn;
    for (const k of keys) expect(release(k).dependencies).toEqual(expect.arrayContaining([...systemNodes, coreDns]));
    // The published charts' images (the copies in git say registry.istio.io/testing:latest).
    expect((release("istiod").inputs.values as Obj).global).toEqual({ hub: "docker.io/istio", tag: "1.30.3" });
    expect(release("ztunnel").inputs.values).toMatchObject({ hub: "docker.io/istio", tag: "1.30.3" });
    // Chained onto the VPC CNI.
    expect(release("cni").inputs.values).toMatchObject({ chained: true, cniBinDir: "/opt/cni/bin", cniConfDir: "/etc/cni/net.d" });
    expect((release("istiod").inputs.values as Obj).replicaCount).toBe(stack === "prod" ? 2 : 1);
  });

  it("creates every Istio security object after base (its CRDs) and istiod (whose pods answer the validating webhook), each named as its own wait", () => {
    const istio = run().resources.filter((r) => r.type === AUTHZ || r.type === PEER);
    // Per enrolled namespace: the namespace default and one mirror per ingress NetworkPolicy, and
    // one port exception per selected workload (trading-api's, each collector's).
    expect(istio).toHaveLength(12);
    for (const r of istio) expect([r.name, r.dependencies]).toEqual([r.name, expect.arrayContaining([release("base").urn, release("istiod").urn])]);
  });

  it("enrols trading-api and the collectors only after the CNI agent and ztunnel run, and nothing else", () => {
    const labelled = ofType(run(), NAMESPACE).filter((n) => labelsOf(n)["istio.io/dataplane-mode"] === "ambient").map((n) => String(meta(n).name)).sort();
    expect(labelled).toEqual(ENROLLED);
    for (const ns of ["trading-api-ns", "collectors-ns"]) expect(named(run(), ns, NAMESPACE).dependencies).toEqual(expect.arrayContaining([release("cni").urn, release("ztunnel").urn]));
    expect(labelsOf(named(run(), "mesh-ns", NAMESPACE))["pod-security.kubernetes.io/enforce"]).toBe("baseline");
    expect(spec(named(run(), "mesh-default-deny", NETPOL))).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    // ztunnel's own way out of the node agents' namespace: istiod's xDS and CA port, nothing else.
    const out = named(run(), "mesh-node-agent-flows-allow-ztunnel-istiod-out", NETPOL);
    expect([meta(out).namespace, spec(out)]).toEqual([
      "node-agents",
      {
        podSelector: { matchLabels: { app: "ztunnel" } },
        policyTypes: ["Egress"],
        egress: [{ to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "istio-system" } }, podSelector: { matchLabels: { app: "istiod" } } }], ports: [{ protocol: "TCP", port: 15012 }] }],
      },
    ]);
  });

  it("lets the CNI agent, which runs on the pod network in ambient mode, reach the Kubernetes API out of the node agents' closed namespace", () => {
    // The chart sets hostNetwork only with ambient.shareHostNetworkNamespace (not set here, default false).
    expect((release("cni").inputs.values as Obj).ambient).toBeUndefined();
    const out = named(run(), "mesh-node-agent-flows-allow-istio-cni-kubernetes-api-out", NETPOL);
    expect([meta(out).namespace, spec(out)]).toEqual([
      "node-agents",
      {
        podSelector: { matchLabels: { "k8s-app": "istio-cni-node" } },
        policyTypes: ["Egress"],
        egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["169.254.169.254/32"] } }], ports: [{ protocol: "TCP", port: 443 }] }],
      },
    ]);
    // The node agents' guard itself opens no HTTPS: only the agents that need the API get it.
    const guardOut = ofType(run(), NETPOL).filter((p) => meta(p).namespace === "node-agents" && JSON.stringify(spec(p)).includes('"port":443'));
    expect(guardOut.map((p) => meta(p).name).sort()).toEqual(["allow-filebeat-kubernetes-api-out", "allow-istio-cni-kubernetes-api-out"]);
    // The agents' ways out exist before their releases wait for ready pods.
    expect(release("cni").dependencies).toContain(out.urn);
    expect(release("ztunnel").dependencies).toContain(named(run(), "mesh-node-agent-flows-allow-ztunnel-istiod-out", NETPOL).urn);
  });

  it("makes every enrolled namespace STRICT, with port exceptions only where callers outside the mesh must reach", () => {
    const peers = ofType(run(), PEER);
    for (const ns of ENROLLED) {
      const nsWide = peers.filter((p) => meta(p).namespace === ns && spec(p).selector === undefined);
      expect(nsWide.map((p) => (spec(p).mtls as Obj).mode)).toEqual(["STRICT"]);
    }
    const portLevel = peers.filter((p) => spec(p).portLevelMtls !== undefined).map((p) => [meta(p).namespace, (spec(p).selector as Obj).matchLabels, spec(p).portLevelMtls]);
    expect(portLevel).toEqual(
      expect.arrayContaining([
        ["trading-api", { app: "trading-api" }, { "8080": { mode: "PERMISSIVE" }, "9090": { mode: "PERMISSIVE" } }],
        ["collectors", { app: "collector-exchange-api" }, { "9090": { mode: "PERMISSIVE" } }],
        ["collectors", { app: "collector-data-feed" }, { "9090": { mode: "PERMISSIVE" } }],
      ]),
    );
    expect(portLevel).toHaveLength(3);
  });

  it("has an AuthorizationPolicy for every ingress NetworkPolicy of an enrolled namespace and the other way round", () => {
    for (const ns of ENROLLED) expect({ ns, problems: mirrorProblems(run().resources, ns) }).toEqual({ ns, problems: [] });
    expect(ofType(run(), AUTHZ).filter((a) => ENROLLED.includes(String(meta(a).namespace)))).toHaveLength(4 + 3);
  });

  it("still lets the ALB reach trading-api's health endpoint: plaintext on 8080 from the load balancers' subnets only", () => {
    // Both target groups (REST, WebSocket) send plain HTTP health checks to the pods' 8080.
    for (const key of ["edge-api", "edge-ws"]) {
      expect(named(run(), key, "aws:lb/targetGroup:TargetGroup").inputs).toMatchObject({ targetType: "ip", port: 8080, healthCheck: { path: "/health", protocol: "HTTP", port: "traffic-port" } });
    }
    const np = named(run(), "trading-api-netpol-load-balancers", NETPOL);
    const cidrs = ((spec(np).ingress as { from: Peer[] }[])[0].from).map((p) => p.ipBlock?.cidr);
    const authz = ofType(run(), AUTHZ).find((a) => meta(a).name === "trading-api-from-load-balancers");
    expect(authz && spec(authz)).toEqual({ selector: { matchLabels: { app: "trading-api" } }, action: "ALLOW", rules: [{ from: cidrs.map((c) => ({ source: { ipBlocks: [c] } })), to: [{ operation: { ports: ["8080"] } }] }] });
    const pa = ofType(run(), PEER).find((p) => meta(p).name === "trading-api-outside-mesh");
    expect(pa && spec(pa)).toEqual({ selector: { matchLabels: { app: "trading-api" } }, mtls: { mode: "STRICT" }, portLevelMtls: { "8080": { mode: "PERMISSIVE" }, "9090": { mode: "PERMISSIVE" } } });
  });

  it("opens HBONE (15008) between enrolled namespaces and the kubelet's SNAT'ed probes, in every enrolled namespace", () => {
    for (const ns of ENROLLED) {
      const p = ofType(run(), NETPOL).find((x) => meta(x).namespace === ns && meta(x).name === "mesh-transport");
      expect(p && spec(p)).toEqual({
        podSelector: {},
        policyTypes: ["Ingress", "Egress"],
        ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ENROLLED.slice().reverse() }] } }], ports: [{ protocol: "TCP", port: 15008 }] }, { from: [{ ipBlock: { cidr: "169.254.7.127/32" } }] }],
        egress: [{ to: [{ namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ENROLLED.slice().reverse() }] } }], ports: [{ protocol: "TCP", port: 15008 }] }],
      });
    }
  });

  it("scrapes istiod and ztunnel and sends the mesh's alerts to Alertmanager", () => {
    const monitoring = named(run(), "monitoring-kube-prometheus-stack", RELEASE).urn;
    for (const n of ["mesh-monitoring-istiod", "mesh-monitoring-ztunnel", "mesh-monitoring-rules"]) {
      expect(labelsOf(named(run(), n))).toEqual({ release: "kube-prometheus-stack" });
      expect(named(run(), n).dependencies).toContain(monitoring);
    }
    const rules = ((spec(named(run(), "mesh-monitoring-rules")).groups as Obj[])[0].rules as { alert: string; expr: string }[]);
    expect(rules.map((r) => r.alert)).toEqual(["ZtunnelNotOnEveryNode", "IstioCniNotOnEveryNode", "IstiodUnavailable", "IstiodConfigRejected"]);
    // The agents' alerts and monitor look where the agents run; istiod's where it runs.
    const namespacesIn = (expr: string): string[] => [...new Set([...expr.matchAll(/namespace="([^"]+)"/g)].map((m) => m[1]))];
    expect(rules.map((r) => namespacesIn(r.expr))).toEqual([["node-agents"], ["node-agents"], ["istio-system"], ["istio-system"]]);
    expect(spec(named(run(), "mesh-monitoring-ztunnel")).namespaceSelector).toEqual({ matchNames: ["node-agents"] });
    const known = new Set(Object.values(MESH_RULE_METRICS).flat());
    for (const r of rules) for (const m of r.expr.match(/\b(kube|pilot)_[a-z_]+/g) ?? []) expect({ alert: r.alert, metric: m, known: known.has(m) }).toEqual({ alert: r.alert, metric: m, known: true });
  });

  it("has every Istio and monitoring object of the mesh and the collectors schema-valid against the charts' CRDs", () => {
    const objects = kubernetesObjects(run().resources).filter((r) => r.name.startsWith("mesh-") || r.name.startsWith("collectors-"));
    expect(objects.filter((r) => r.type === AUTHZ || r.type === PEER).length).toBe(4 + 3 + 2 + 3);
    const failures = objects.map((r) => ({ name: r.name, errors: schemaErrors(r.inputs) })).filter((f) => f.errors.length > 0);
    expect(failures).toEqual([]);
  });
});

describe("the mirror check itself", () => {
  it("finds a NetworkPolicy without its AuthorizationPolicy, a changed port and an AuthorizationPolicy without its NetworkPolicy", () => {
    const all = runs.dev.resources;
    const withoutLb = all.filter((r) => !(r.type === AUTHZ && meta(r).name === "trading-api-from-load-balancers"));
    expect(mirrorProblems(withoutLb, "trading-api")).toEqual(["trading-api/trading-api-from-load-balancers: no AuthorizationPolicy"]);
    const portChanged = all.map((r) =>
      r.type === NETPOL && meta(r).name === "trading-api-metrics-from-prometheus"
        ? { ...r, inputs: { ...r.inputs, spec: { ...spec(r), ingress: [{ ...((spec(r).ingress as Obj[])[0]), ports: [{ protocol: "TCP", port: 9091 }] }] } } }
        : r,
    );
    expect(mirrorProblems(portChanged, "trading-api")).toEqual(["trading-api/trading-api-metrics-from-prometheus rule 0: ports 9091 vs 9090"]);
    const withoutNp = all.filter((r) => !(r.type === NETPOL && meta(r).name === "collector-data-feed-metrics-from-prometheus"));
    expect(mirrorProblems(withoutNp, "collectors")).toEqual(["collectors/collector-data-feed-metrics-from-prometheus: mirrors no ingress NetworkPolicy (collector-data-feed-metrics-from-prometheus)"]);
  });
});
