import { EXAMPLE_IMAGES, WORKFLOW_SERVICE_ACCOUNT, trainAndPublishTemplate } from "../components/ai/pipelineObjects";
import { placementOn } from "../components/ai/placement";
import { TRITON_IMAGE, exampleInferenceService, inferencePdb, tritonServingRuntime } from "../components/ai/servingObjects";
import { GPU_RULE_METRICS } from "../components/ai/gpuRules";
import { ENVIRONMENT_DEFAULTS } from "../stacks/schema/defaults";
import { RecordedResource, RunResult, runStack } from "../tools/offline/harness";
import { RULES } from "../policy/rules";
import { schemaErrors } from "./support/k8sSchema";
import { evaluatePolicies, loadPolicyConfig } from "./support/policy";
import { TEST_SECRETS, byUrn, jsonInput, named, ofType, tagsOf } from "./support/query";
import { stackRun } from "./support/stackRuns";
import { loadStackFile } from "../tools/offline/stackFile";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const CR = (kind: string, group: string): string => `kubernetes:${group}:${kind}`;
const runs: Record<string, RunResult> = {};
beforeAll(async () => {
  runs.dev = await stackRun("dev");
  runs.prod = await stackRun("prod");
  // Examples on, as an app team's stack would turn them on.
  // A served model needs its GPU nodes at the pool's minimum (validated): 2 replicas x 1 GPU.
  const cluster = JSON.parse(loadStackFile("prod").config["entasis:cluster"]) as { nodePools?: Record<string, Obj> };
  // The pool itself comes from mode ha-scaled; the override merges over it.
  cluster.nodePools = { ...cluster.nodePools, "ai-inference": { minSize: 2, desiredSize: 2 } };
  runs.examples = await runStack({ stack: "prod", secrets: TEST_SECRETS, overrides: { "entasis:ai": { examples: { inferenceService: true, workflowTemplate: true } }, "entasis:cluster": cluster } });
}, 120_000);

type Obj = Record<string, unknown>;
const at = (v: unknown, ...path: string[]): unknown => path.reduce<unknown>((o, k) => (typeof o === "object" && o !== null ? (o as Obj)[k] : undefined), v);
const urn = (run: RunResult, name: string, type?: string): string => named(run, name, type).urn;
const gpuNodes = (run: RunResult): string => urn(run, "cluster-ai-inference-ng");
const systemNodes = (run: RunResult): string => urn(run, "cluster-general-ng-ap-northeast-2a");
const coreDns = (run: RunResult): string => urn(run, "cluster-coredns", "aws:eks/addon:Addon");
const aiDefaults = (stack: string): Obj => ENVIRONMENT_DEFAULTS[stack === "dev" ? "dev" : "prod"].ai as Obj;

const GPU_TOLERATION = { key: "nvidia.com/gpu", operator: "Equal", value: "true", effect: "NoSchedule" };

describe.each(["dev", "prod"])("model serving (KServe) in %s", (stack) => {
  it("installs kserve-crd, then kserve-resources, both v0.20.0 from KServe's OCI registry, into namespace kserve", () => {
    const crds = named(runs[stack], "ai-serving-crds", RELEASE);
    const controller = named(runs[stack], "ai-serving-controller", RELEASE);
    expect(crds.inputs).toMatchObject({ chart: "oci://ghcr.io/kserve/charts/kserve-crd", version: "v0.20.0", namespace: "kserve" });
    expect(controller.inputs).toMatchObject({ chart: "oci://ghcr.io/kserve/charts/kserve-resources", version: "v0.20.0", namespace: "kserve" });
    expect(controller.dependencies).toContain(crds.urn);
    expect(Number(controller.inputs.timeout)).toBeGreaterThanOrEqual(300);
  });

  it("runs the controller in Standard mode (no Knative, Istio or Ingress) on the system pool, after cert-manager and the system pool's nodes", () => {
    const controller = named(runs[stack], "ai-serving-controller", RELEASE);
    expect(at(controller.inputs.values, "kserve", "controller")).toMatchObject({
      deploymentMode: "Standard",
      nodeSelector: { role: "general" },
      gateway: { disableIngressCreation: true, disableIstioVirtualHost: true, ingressGateway: { enableGatewayApi: false } },
    });
    expect(controller.dependencies).toEqual(expect.arrayContaining([urn(runs[stack], "cert-manager-release", RELEASE), systemNodes(runs[stack]), coreDns(runs[stack])]));
    expect(controller.dependencies).not.toContain(gpuNodes(runs[stack]));
    expect(at(controller.inputs.values, "kserve", "storage", "s3")).toMatchObject({ region: "ap-northeast-2", endpoint: "s3.ap-northeast-2.amazonaws.com" });
  });

  it("defines the Triton ServingRuntime: pinned nvcr.io image, KServe's ports and protocols, GPU pool only, the configured GPU limit", () => {
    const rt = named(runs[stack], "ai-serving-triton", CR("ServingRuntime", "serving.kserve.io/v1alpha1"));
    const spec = rt.inputs.spec as Obj;
    const container = (spec.containers as Obj[])[0];
    expect(container.image).toBe(TRITON_IMAGE);
    expect(TRITON_IMAGE).toMatch(/^nvcr\.io\/nvidia\/tritonserver:\d{2}\.\d{2}-py3$/);
    expect(container.args).toEqual(expect.arrayContaining(["tritonserver", "--model-store=/mnt/models", "--http-port=8080", "--grpc-port=9000"]));
    expect(spec.protocolVersions).toEqual(["v2", "grpc-v2"]);
    expect(spec.nodeSelector).toEqual({ role: "ai-inference" });
    expect(spec.tolerations).toEqual([GPU_TOLERATION]);
    const gpus = String(at(aiDefaults(stack), "serving", "gpusPerReplica"));
    expect(at(container, "resources", "limits", "nvidia.com/gpu")).toBe(gpus);
    expect(at(container, "resources", "requests", "nvidia.com/gpu")).toBe(gpus);
    expect(rt.dependencies).toEqual(expect.arrayContaining([urn(runs[stack], "ai-serving-crds", RELEASE), urn(runs[stack], "ai-serving-controller", RELEASE)]));
  });

  it("gives inference pods a service account whose IRSA role only reads the model bucket through S3, with KServe's S3 annotations", () => {
    const sa = named(runs[stack], "ai-serving-service-account", "kubernetes:core/v1:ServiceAccount");
    expect(at(sa.inputs, "metadata")).toMatchObject({
      name: "kserve-models",
      namespace: "ai-serving",
      annotations: { "serving.kserve.io/s3-region": "ap-northeast-2", "serving.kserve.io/s3-endpoint": "s3.ap-northeast-2.amazonaws.com", "serving.kserve.io/s3-usehttps": "1" },
    });
    expect(String(at(sa.inputs, "metadata", "annotations", "eks.amazonaws.com/role-arn"))).toMatch(/^arn:aws:iam::\d{12}:role\//);
    const trust = jsonInput(named(runs[stack], "ai-serving-models-reader-role"), "assumeRolePolicy");
    expect(JSON.stringify(trust)).toContain("system:serviceaccount:ai-serving:kserve-models");
    const policy = jsonInput(named(runs[stack], "ai-serving-models-reader-read-models"), "policy") as { Statement: { Action: string[]; Resource: unknown; Condition?: unknown }[] };
    const actions = policy.Statement.flatMap((s) => s.Action);
    expect(actions).toEqual(expect.arrayContaining(["s3:GetObject", "s3:ListBucket", "kms:Decrypt"]));
    expect(actions).not.toContain("s3:PutObject");
    expect(JSON.stringify(policy.Statement.map((s) => s.Resource))).toContain("models");
    expect(JSON.stringify(policy.Statement.map((s) => s.Resource))).not.toContain("ml-artifacts");
    expect(policy.Statement.find((s) => s.Action.includes("kms:Decrypt"))?.Condition).toEqual({ StringEquals: { "kms:ViaService": "s3.ap-northeast-2.amazonaws.com" } });
  });

  it("registers no example InferenceService or WorkflowTemplate unless config turns them on", () => {
    expect(ofType(runs[stack], CR("InferenceService", "serving.kserve.io/v1beta1"))).toEqual([]);
    expect(ofType(runs[stack], CR("WorkflowTemplate", "argoproj.io/v1alpha1"))).toEqual([]);
  });
});

describe.each(["dev", "prod"])("GPU observability in %s", (stack) => {
  it("runs the DCGM exporter 4.8.2 on GPU nodes only, scraped through a ServiceMonitor Prometheus selects, after the monitoring release and the system pool (a per-node agent never waits for a quota-blocked GPU pool)", () => {
    const dcgm = named(runs[stack], "ai-gpu-monitoring-dcgm-exporter", RELEASE);
    expect(dcgm.inputs).toMatchObject({ chart: "dcgm-exporter", version: "4.8.2", namespace: "node-agents" });
    expect(dcgm.inputs.values).toMatchObject({
      nodeSelector: { role: "ai-inference" },
      tolerations: [GPU_TOLERATION],
      serviceMonitor: { enabled: true, additionalLabels: { release: "kube-prometheus-stack" } },
    });
    expect(dcgm.dependencies).toEqual(expect.arrayContaining([urn(runs[stack], "monitoring-kube-prometheus-stack", RELEASE), systemNodes(runs[stack]), coreDns(runs[stack])]));
    expect(dcgm.dependencies).not.toContain(gpuNodes(runs[stack]));
  });

  it("alerts on XID errors, memory pressure, an idle pool that still costs money and missing GPU metrics, with thresholds from config", () => {
    const rule = named(runs[stack], "ai-gpu-monitoring-rules");
    const rules = (at(rule.inputs, "spec", "groups") as { rules: { alert: string; expr: string; for: string }[] }[]).flatMap((g) => g.rules);
    expect(rules.map((r) => r.alert)).toEqual(["GpuXidError", "GpuMemoryPressure", "GpuPoolIdle", "GpuMetricsMissing"]);
    const alerts = at(aiDefaults(stack), "gpuAlerts") as { idleUtilPercent: number; idleFor: string; memoryUsedPercent: number };
    const idle = rules.find((r) => r.alert === "GpuPoolIdle");
    expect(idle?.for).toBe(alerts.idleFor);
    expect(idle?.expr).toContain(`avg(DCGM_FI_DEV_GPU_UTIL) < ${alerts.idleUtilPercent}`);
    expect(idle?.expr).toContain('count(kube_node_labels{label_role="ai-inference"}) > 0');
    expect(rules.find((r) => r.alert === "GpuMemoryPressure")?.expr).toContain(`> ${alerts.memoryUsedPercent}`);
    expect(rules.find((r) => r.alert === "GpuXidError")?.expr).toContain("DCGM_FI_DEV_XID_ERRORS");
    expect(at(rule.inputs, "metadata", "labels")).toEqual({ release: "kube-prometheus-stack" });
    expect(rule.dependencies).toContain(urn(runs[stack], "monitoring-kube-prometheus-stack", RELEASE));
  });

  it("names only metrics its exporters provide, and provisions a GPU dashboard for Grafana's sidecar", () => {
    const known = Object.values(GPU_RULE_METRICS).flat();
    const rule = named(runs[stack], "ai-gpu-monitoring-rules");
    const dashboard = named(runs[stack], "ai-gpu-monitoring-dashboard", "kubernetes:core/v1:ConfigMap");
    const text = JSON.stringify(at(rule.inputs, "spec")) + JSON.stringify(dashboard.inputs.data);
    const used = [...new Set(text.match(/\b(DCGM_FI_[A-Z_]+|kube_[a-z_]+)\b/g) ?? [])];
    expect(used.filter((m) => !known.includes(m))).toEqual([]);
    expect(at(dashboard.inputs, "metadata", "labels")).toEqual({ grafana_dashboard: "1" });
    const json = JSON.parse(String(at(dashboard.inputs, "data", "entasis-gpu.json"))) as { panels: { title: string }[] };
    expect(json.panels.map((p) => p.title)).toEqual(expect.arrayContaining(["GPU utilisation", "GPU memory used"]));
  });
});

describe.each(["dev", "prod"])("training pipelines (Argo Workflows) in %s", (stack) => {
  const argo = (): RecordedResource => named(runs[stack], "ai-pipelines-argo-workflows", RELEASE);

  it("installs argo-workflows 1.0.18 in its own namespace with the minimal CRDs from the chart (no hook Job downloading from GitHub)", () => {
    expect(argo().inputs).toMatchObject({ chart: "argo-workflows", version: "1.0.18", namespace: "argo", name: "argo-workflows" });
    expect(at(argo().inputs.values, "crds")).toEqual({ install: true, full: false, keep: true });
    expect(at(argo().inputs.values, "singleNamespace")).toBe(true);
    expect(argo().dependencies).toContain(urn(runs[stack], "ai-pipelines-namespace", "kubernetes:core/v1:Namespace"));
  });

  it("runs controller and server on the system pool, waiting for its nodes; the server is ClusterIP with no ingress and client auth", () => {
    const v = argo().inputs.values as Obj;
    const replicas = Number(at(aiDefaults(stack), "pipelines", "replicas"));
    for (const part of ["controller", "server"]) {
      expect(at(v, part)).toMatchObject({ nodeSelector: { role: "general" }, replicas, pdb: { enabled: replicas > 1 } });
      expect(at(v, part, "resources")).toMatchObject({ requests: { cpu: expect.any(String), memory: expect.any(String) }, limits: { memory: expect.any(String) } });
    }
    expect(at(v, "server")).toMatchObject({ serviceType: "ClusterIP", ingress: { enabled: false }, authModes: ["client"] });
    expect(argo().dependencies).toEqual(expect.arrayContaining([systemNodes(runs[stack]), coreDns(runs[stack])]));
    expect(argo().dependencies).not.toContain(gpuNodes(runs[stack]));
  });

  it("stores artifacts and logs in the artifact bucket with the pods' IRSA credentials, and deletes finished workflows after the configured TTL", () => {
    const v = argo().inputs.values as Obj;
    expect(v.useStaticCredentials).toBe(false);
    expect(at(v, "artifactRepository")).toMatchObject({
      archiveLogs: true,
      s3: { bucket: `entasis-${stack}-ml-artifacts-123456789012-ap-northeast-2`, region: "ap-northeast-2", useSDKCreds: true, insecure: false },
    });
    expect(at(v, "controller", "persistence")).toBeUndefined();
    const ttlHours = Number(at(aiDefaults(stack), "pipelines", "workflowTtlHours"));
    expect(at(v, "controller", "workflowDefaults", "spec", "ttlStrategy")).toEqual({ secondsAfterCompletion: ttlHours * 3600 });
    expect(String(at(v, "workflow", "serviceAccount", "annotations", "eks.amazonaws.com/role-arn"))).toMatch(/^arn:aws:iam::/);
    expect(at(v, "workflow", "serviceAccount", "name")).toBe(WORKFLOW_SERVICE_ACCOUNT);
  });

  it("lets workflow pods write artifacts and publish models, and the server only read artifacts", () => {
    const workflow = JSON.stringify(jsonInput(named(runs[stack], "ai-pipelines-workflow-buckets"), "policy"));
    const server = JSON.stringify(jsonInput(named(runs[stack], "ai-pipelines-server-buckets"), "policy"));
    expect(workflow).toContain("s3:PutObject");
    expect(workflow).toContain("ml-artifacts");
    expect(workflow).toContain("-models");
    expect(workflow).toContain("kms:GenerateDataKey");
    expect(server).not.toContain("s3:PutObject");
    expect(server).not.toContain("-models");
    expect(JSON.stringify(jsonInput(named(runs[stack], "ai-pipelines-workflow-role"), "assumeRolePolicy"))).toContain("system:serviceaccount:argo:argo-workflow");
  });
});

describe.each(["dev", "prod"])("AI buckets and network policies in %s", (stack) => {
  it("creates the model and artifact buckets with SSE-KMS under the area's key, backup-tagged, with retention from config", () => {
    const key = named(runs[stack], "ai-store-key-key");
    for (const role of ["models", "ml-artifacts"]) {
      const bucket = named(runs[stack], `ai-store-${role}`, "aws:s3/bucket:Bucket");
      expect(bucket.inputs.bucket).toBe(`entasis-${stack}-${role}-123456789012-ap-northeast-2`);
      expect(tagsOf(bucket)).toMatchObject({ backup: "true", Name: `entasis-${stack}-${role}`, Environment: stack });
      const sse = named(runs[stack], `ai-store-${role}`, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");
      expect(at(sse.inputs, "rules")).toEqual([expect.objectContaining({ bucketKeyEnabled: true, applyServerSideEncryptionByDefault: expect.objectContaining({ sseAlgorithm: "aws:kms" }) })]);
      expect(sse.dependencies).toContain(key.urn);
    }
    const d = aiDefaults(stack);
    const rulesOf = (role: string): Obj[] => at(named(runs[stack], `ai-store-${role}`, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs, "rules") as Obj[];
    expect(rulesOf("models")[0]).toMatchObject({ noncurrentVersionExpiration: { noncurrentDays: d.modelVersionRetentionDays } });
    expect(at(rulesOf("models")[0], "expiration")).toBeUndefined();
    expect(rulesOf("ml-artifacts")[0]).toMatchObject({ expiration: { days: at(d, "pipelines", "artifactRetentionDays") } });
  });

  it("denies all ingress and egress by default in the serving and pipeline namespaces, then allows DNS, HTTPS out, inference and the Argo server in-cluster", () => {
    const policies = ofType(runs[stack], "kubernetes:networking.k8s.io/v1:NetworkPolicy").filter((p) => byUrn(runs[stack], p.parent)?.type === "entasis:ai:AiNetworkPolicies");
    const byNs = (ns: string): Obj[] => policies.filter((p) => at(p.inputs, "metadata", "namespace") === ns).map((p) => p.inputs);
    for (const ns of ["ai-serving", "argo"]) {
      expect(byNs(ns)).toContainEqual(expect.objectContaining({ spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } }));
      expect(JSON.stringify(byNs(ns))).toContain('"port":53');
    }
    expect(JSON.stringify(byNs("ai-serving"))).toContain('"port":8080');
    expect(JSON.stringify(byNs("argo"))).toContain('"port":2746');
    for (const p of policies) expect(p.dependencies.length).toBeGreaterThan(0);
  });
});

describe("the examples", () => {
  const gpu = placementOn({ name: "ai-inference", labels: { role: "ai-inference" }, taints: [{ key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" }] });
  const data = placementOn({ name: "data-processing", labels: { role: "data-processing" }, taints: [{ key: "workload", value: "data-processing", effect: "NoSchedule" }] });
  const isvc = exampleInferenceService({ namespace: "ai-serving", modelBucket: "entasis-dev-models-123456789012-ap-northeast-2", placement: gpu, minReplicas: 2, maxReplicas: 4, gpus: 1 });
  const wft = trainAndPublishTemplate({ namespace: "argo", region: "ap-northeast-2", modelBucket: "entasis-dev-models-123456789012-ap-northeast-2", gpu, data, trainingGpus: 1, ttlSeconds: 86400 });

  it("are valid against the KServe and full Argo CRD schemas in the chart cache (.charts/), as are the runtime and the PDB", () => {
    expect(schemaErrors(isvc)).toEqual([]);
    expect(schemaErrors(wft)).toEqual([]);
    expect(schemaErrors(tritonServingRuntime({ namespace: "ai-serving", placement: gpu, gpus: 1, cpuMillis: 1000, memoryMiB: 4096 }))).toEqual([]);
    expect(schemaErrors(inferencePdb("example-triton", "ai-serving"))).toEqual([]);
  });

  it("fail the schema check when a field has the wrong type (the check is real)", () => {
    expect(schemaErrors({ ...isvc, spec: { predictor: { minReplicas: "two" } } })).not.toEqual([]);
    expect(schemaErrors({ ...wft, spec: { templates: "train" } })).not.toEqual([]);
  });

  it("put the InferenceService on the Triton runtime and the GPU pool, spread across zones, loading from the model bucket", () => {
    expect(at(isvc, "spec", "predictor")).toMatchObject({
      serviceAccountName: "kserve-models",
      minReplicas: 2,
      maxReplicas: 4,
      nodeSelector: { role: "ai-inference" },
      tolerations: [GPU_TOLERATION],
      model: { runtime: "triton", storageUri: "s3://entasis-dev-models-123456789012-ap-northeast-2/example/triton-repository", resources: { limits: { "nvidia.com/gpu": "1" } } },
    });
    expect(at(isvc, "spec", "predictor", "topologySpreadConstraints")).toEqual([expect.objectContaining({ topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule" })]);
  });

  it("train on the GPU pool, prepare on the data-processing pool, and publish to the model bucket path the InferenceService reads", () => {
    const templates = at(wft, "spec", "templates") as Obj[];
    const byName = (n: string): Obj | undefined => templates.find((t) => t.name === n);
    expect(byName("train")).toMatchObject({ nodeSelector: { role: "ai-inference" }, tolerations: [GPU_TOLERATION], script: { image: EXAMPLE_IMAGES.train, resources: { limits: { "nvidia.com/gpu": "1" } } } });
    expect(byName("prepare")).toMatchObject({ nodeSelector: { role: "data-processing" }, tolerations: [{ key: "workload", operator: "Equal", value: "data-processing", effect: "NoSchedule" }] });
    expect(at(byName("publish"), "outputs", "artifacts")).toEqual([
      expect.objectContaining({ s3: expect.objectContaining({ bucket: "entasis-dev-models-123456789012-ap-northeast-2", key: "example/triton-repository", useSDKCreds: true }) }),
    ]);
    expect(at(wft, "spec", "serviceAccountName")).toBe(WORKFLOW_SERVICE_ACCOUNT);
  });

  it("once turned on, are registered after the releases installing their CRDs; inference waits for the GPU nodes and gets a PodDisruptionBudget in prod", () => {
    const run = runs.examples;
    expect(run.error).toBeUndefined();
    const service = named(run, "ai-serving-example", CR("InferenceService", "serving.kserve.io/v1beta1"));
    expect(service.dependencies).toEqual(expect.arrayContaining([urn(run, "ai-serving-crds", RELEASE), urn(run, "ai-serving-controller", RELEASE), urn(run, "ai-serving-triton"), gpuNodes(run)]));
    expect(String(at(service.inputs, "spec", "predictor", "model", "storageUri"))).toBe("s3://entasis-prod-models-123456789012-ap-northeast-2/example/triton-repository");
    expect(at(service.inputs, "spec", "predictor", "minReplicas")).toBeGreaterThanOrEqual(2);
    const template = named(run, "ai-pipelines-example", CR("WorkflowTemplate", "argoproj.io/v1alpha1"));
    expect(template.dependencies).toContain(urn(run, "ai-pipelines-argo-workflows", RELEASE));
    const pdb = named(run, "ai-serving-example-pdb", "kubernetes:policy/v1:PodDisruptionBudget");
    expect(at(pdb.inputs, "spec")).toEqual({ maxUnavailable: 1, selector: { matchLabels: { "serving.kserve.io/inferenceservice": "example-triton", component: "predictor" } } });
    for (const r of [service, template, pdb]) expect({ name: r.name, errors: schemaErrors(r.inputs) }).toEqual({ name: r.name, errors: [] });
  });

  it("once turned on, pass the AI policy rules (GPU placement, replicas across zones) under prod's policy config", async () => {
    const report = await evaluatePolicies(RULES, runs.examples.resources, { config: loadPolicyConfig("prod") });
    expect(report.findings.filter((x) => x.level === "mandatory")).toEqual([]);
    expect(report.applied["gpu-workloads-on-gpu-pool"]).toBeGreaterThanOrEqual(3);
    expect(report.applied["inference-service-ha"]).toBe(1);
  });
});

describe.each(["dev", "prod"])("custom resources of the AI area in %s", (stack) => {
  it("each wait for the release that installs their CRD", () => {
    const crdRelease: Record<string, string> = {
      "serving.kserve.io": "ai-serving-crds",
      "monitoring.coreos.com": "monitoring-kube-prometheus-stack",
      "argoproj.io": "ai-pipelines-argo-workflows",
    };
    const aiCrs = runs[stack].resources.filter((r) => r.custom && r.type.startsWith("kubernetes:") && byUrn(runs[stack], r.parent)?.type.startsWith("entasis:ai:") && r.type.split(":")[1].split("/")[0] in crdRelease);
    expect(aiCrs.length).toBeGreaterThanOrEqual(2);
    for (const r of aiCrs) expect({ name: r.name, waits: r.dependencies.includes(urn(runs[stack], crdRelease[r.type.split(":")[1].split("/")[0]], RELEASE)) }).toEqual({ name: r.name, waits: true });
  });
});
