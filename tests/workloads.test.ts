import { RunResult, RecordedResource } from "../tools/offline/harness";
import { CHARTS } from "../lib/helmCharts";
import { jsonInput, named, ofType } from "./support/query";
import { NO_OFFLINE_SCHEMA, hasOfflineSchema, kubernetesObjects, schemaErrors } from "./support/k8sSchema";
import { stackRun } from "./support/stackRuns";

const runs: Record<string, RunResult> = {};
beforeAll(async () => {
  runs.dev = await stackRun("dev");
  runs.prod = await stackRun("prod");
}, 300_000);

type Obj = Record<string, unknown>;
/** Value at a dotted path (`template.spec.containers.0`) of a manifest. */
function at(v: unknown, dotted: string): unknown {
  return dotted.split(".").reduce<unknown>((cur, part) => (typeof cur === "object" && cur !== null ? (cur as Obj)[part] : undefined), v);
}
const obj = (v: unknown, dotted: string): Obj => {
  const found = at(v, dotted);
  if (typeof found !== "object" || found === null) throw new Error(`${dotted} is not an object`);
  return found as Obj;
};
const spec = (r: RecordedResource): Obj => obj(r.inputs, "spec");
const meta = (r: RecordedResource): Obj => obj(r.inputs, "metadata");
const NP = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
function policy(run: RunResult, name: string): RecordedResource {
  const found = ofType(run, NP).filter((p) => meta(p).name === name);
  if (found.length !== 1) throw new Error(`expected one NetworkPolicy ${name}, found ${found.length}`);
  return found[0];
}

describe.each(["dev", "prod"])("trading-api in %s", (stack) => {
  const deployment = (): RecordedResource => named(runs[stack], "trading-api-deployment", "kubernetes:apps/v1:Deployment");
  const container = (): Obj => obj(deployment().inputs, "spec.template.spec.containers.0");

  it("runs in its own namespace as the spec's Deployment: 3 replicas, the spec's image and resources", () => {
    expect(meta(named(runs[stack], "trading-api-ns", "kubernetes:core/v1:Namespace")).name).toBe("trading-api");
    expect(meta(deployment())).toMatchObject({ name: "trading-api", namespace: "trading-api" });
    expect(spec(deployment())).toMatchObject({ replicas: 3, selector: { matchLabels: { app: "trading-api" } }, template: { metadata: { labels: { app: "trading-api" } } } });
    expect(container()).toMatchObject({ name: "trading-api", image: "trading-api:1.0.0", resources: { requests: { cpu: "1", memory: "2Gi" }, limits: { cpu: "2", memory: "4Gi" } } });
  });

  it("has liveness /health and readiness /health/ready on the http port", () => {
    expect(at(container(), "livenessProbe.httpGet")).toEqual({ path: "/health", port: "http" });
    expect(at(container(), "readinessProbe.httpGet")).toEqual({ path: "/health/ready", port: "http" });
    expect(container().ports).toEqual([
      { name: "http", containerPort: 8080, protocol: "TCP" },
      { name: "metrics", containerPort: 9090, protocol: "TCP" },
    ]);
  });

  it("is scraped by Prometheus on 9090 through pod annotations", () => {
    expect(at(deployment().inputs, "spec.template.metadata.annotations")).toMatchObject({ "prometheus.io/scrape": "true", "prometheus.io/port": "9090" });
  });

  it("spreads over zones and runs on the general pool, hardened", () => {
    const pod = obj(deployment().inputs, "spec.template.spec");
    expect(pod.nodeSelector).toEqual({ role: "general" });
    expect(at(pod, "topologySpreadConstraints.0")).toEqual({ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { app: "trading-api" } } });
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(container().securityContext).toEqual({ allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
    // Pods outlive the ALB's draining of a deregistered target.
    const tg = named(runs[stack], "edge-api", "aws:lb/targetGroup:TargetGroup");
    expect(pod.terminationGracePeriodSeconds as number).toBeGreaterThan(tg.inputs.deregistrationDelay as number);
  });

  it("reads its connection secret by ARN with an IRSA role limited to its own secrets and DB user", () => {
    const run = runs[stack];
    const secret = named(run, "connection-secrets-trading-api", "aws:secretsmanager/secret:Secret");
    expect(container().env).toContainEqual({ name: "DB_CONNECTION_SECRET_ARN", value: secret.state.arn });
    const role = named(run, "trading-api-irsa-role", "aws:iam/role:Role");
    expect(meta(named(run, "trading-api-sa", "kubernetes:core/v1:ServiceAccount")).annotations).toEqual({ "eks.amazonaws.com/role-arn": role.state.arn });
    const doc = jsonInput(named(run, "trading-api-irsa-connection-secrets", "aws:iam/rolePolicy:RolePolicy"), "policy") as { Statement: { Sid: string; Action: string | string[]; Resource: string | string[] }[] };
    const read = doc.Statement.find((s) => s.Sid === "ReadOwnSecrets");
    expect(read?.Resource).toEqual([secret.state.arn, named(run, "redis-auth", "aws:secretsmanager/secret:Secret").state.arn]);
    const connect = doc.Statement.find((s) => s.Sid === "ConnectAsOwnUser");
    expect(connect?.Action).toBe("rds-db:connect");
    const resources = connect?.Resource as string[];
    expect(resources.every((r) => r.endsWith("/trading_api"))).toBe(true);
    // Primary and replica directly, and through RDS Proxy in prod (tests/database-access.test.ts maps each to its host).
    expect(resources).toHaveLength(stack === "prod" ? 3 : 1);
    expect(JSON.stringify(doc)).not.toContain('"*"');
  });

  it("has a Service with the http and metrics ports selecting the pods", () => {
    expect(spec(named(runs[stack], "trading-api-service", "kubernetes:core/v1:Service"))).toEqual({
      type: "ClusterIP",
      selector: { app: "trading-api" },
      ports: [
        { name: "http", port: 8080, targetPort: "http", protocol: "TCP" },
        { name: "metrics", port: 9090, targetPort: "metrics", protocol: "TCP" },
      ],
    });
  });

  it("keeps two pods through voluntary disruptions", () => {
    expect(spec(named(runs[stack], "trading-api-pdb", "kubernetes:policy/v1:PodDisruptionBudget"))).toEqual({ minAvailable: 2, selector: { matchLabels: { app: "trading-api" } } });
  });

  it("has the spec's HPA: autoscaling/v2, 3..10 replicas on 70% CPU", () => {
    const hpa = named(runs[stack], "trading-api-hpa", "kubernetes:autoscaling/v2:HorizontalPodAutoscaler");
    expect(hpa.inputs.apiVersion).toBe("autoscaling/v2");
    expect(meta(hpa).name).toBe("trading-api-hpa");
    expect(spec(hpa)).toEqual({
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "trading-api" },
      minReplicas: 3,
      maxReplicas: 10,
      metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }],
    });
  });

  it("has the spec's VPA in Auto mode, controlling memory only so it never fights the HPA over CPU", () => {
    const vpa = named(runs[stack], "trading-api-vpa", "kubernetes:autoscaling.k8s.io/v1:VerticalPodAutoscaler");
    expect(meta(vpa).name).toBe("trading-api-vpa");
    expect(spec(vpa).targetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: "trading-api" });
    expect(spec(vpa).updatePolicy).toEqual({ updateMode: "Auto" });
    const policies = at(vpa.inputs, "spec.resourcePolicy.containerPolicies") as Obj[];
    expect(policies).toHaveLength(1);
    expect(policies[0]).toMatchObject({ containerName: "trading-api", controlledResources: ["memory"], minAllowed: { memory: "1Gi" }, maxAllowed: { memory: "8Gi" } });
    expect(JSON.stringify(policies)).not.toContain("cpu");
    // The VPA's bounds contain the configured request.
    expect(at(container(), "resources.requests.memory")).toBe("2Gi");
  });

  it("installs the VPA components from the pinned chart, on the general pool", () => {
    const release = named(runs[stack], "vpa-release", "kubernetes:helm.sh/v3:Release");
    expect(release.inputs).toMatchObject({ chart: "vpa", version: CHARTS.vpa.version, values: { recommender: { nodeSelector: { role: "general" } }, updater: { nodeSelector: { role: "general" } } } });
    expect(named(runs[stack], "trading-api-vpa").dependencies).toContain(release.urn);
  });

  it("binds the Service to the ALB target group with IP targets, after the controller is installed", () => {
    const run = runs[stack];
    const tgb = named(run, "trading-api-tgb-alb", "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding");
    expect(spec(tgb)).toEqual({ serviceRef: { name: "trading-api", port: 8080 }, targetGroupARN: named(run, "edge-api", "aws:lb/targetGroup:TargetGroup").state.arn, targetType: "ip" });
    expect(tgb.dependencies).toContain(named(run, "lb-controller-release").urn);
  });

  it("labels its namespace for the load balancer controller's readiness gate, and creates pods only once the bindings exist", () => {
    const run = runs[stack];
    expect(meta(named(run, "trading-api-ns", "kubernetes:core/v1:Namespace")).labels).toEqual({
      "kubernetes.io/metadata.name": "trading-api",
      "pod-security.kubernetes.io/enforce": "restricted",
      "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled",
      // Enrolled in the ambient mesh (tests/mesh.test.ts).
      "istio.io/dataplane-mode": "ambient",
    });
    // The webhook injects a gate per TargetGroupBinding that selects the pod when it is created.
    const bindings = ofType(run, "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding");
    expect(bindings.length).toBeGreaterThan(0);
    const deployment = named(run, "trading-api-deployment", "kubernetes:apps/v1:Deployment");
    for (const tgb of bindings) expect(deployment.dependencies).toContain(tgb.urn);
  });

  it("replaces (never updates) a TargetGroupBinding whose target group changes, deleting the old one first", () => {
    for (const tgb of ofType(runs[stack], "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding")) {
      expect({ name: tgb.name, replaceOnChanges: tgb.replaceOnChanges, deleteBeforeReplace: tgb.deleteBeforeReplace }).toEqual({ name: tgb.name, replaceOnChanges: ["spec.targetGroupARN"], deleteBeforeReplace: true });
    }
  });

  it("keeps the spec's api-network-policy exactly", () => {
    const p = policy(runs[stack], "api-network-policy");
    expect(meta(p)).toEqual({ name: "api-network-policy", namespace: "trading-api" });
    expect(spec(p)).toEqual({
      podSelector: { matchLabels: { app: "trading-api" } },
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ from: [{ podSelector: { matchLabels: { role: "frontend" } } }], ports: [{ protocol: "TCP", port: 8080 }] }],
    });
  });

  it("denies all other ingress in the namespace by default", () => {
    expect(spec(policy(runs[stack], "default-deny-ingress"))).toEqual({ podSelector: {}, policyTypes: ["Ingress"] });
  });

  it("admits the ALB's ENIs (public subnets, private ones for dev's internal ALB) on 8080 and Prometheus on 9090 only", () => {
    const tier = stack === "dev" ? "private" : "public";
    const publicCidrs = ofType(runs[stack], "aws:ec2/subnet:Subnet").filter((s) => s.name.startsWith(`network-${tier}-`)).map((s) => s.inputs.cidrBlock);
    const lb = spec(policy(runs[stack], "trading-api-from-load-balancers"));
    expect(lb.ingress).toEqual([{ from: publicCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: "TCP", port: 8080 }] }]);
    const prom = spec(policy(runs[stack], "trading-api-metrics-from-prometheus"));
    expect(prom.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } } }], ports: [{ protocol: "TCP", port: 9090 }] },
    ]);
  });

  it("allows the egress the app needs: DNS, PostgreSQL/Redis/RabbitMQ in the database subnets, HTTPS", () => {
    const dbCidrs = ofType(runs[stack], "aws:ec2/subnet:Subnet").filter((s) => s.name.startsWith("network-database-")).map((s) => s.inputs.cidrBlock);
    const egress = spec(policy(runs[stack], "trading-api-egress"));
    expect(egress.policyTypes).toEqual(["Egress"]);
    expect(egress.egress).toEqual([
      { to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }], ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] },
      { to: dbCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: "TCP", port: 5432 }, { protocol: "TCP", port: 6379 }, { protocol: "TCP", port: 5671 }] },
      { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["169.254.169.254/32"] } }], ports: [{ protocol: "TCP", port: 443 }] },
    ]);
  });

  it("exports the namespace and service", () => {
    expect(runs[stack].outputs.tradingApi).toMatchObject({ namespace: "trading-api", service: "trading-api" });
  });
});

describe.each(["dev", "prod"])("every Kubernetes object of %s", (stack) => {
  it("passes the official schema of its API version (CRDs: the chart's CRD schema)", () => {
    const all = kubernetesObjects(runs[stack].resources);
    const objects = all.filter((r) => hasOfflineSchema(r.inputs));
    expect(objects.length).toBeGreaterThanOrEqual(13);
    const failures = objects.map((r) => ({ name: r.name, kind: r.inputs.kind, errors: schemaErrors(r.inputs) })).filter((f) => f.errors.length > 0);
    expect(failures).toEqual([]);
    // Only the listed kinds (none today) may go without an official schema.
    const unchecked = [...new Set(all.filter((r) => !hasOfflineSchema(r.inputs)).map((r) => `${String(r.inputs.apiVersion)}/${String(r.inputs.kind)}`))].sort();
    expect(unchecked).toEqual(Object.keys(NO_OFFLINE_SCHEMA).sort());
  });
});

describe("the schema check itself", () => {
  it("rejects a Deployment with a wrongly typed field", () => {
    expect(schemaErrors({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" }, spec: { replicas: "three", selector: {}, template: {} } })).not.toEqual([]);
  });
  it("rejects a VPA with an unknown update mode and a TargetGroupBinding without serviceRef", () => {
    expect(schemaErrors({ apiVersion: "autoscaling.k8s.io/v1", kind: "VerticalPodAutoscaler", metadata: { name: "x" }, spec: { targetRef: { kind: "Deployment", name: "x" }, updatePolicy: { updateMode: "Sometimes" } } })).not.toEqual([]);
    expect(schemaErrors({ apiVersion: "elbv2.k8s.aws/v1beta1", kind: "TargetGroupBinding", metadata: { name: "x" }, spec: { targetGroupARN: "arn" } })).not.toEqual([]);
  });
  it("finds CRDs in every chart, including the template-wrapped CloudNativePG file and cert-manager's", () => {
    expect(schemaErrors({ apiVersion: "cert-manager.io/v1", kind: "ClusterIssuer", metadata: { name: "x" }, spec: { selfSigned: { crlDistributionPoints: "not-a-list" } } })).not.toEqual([]);
    expect(schemaErrors({ apiVersion: "postgresql.cnpg.io/v1", kind: "Cluster", metadata: { name: "x" }, spec: { instances: "three" } })).not.toEqual([]);
    expect(schemaErrors({ apiVersion: "elasticsearch.k8s.elastic.co/v1", kind: "Elasticsearch", metadata: { name: "x" }, spec: { version: "9.5.4", nodeSets: [{ name: "default", count: 1 }] } })).toEqual([]);
  });
  it("refuses kinds it has no schema for", () => {
    expect(() => schemaErrors({ apiVersion: "example.com/v1", kind: "Widget" })).toThrow("no schema for example.com/v1 Widget");
  });
});
