import { FLINK_IMAGE, FLINK_OPERATOR_IMAGE } from "../lib/helmCharts";
import { RecordedResource, RunResult, runStack } from "../tools/offline/harness";
import { effectiveConfig } from "./support/config";
import { flinkCandlesDeployment, sparkBackfillApplication } from "../components/processing/examples";
import { placementOn } from "../components/processing/placement";
import { schemaErrors } from "./support/k8sSchema";
import { evaluatePolicies } from "./support/policy";
import { RULES } from "../policy/rules";
import { TEST_SECRETS, byUrn, jsonInput, named, ofType, str, tagsOf } from "./support/query";
import { stackRun } from "./support/stackRuns";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const VAP = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy";
const STACKS = ["dev", "prod"] as const;
const runs: Record<string, RunResult> = {};
/** The same stacks with both examples turned on. */
const withExamples: Record<string, RunResult> = {};

function processingOverride(stack: string): Record<string, unknown> {
  // The stack's processing config as merged over its mode (the quotas come from the mode).
  const current: Record<string, unknown> = { ...effectiveConfig(stack).processing };
  return { "entasis:processing": { ...current, examples: { sparkBackfill: true, flinkCandles: true } } };
}

beforeAll(async () => {
  for (const stack of STACKS) {
    runs[stack] = await stackRun(stack);
    withExamples[stack] = await runStack({ stack, secrets: TEST_SECRETS, overrides: processingOverride(stack) });
  }
}, 600_000);

const urnOf = (run: RunResult, name: string, type?: string): string => named(run, name, type).urn;
/** The value at a path of nested objects and arrays (undefined when absent). */
function dig(value: unknown, ...path: (string | number)[]): unknown {
  return path.reduce<unknown>((v, k) => (typeof v === "object" && v !== null ? (v as Record<string | number, unknown>)[k] : undefined), value);
}
const values = (r: RecordedResource, ...path: (string | number)[]): unknown => dig(r.inputs.values, ...path);
interface Statement {
  readonly Sid: string;
  readonly Action: string[];
  readonly Resource: string | string[];
}
const statements = (r: RecordedResource): Statement[] => jsonInput(r, "policy").Statement as Statement[];
const resourcesOf = (s: { Resource: string | string[] }): string[] => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);

describe.each(STACKS)("operators of %s run on the system pool", (stack) => {
  const run = (): RunResult => runs[stack];

  it("installs the pinned Spark operator from its repository, with its CRDs, watching only the jobs namespace", () => {
    const r = named(run(), "spark-operator", RELEASE);
    expect(r.inputs).toMatchObject({ chart: "spark-operator", version: "2.5.2", repositoryOpts: { repo: "https://kubeflow.github.io/spark-operator" }, namespace: "spark-operator", skipCrds: false });
    expect(Number(r.inputs.timeout)).toBeGreaterThanOrEqual(300);
    expect(values(r, "spark", "jobNamespaces")).toEqual(["spark-jobs"]);
  });

  it("installs the pinned Flink operator with an explicit image tag (never latest), watching only the jobs namespace", () => {
    const r = named(run(), "flink-operator", RELEASE);
    expect(r.inputs).toMatchObject({ chart: "flink-kubernetes-operator", version: "1.15.0", namespace: "flink-operator", skipCrds: false });
    expect(values(r, "image")).toEqual({ repository: FLINK_OPERATOR_IMAGE.repository, tag: "79d730b" });
    expect(values(r, "watchNamespaces")).toEqual(["flink-jobs"]);
  });

  it("selects the general pool for every operator pod and requests CPU and memory", () => {
    const spark = named(run(), "spark-operator", RELEASE);
    for (const part of ["controller", "webhook"]) {
      expect(values(spark, part, "nodeSelector")).toEqual({ role: "general" });
      expect(values(spark, part, "resources")).toMatchObject({ requests: { cpu: expect.any(String), memory: expect.any(String) }, limits: { memory: expect.any(String) } });
    }
    const flink = named(run(), "flink-operator", RELEASE);
    expect(values(flink, "operatorPod", "nodeSelector")).toEqual({ role: "general" });
    expect(values(flink, "operatorPod", "resources", "requests")).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(values(flink, "operatorPod", "webhook", "resources", "limits")).toMatchObject({ memory: expect.any(String) });
  });

  it("waits for the system pool's nodes and CoreDNS, never for the data pool; Flink also for cert-manager (its webhook certificate)", () => {
    for (const name of ["spark-operator", "flink-operator"]) {
      const deps = named(run(), name, RELEASE).dependencies;
      expect(deps).toEqual(expect.arrayContaining([urnOf(run(), "cluster-general-ng-ap-northeast-2a"), urnOf(run(), "cluster-coredns", "aws:eks/addon:Addon")]));
      expect(deps).not.toContain(urnOf(run(), "cluster-data-processing-ng-ap-northeast-2a"));
    }
    expect(named(run(), "flink-operator", RELEASE).dependencies).toContain(urnOf(run(), "cert-manager-release", RELEASE));
    expect(values(named(run(), "flink-operator", RELEASE), "webhook")).toEqual({ create: true });
  });

  it("runs the operators highly available in prod only (Spark controller and webhook with PodDisruptionBudgets)", () => {
    const spark = named(run(), "spark-operator", RELEASE);
    const replicas = stack === "prod" ? 2 : 1;
    expect(values(spark, "controller")).toMatchObject({ replicas, podDisruptionBudget: { enable: replicas > 1 } });
    expect(values(spark, "webhook")).toMatchObject({ replicas, podDisruptionBudget: { enable: replicas > 1 } });
  });
});

describe.each(STACKS)("job pods of %s are confined to the data-processing pool", (stack) => {
  const run = (): RunResult => runs[stack];

  it.each(["spark", "flink"])("rejects %s pods without the pool's node selector and toleration (ValidatingAdmissionPolicy, Deny)", (engine) => {
    const ns = `${engine}-jobs`;
    const policy = named(run(), `${engine}-jobs-placement`, VAP);
    const spec = policy.inputs.spec as { failurePolicy: string; matchConstraints: Record<string, unknown>; validations: { expression: string; message: string }[] };
    expect(spec.failurePolicy).toBe("Fail");
    expect(spec.matchConstraints).toEqual({
      resourceRules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["pods"] }],
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } },
    });
    const cel = spec.validations.map((v) => v.expression).join("\n");
    expect(cel).toContain("object.spec.nodeSelector['role'] == 'data-processing'");
    expect(cel).toContain("t.key == 'workload'");
    expect(cel).toContain("t.value == 'data-processing'");
    expect(spec.validations.every((v) => v.message.includes(ns))).toBe(true);
    const binding = named(run(), `${engine}-jobs-placement`, "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding");
    expect(binding.inputs.spec).toMatchObject({ policyName: `${ns}-data-pool-placement`, validationActions: ["Deny"] });
  });

  it("places every FlinkDeployment through the operator's default configuration", () => {
    const conf = String(values(named(run(), "flink-operator", RELEASE), "defaultConfiguration", "flink-conf.yaml"));
    for (const role of ["jobmanager", "taskmanager"]) {
      expect(conf).toContain(`kubernetes.${role}.node-selector: role:data-processing`);
      expect(conf).toContain(`kubernetes.${role}.tolerations: key:workload,operator:Equal,value:data-processing,effect:NoSchedule`);
    }
  });

  it("gives each jobs namespace a quota and limits from config (per-container max = one node's room)", () => {
    const file = effectiveConfig(stack).processing;
    const q = named(run(), "spark-jobs-quota", "kubernetes:core/v1:ResourceQuota");
    expect((q.inputs.spec as { hard: unknown }).hard).toEqual({ "requests.cpu": `${file.spark.quota.cpu}`, "requests.memory": `${file.spark.quota.memoryGiB}Gi`, "limits.memory": `${file.spark.quota.memoryGiB}Gi`, pods: `${file.spark.quota.pods}` });
    const limits = (named(run(), "flink-jobs-limits", "kubernetes:core/v1:LimitRange").inputs.spec as { limits: Record<string, Record<string, string>>[] }).limits[0];
    // r5.xlarge (dev) / r5.2xlarge (prod) allocatable minus the DaemonSet reserve.
    expect(limits.max).toEqual(stack === "dev" ? { cpu: "3520m", memory: "30751Mi" } : { cpu: "7510m", memory: "63519Mi" });
    expect(limits.defaultRequest).toEqual({ cpu: "500m", memory: "1024Mi" });
  });

  it("schema-checks both examples as the platform generates them, with the pool's placement on every Spark pod", () => {
    const placement = placementOn({ name: "data-processing", labels: { role: "data-processing" }, taints: [{ key: "workload", value: "data-processing", effect: "NoSchedule" }] });
    const spark = sparkBackfillApplication({
      namespace: "spark-jobs",
      serviceAccount: "spark",
      placement,
      driver: { cores: 1, memoryMiB: 2048 },
      executor: { cores: 2, memoryMiB: 8192, instances: 2 },
      marketDataBucket: "market",
      eventLogBucket: "logs",
      timezone: "Asia/Seoul",
    });
    const flink = flinkCandlesDeployment({ namespace: "flink-jobs", serviceAccount: "flink", jobManager: { cpu: 1, memoryMiB: 2048 }, taskManager: { cpu: 1, memoryMiB: 4096, slots: 2 }, marketDataBucket: "market" });
    // Not registered (examples are off by default), still checked against the CRDs of the chart cache (.charts/).
    for (const cr of [spark, flink]) expect({ kind: cr.kind, errors: schemaErrors({ ...cr }) }).toEqual({ kind: cr.kind, errors: [] });
    expect(schemaErrors({ ...flink, spec: { ...flink.spec, job: { upgradeMode: "sometimes" } } })).not.toEqual([]);
    expect(spark.kind).toBe("ScheduledSparkApplication");
    const template = spark.spec.template as { driver: Record<string, unknown>; executor: Record<string, unknown> };
    for (const pod of [template.driver, template.executor]) {
      expect(pod.nodeSelector).toEqual({ role: "data-processing" });
      expect(pod.tolerations).toEqual([{ key: "workload", operator: "Equal", value: "data-processing", effect: "NoSchedule" }]);
      expect(pod.serviceAccount).toBe("spark");
    }
    expect((flink.spec.job as { upgradeMode: string }).upgradeMode).toBe("savepoint");
    expect(flink.spec.image).toBe(FLINK_IMAGE);
  });
});

describe.each(STACKS)("examples of %s", (stack) => {
  it("are not created unless config turns them on", () => {
    expect(ofType(runs[stack], "kubernetes:sparkoperator.k8s.io/v1beta2:ScheduledSparkApplication")).toEqual([]);
    expect(ofType(runs[stack], "kubernetes:flink.apache.org/v1beta1:FlinkDeployment")).toEqual([]);
  });

  it("when on, pass their CRD's schema from the chart cache (.charts/) and wait for the release, the namespace's guardrails and the data pool", () => {
    const run = withExamples[stack];
    const spark = named(run, "spark-example", "kubernetes:sparkoperator.k8s.io/v1beta2:ScheduledSparkApplication");
    const flink = named(run, "flink-example", "kubernetes:flink.apache.org/v1beta1:FlinkDeployment");
    for (const cr of [spark, flink]) expect({ name: cr.name, errors: schemaErrors(cr.inputs) }).toEqual({ name: cr.name, errors: [] });
    // A dependency on a component is one on each of its children: the quota and the placement policy.
    const guardrails = (engine: string): string[] => [urnOf(run, `${engine}-jobs-quota`, "kubernetes:core/v1:ResourceQuota"), urnOf(run, `${engine}-jobs-placement`, "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding")];
    const dataPool = [urnOf(run, "cluster-data-processing-ng-ap-northeast-2a"), urnOf(run, "cluster-coredns", "aws:eks/addon:Addon")];
    expect(spark.dependencies).toEqual(expect.arrayContaining([urnOf(run, "spark-operator", RELEASE), ...guardrails("spark"), ...dataPool]));
    expect(flink.dependencies).toEqual(
      expect.arrayContaining([urnOf(run, "flink-operator", RELEASE), ...guardrails("flink"), urnOf(run, "flink-upgrade-mode", "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding"), ...dataPool]),
    );
    const template = (spark.inputs.spec as { schedule: string; template: { mainApplicationFile: string; sparkConf: Record<string, string> } });
    expect(template.schedule).toBe("0 1 * * *");
    expect(template.template.mainApplicationFile).toMatch(new RegExp(`^s3a://entasis-${stack}-market-data-\\d{12}-ap-northeast-2/jobs/`));
    expect(template.template.sparkConf["spark.eventLog.dir"]).toMatch(new RegExp(`^s3a://entasis-${stack}-spark-event-logs-\\d{12}-ap-northeast-2/event-logs/$`));
  });
});

describe.each(STACKS)("custom resources of the processing layer in %s (examples on)", (stack) => {
  it("each waits for the Helm release that installs its CRD", () => {
    const run = withExamples[stack];
    const installedBy: Record<string, string> = { "monitoring.coreos.com": "monitoring-kube-prometheus-stack", "sparkoperator.k8s.io": "spark-operator", "flink.apache.org": "flink-operator" };
    const crs = run.resources.filter((r) => r.custom && /^(spark|flink)-/.test(r.name) && Object.keys(installedBy).some((g) => r.type.startsWith(`kubernetes:${g}/`)));
    expect(crs.map((r) => r.type.split(":")[1].split("/")[0]).sort()).toEqual(["flink.apache.org", "monitoring.coreos.com", "monitoring.coreos.com", "monitoring.coreos.com", "monitoring.coreos.com", "sparkoperator.k8s.io"]);
    for (const cr of crs) {
      const group = cr.type.split(":")[1].split("/")[0];
      expect({ cr: cr.name, waits: cr.dependencies.includes(urnOf(run, installedBy[group], RELEASE)) }).toEqual({ cr: cr.name, waits: true });
    }
  });
});

describe.each(STACKS)("the policy pack on %s with the examples on", (stack) => {
  it("applies the processing rules to the examples and the namespaces, and finds nothing", async () => {
    const names = ["spark-jobs-on-data-pool", "flink-savepoint-upgrades", "processing-namespace-guardrails"];
    const report = await evaluatePolicies(RULES.filter((r) => names.includes(r.name)), withExamples[stack].resources);
    expect(report.findings).toEqual([]);
    expect(report.cannotRun).toEqual([]);
    for (const name of names) expect({ name, applied: (report.applied[name] ?? 0) > 0 }).toEqual({ name, applied: true });
  });
});

describe.each(STACKS)("the Spark history server of %s", (stack) => {
  const run = (): RunResult => runs[stack];
  const deployment = (): RecordedResource => named(run(), "spark-history-deployment", "kubernetes:apps/v1:Deployment");
  const pod = (...path: (string | number)[]): unknown => dig(deployment().inputs.spec, "template", "spec", ...path);

  it("runs a pinned official Spark image on the system pool, after its nodes", () => {
    expect(pod("nodeSelector")).toEqual({ role: "general" });
    expect(pod("containers", 0, "image")).toMatch(/^apache\/spark:3\.5\.7-/);
    expect(deployment().dependencies).toEqual(expect.arrayContaining([urnOf(run(), "cluster-general-ng-ap-northeast-2a"), urnOf(run(), "cluster-coredns", "aws:eks/addon:Addon")]));
  });

  it("reads the event-log bucket through IRSA, as non-root on a read-only root filesystem, with probes and resources", () => {
    const env = pod("containers", 0, "env") as { name: string; value: string }[];
    const opts = env.find((e) => e.name === "SPARK_HISTORY_OPTS")?.value ?? "";
    expect(opts).toMatch(new RegExp(`spark.history.fs.logDirectory=s3a://entasis-${stack}-spark-event-logs-\\d{12}-ap-northeast-2/event-logs/`));
    expect(opts).toContain("fs.s3a.aws.credentials.provider=com.amazonaws.auth.WebIdentityTokenCredentialsProvider");
    expect(pod("securityContext")).toMatchObject({ runAsNonRoot: true, runAsUser: 185, fsGroup: 185 });
    for (const container of [pod("initContainers", 0), pod("containers", 0)]) expect(dig(container, "securityContext")).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
    expect(pod("containers", 0, "readinessProbe", "httpGet", "port")).toBe(18080);
    expect(pod("containers", 0, "livenessProbe", "httpGet", "port")).toBe(18080);
    expect(pod("containers", 0, "resources")).toMatchObject({ requests: { cpu: "250m", memory: expect.any(String) }, limits: { memory: "2Gi" } });
    const sa = named(run(), "spark-history-sa", "kubernetes:core/v1:ServiceAccount");
    expect((sa.inputs.metadata as { annotations: Record<string, string> }).annotations["eks.amazonaws.com/role-arn"]).toMatch(/^arn:aws:iam::\d{12}:role\//);
    expect(pod("serviceAccountName")).toBe("spark-history-server");
  });
});

describe.each(STACKS)("buckets and IAM of %s", (stack) => {
  const run = (): RunResult => runs[stack];

  it.each([
    ["spark-event-logs", "spark-event-logs-key"],
    ["flink-state", "flink-state-key"],
  ])("%s is a private, versioned, TLS-only bucket encrypted with its own rotating KMS key, tagged for AWS Backup", (bucket, key) => {
    const b = named(run(), bucket, "aws:s3/bucket:Bucket");
    expect(str(b, "bucket")).toMatch(new RegExp(`^entasis-${stack}-${bucket}-\\d{12}-ap-northeast-2$`));
    expect(tagsOf(b)).toMatchObject({ backup: "true", Environment: stack, Name: `entasis-${stack}-${bucket}` });
    const sse = named(run(), bucket, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs.rules as { applyServerSideEncryptionByDefault: { sseAlgorithm: string; kmsMasterKeyId: string }; bucketKeyEnabled: boolean }[];
    const kms = named(run(), key, "aws:kms/key:Key");
    expect(sse[0]).toMatchObject({ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" }, bucketKeyEnabled: true });
    expect(kms.inputs.enableKeyRotation).toBe(true);
    expect(named(run(), bucket, "aws:s3/bucketVersioning:BucketVersioning").inputs.versioningConfiguration).toEqual({ status: "Enabled" });
    expect(named(run(), bucket, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs).toMatchObject({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
    expect(b.protect).toBe(stack === "prod");
  });

  it("expires Spark event logs after the configured retention", () => {
    const rules = named(run(), "spark-event-logs", "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules as { expiration?: { days: number } }[];
    expect(rules[0].expiration).toEqual({ days: stack === "prod" ? 90 : 30 });
  });

  it("lets only the jobs' service accounts assume the job roles (IRSA sub and aud pinned)", () => {
    for (const [role, sub] of [
      ["spark-jobs-role", "system:serviceaccount:spark-jobs:spark"],
      ["spark-history-role", "system:serviceaccount:spark-operator:spark-history-server"],
      ["flink-jobs-role", "system:serviceaccount:flink-jobs:flink"],
    ]) {
      const trust = JSON.stringify(jsonInput(named(run(), role, "aws:iam/role:Role"), "assumeRolePolicy"));
      expect(trust).toContain(`:sub":"${sub}"`);
      expect(trust).toContain(':aud":"sts.amazonaws.com"');
    }
  });

  it("scopes the job policies: no wildcard resource; Spark writes only candles/ of the market data, the history server only reads", () => {
    const market = str(named(run(), "object-storage-market-data", "aws:s3/bucket:Bucket"), "bucket");
    const spark = statements(named(run(), "spark-jobs-access", "aws:iam/rolePolicy:RolePolicy"));
    const writes = spark.filter((s) => s.Action.includes("s3:PutObject")).flatMap(resourcesOf);
    expect(writes).toEqual([`arn:aws:s3:::${market}/candles/*`, expect.stringMatching(/spark-event-logs-\d{12}-ap-northeast-2\/\*$/)]);
    const flink = statements(named(run(), "flink-jobs-access", "aws:iam/rolePolicy:RolePolicy"));
    expect(flink.filter((s) => s.Action.includes("s3:PutObject")).flatMap(resourcesOf)).toEqual([expect.stringMatching(/flink-state-\d{12}-ap-northeast-2\/\*$/), `arn:aws:s3:::${market}/candles-1m/*`]);
    const history = statements(named(run(), "spark-history-access", "aws:iam/rolePolicy:RolePolicy"));
    expect(history.flatMap((s) => s.Action).sort()).toEqual(["kms:Decrypt", "s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket"]);
    for (const s of [...spark, ...flink, ...history]) expect(resourcesOf(s)).not.toContain("*");
    // The market-data key is needed to read SSE-KMS objects.
    const marketKey = String(named(run(), "object-storage-market-data-key", "aws:kms/key:Key").state.arn);
    expect(spark.find((s) => s.Sid === "BucketKeys")?.Resource).toContain(marketKey);
  });
});

describe.each(STACKS)("Flink durability and monitoring in %s", (stack) => {
  const run = (): RunResult => runs[stack];

  it("defaults every job to Kubernetes HA, RocksDB and checkpoints/savepoints in the state bucket over s3:// with IRSA", () => {
    const conf = String(values(named(run(), "flink-operator", RELEASE), "defaultConfiguration", "flink-conf.yaml"));
    const bucket = str(named(run(), "flink-state", "aws:s3/bucket:Bucket"), "bucket");
    expect(conf).toContain("high-availability.type: kubernetes");
    for (const [key, dir] of [["high-availability.storageDir", "ha"], ["state.checkpoints.dir", "checkpoints"], ["state.savepoints.dir", "savepoints"]]) expect(conf).toContain(`${key}: s3://${bucket}/${dir}`);
    expect(conf).toContain("execution.checkpointing.interval: 60 s");
    expect(conf).toContain("fs.s3a.aws.credentials.provider: com.amazonaws.auth.WebIdentityTokenCredentialsProvider");
    expect(conf).toContain("ENABLE_BUILT_IN_PLUGINS: flink-s3-fs-hadoop-1.20.2.jar");
  });

  it("admits a FlinkDeployment only with upgradeMode savepoint or last-state (or an explicit stateless opt-out)", () => {
    const spec = named(run(), "flink-upgrade-mode", VAP).inputs.spec as { matchConstraints: { resourceRules: { apiGroups: string[]; resources: string[] }[] }; validations: { expression: string }[] };
    expect(spec.matchConstraints.resourceRules[0]).toMatchObject({ apiGroups: ["flink.apache.org"], resources: ["flinkdeployments"] });
    expect(spec.validations[0].expression).toContain("object.spec.job.upgradeMode in ['savepoint', 'last-state']");
  });

  it("scrapes the operators and Flink jobs with PodMonitors the chart's selector picks up, created after the monitoring release", () => {
    const monitors = ofType(run(), "kubernetes:monitoring.coreos.com/v1:PodMonitor").filter((m) => /^(flink|spark)-/.test(m.name));
    expect(monitors.map((m) => m.name).sort()).toEqual(["flink-jobs-metrics", "flink-operator-metrics", "spark-operator-metrics"]);
    for (const m of monitors) {
      expect((m.inputs.metadata as { labels: Record<string, string> }).labels).toEqual({ release: "kube-prometheus-stack" });
      expect(m.dependencies).toContain(urnOf(run(), "monitoring-kube-prometheus-stack", RELEASE));
    }
    const ports = Object.fromEntries(monitors.map((m) => [m.name, (m.inputs.spec as { podMetricsEndpoints: { portNumber: number }[] }).podMetricsEndpoints[0].portNumber]));
    expect(ports).toEqual({ "flink-jobs-metrics": 9249, "flink-operator-metrics": 9999, "spark-operator-metrics": 8080 });
    expect(values(named(run(), "flink-operator", RELEASE), "metrics")).toEqual({ port: 9999 });
  });

  it("alerts on failing or stalled checkpoints, restarts and a missing operator, after the monitoring release", () => {
    const rule = named(run(), "flink-rules", "kubernetes:monitoring.coreos.com/v1:PrometheusRule");
    expect(rule.dependencies).toContain(urnOf(run(), "monitoring-kube-prometheus-stack", RELEASE));
    const groups = (rule.inputs.spec as { groups: { rules: { alert: string; expr: string }[] }[] }).groups;
    const alerts = groups.flatMap((g) => g.rules);
    expect(alerts.map((a) => a.alert)).toEqual(["FlinkCheckpointsFailing", "FlinkCheckpointsStalled", "FlinkJobRestarting", "FlinkOperatorDown"]);
    expect(alerts[0].expr).toContain('flink_jobmanager_job_numberOfFailedCheckpoints{namespace="flink-jobs"}');
    expect(alerts[2].expr).toContain("flink_jobmanager_job_numRestarts");
  });
});

describe.each(STACKS)("network policies of the processing namespaces in %s", (stack) => {
  const run = (): RunResult => runs[stack];
  interface PolicySpec {
    readonly podSelector: unknown;
    readonly policyTypes: string[];
    readonly ingress?: { from: unknown[]; ports: { port: number }[] }[];
    readonly egress?: { to: unknown[]; ports?: { port: number }[] }[];
  }
  const policy = (name: string): PolicySpec => named(run(), name, "kubernetes:networking.k8s.io/v1:NetworkPolicy").inputs.spec as PolicySpec;

  it.each(["spark-operator-net", "spark-jobs-net", "flink-operator-net", "flink-jobs-net"])("%s denies everything by default and allows DNS and HTTPS out", (prefix) => {
    expect(policy(`${prefix}-default-deny`)).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    const egress = policy(`${prefix}-dns-and-https`).egress ?? [];
    expect(egress.flatMap((e) => (e.ports ?? []).map((p) => p.port)).sort()).toEqual([443, 53, 53]);
  });

  it("admits the webhooks from the private subnets (control plane ENIs) only, on 9443", () => {
    const privateCidrs = ofType(run(), "aws:ec2/subnet:Subnet").filter((s) => tagsOf(s).Tier === "private").map((s) => str(s, "cidrBlock")).sort();
    for (const name of ["spark-operator-net-allow-webhook", "flink-operator-net-allow-webhook"]) {
      const rule = policy(name).ingress?.[0];
      expect(rule?.ports).toEqual([{ protocol: "TCP", port: 9443 }]);
      expect((rule?.from as { ipBlock: { cidr: string } }[]).map((f) => f.ipBlock.cidr).sort()).toEqual(privateCidrs);
    }
  });

  it("lets the engines' own pods talk inside their jobs namespace, the Flink operator reach JobManager REST, and Prometheus scrape", () => {
    for (const ns of ["spark-jobs-net", "flink-jobs-net"]) expect(policy(`${ns}-same-namespace`).ingress).toEqual([{ from: [{ podSelector: {} }] }]);
    expect(policy("flink-operator-net-allow-jobmanager-rest").egress?.[0].ports).toEqual([{ protocol: "TCP", port: 8081 }]);
    expect(policy("flink-jobs-net-allow-operator").ingress?.[0].ports).toEqual([{ protocol: "TCP", port: 8081 }]);
    for (const name of ["spark-operator-net-allow-metrics", "flink-operator-net-allow-metrics", "flink-jobs-net-allow-metrics"]) {
      expect(policy(name).ingress?.[0].from).toEqual([{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } } }]);
    }
  });

  it("puts every processing Kubernetes object on the cluster's provider, under its engine's component", () => {
    const provider = ofType(run(), "pulumi:providers:kubernetes")[0];
    const objects = run().resources.filter((r) => r.custom && r.type.startsWith("kubernetes:") && /^(spark|flink)-/.test(r.name));
    expect(objects.length).toBeGreaterThan(30);
    for (const o of objects) {
      expect(o.provider?.startsWith(provider.urn)).toBe(true);
      let parent = byUrn(run(), o.parent);
      while (parent && !["entasis:processing:Spark", "entasis:processing:Flink"].includes(parent.type)) parent = byUrn(run(), parent.parent);
      expect(parent?.type).toMatch(/^entasis:processing:(Spark|Flink)$/);
    }
  });
});

describe.each(STACKS)("outputs of %s", (stack) => {
  it("name the namespaces, service accounts, roles and buckets app teams need", () => {
    const out = runs[stack].outputs.processing as Record<string, Record<string, unknown>>;
    expect(out.spark).toMatchObject({ jobNamespace: "spark-jobs", operatorNamespace: "spark-operator", serviceAccount: "spark", eventLogBucket: expect.stringMatching(/spark-event-logs/), roleArn: expect.stringMatching(/^arn:aws:iam::/) });
    expect(out.flink).toMatchObject({ jobNamespace: "flink-jobs", operatorNamespace: "flink-operator", serviceAccount: "flink", stateBucket: expect.stringMatching(/flink-state/) });
    expect(out.placement).toEqual({ nodeSelector: { role: "data-processing" }, tolerations: [{ key: "workload", operator: "Equal", value: "data-processing", effect: "NoSchedule" }] });
  });
});
