import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { insightsOf } from "../tools/insights";
import { RecordedResource, RunResult } from "../tools/offline/harness";
import { BACKUP_COVERAGE } from "../components/backup/coverage";
import { TIMESERIES_RULE_METRICS } from "../components/timeseries/timeseriesRules";
import { byUrn, jsonInput, named, ofType, str } from "./support/query";
import { kubernetesObjects, schemaErrors } from "./support/k8sSchema";
import { recordedRuns } from "./support/runs";

const runs = recordedRuns(["dev", "prod"]);

const RELEASE = "kubernetes:helm.sh/v3:Release";
const CNPG = "kubernetes:postgresql.cnpg.io/v1";
const CLUSTER = `${CNPG}:Cluster`;
type Obj = Record<string, unknown>;
const spec = (r: RecordedResource): Obj => r.inputs.spec as Obj;
const urnOf = (stack: string, name: string, type?: string): string => named(runs[stack], name, type).urn;
/** Resources whose nearest component ancestors include one of the time-series area's types. */
function inTimeseriesArea(run: RunResult, r: RecordedResource): boolean {
  for (let cur = byUrn(run, r.parent); cur; cur = byUrn(run, cur.parent)) if (cur.type.startsWith("entasis:timeseries:")) return true;
  return false;
}

describe.each([
  ["dev", { instances: 1, poolers: 1, operatorReplicas: 1, storage: "20Gi", wal: "5Gi", memory: "2048Mi" }],
  ["prod", { instances: 3, poolers: 2, operatorReplicas: 2, storage: "200Gi", wal: "50Gi", memory: "16384Mi" }],
])("time-series store in %s", (stack, want) => {
  const run = (): RunResult => runs[stack];
  const systemPool = (): string[] => [urnOf(stack, "cluster-general-ng-ap-northeast-2a"), urnOf(stack, "cluster-coredns", "aws:eks/addon:Addon")];

  it("installs the CloudNativePG operator and the Barman Cloud plugin, pinned, with their CRDs, on the system pool", () => {
    const operator = named(run(), "cnpg-operator-release", RELEASE);
    const plugin = named(run(), "barman-cloud-release", RELEASE);
    expect(operator.inputs).toMatchObject({ chart: "cloudnative-pg", version: "0.29.0", namespace: "cnpg-system", createNamespace: false });
    expect(plugin.inputs).toMatchObject({ chart: "plugin-barman-cloud", version: "0.7.0", namespace: "cnpg-system" });
    expect(operator.inputs.values).toMatchObject({ crds: { create: true }, replicaCount: want.operatorReplicas, nodeSelector: { role: "general" }, monitoring: { podMonitorEnabled: true, podMonitorAdditionalLabels: { release: "kube-prometheus-stack" } } });
    expect(plugin.inputs.values).toMatchObject({ crds: { create: true }, nodeSelector: { role: "general" } });
    for (const r of [operator, plugin]) {
      expect(Number(r.inputs.timeout)).toBeGreaterThanOrEqual(300);
      expect(r.dependencies).toEqual(expect.arrayContaining(systemPool()));
      expect(r.dependencies).not.toContain(urnOf(stack, "cluster-data-processing-ng-ap-northeast-2a"));
    }
  });

  it("orders the releases: operator after the Prometheus CRDs, plugin after the operator and cert-manager", () => {
    expect(named(run(), "cnpg-operator-release", RELEASE).dependencies).toContain(urnOf(stack, "monitoring-kube-prometheus-stack", RELEASE));
    expect(named(run(), "barman-cloud-release", RELEASE).dependencies).toEqual(expect.arrayContaining([urnOf(stack, "cnpg-operator-release", RELEASE), urnOf(stack, "cert-manager-release", RELEASE)]));
  });

  it("makes every custom resource wait for the release that installs its CRD", () => {
    const operator = urnOf(stack, "cnpg-operator-release", RELEASE);
    const plugin = urnOf(stack, "barman-cloud-release", RELEASE);
    const prometheus = urnOf(stack, "monitoring-kube-prometheus-stack", RELEASE);
    const crs = run().resources.filter((r) => r.type.startsWith("kubernetes:") && r.type.includes("cnpg.io/") && inTimeseriesArea(run(), r));
    expect(crs.map((r) => r.type).sort()).toEqual(
      [CLUSTER, `${CNPG}:Database`, `${CNPG}:Database`, `${CNPG}:ImageCatalog`, `${CNPG}:Pooler`, `${CNPG}:ScheduledBackup`, "kubernetes:barmancloud.cnpg.io/v1:ObjectStore"].sort(),
    );
    for (const r of crs) {
      const owner = r.type.startsWith("kubernetes:barmancloud.cnpg.io/") ? plugin : operator;
      expect({ name: r.name, waits: r.dependencies.includes(owner) }).toEqual({ name: r.name, waits: true });
    }
    for (const name of ["timeseries-cluster", "timeseries-daily-backup"]) expect(named(run(), name).dependencies).toContain(plugin);
    for (const r of run().resources.filter((x) => x.type.startsWith("kubernetes:monitoring.coreos.com/") && inTimeseriesArea(run(), x))) expect(r.dependencies).toContain(prometheus);
  });

  it("schedules the instances on the data-processing pool (its nodes and CoreDNS first) and PgBouncer on the system pool", () => {
    const cluster = named(run(), "timeseries-cluster", CLUSTER);
    expect(cluster.dependencies).toEqual(expect.arrayContaining([urnOf(stack, "cluster-data-processing-ng-ap-northeast-2a"), urnOf(stack, "cluster-coredns", "aws:eks/addon:Addon")]));
    expect(spec(cluster).affinity).toMatchObject({ nodeSelector: { role: "data-processing" }, tolerations: [{ key: "workload", operator: "Equal", value: "data-processing", effect: "NoSchedule" }] });
    const pooler = named(run(), "timeseries-pooler", `${CNPG}:Pooler`);
    expect(pooler.dependencies).toEqual(expect.arrayContaining([...systemPool(), cluster.urn]));
    expect(spec(pooler)).toMatchObject({ instances: want.poolers, type: "rw", pgbouncer: { poolMode: "transaction", parameters: { client_tls_sslmode: "require" } }, template: { spec: { nodeSelector: { role: "general" } } } });
  });

  it("preloads TimescaleDB from the timescaledb-ha image catalog and requires TLS for every TCP client", () => {
    const s = spec(named(run(), "timeseries-cluster", CLUSTER));
    expect(s).toMatchObject({
      instances: want.instances,
      imageCatalogRef: { kind: "ImageCatalog", name: "timescaledb", major: 17 },
      postgresUID: 1000,
      postgresGID: 1000,
      enableSuperuserAccess: false,
      postgresql: { shared_preload_libraries: ["timescaledb"], pg_hba: ["hostssl all all all scram-sha-256", "hostnossl all all all reject"] },
      resources: { requests: { memory: want.memory }, limits: { memory: want.memory } },
    });
    expect(spec(named(run(), "timeseries-image-catalog"))).toEqual({ images: [{ major: 17, image: "timescale/timescaledb-ha:pg17.4-ts2.18.2" }] });
  });

  it("puts PGDATA and WAL on KMS-encrypted gp3 volumes sized from config, kept out of EBS snapshots", () => {
    const sc = named(run(), "timeseries-gp3", "kubernetes:storage.k8s.io/v1:StorageClass");
    expect(sc.inputs).toMatchObject({ metadata: { name: "gp3-encrypted-timeseries" }, provisioner: "ebs.csi.aws.com", volumeBindingMode: "WaitForFirstConsumer", allowVolumeExpansion: true });
    expect(sc.inputs.parameters).toMatchObject({ type: "gp3", encrypted: "true", kmsKeyId: named(run(), "timeseries-volumes-key").state.arn, tagSpecification_1: "backup=false" });
    expect(sc.inputs.reclaimPolicy).toBe(stack === "prod" ? "Retain" : "Delete");
    const policy = jsonInput(named(run(), "timeseries-volumes-key", "aws:kms/key:Key"), "policy") as { Statement: Obj[] };
    expect(policy.Statement.find((st) => st.Sid === "EbsViaEc2")).toMatchObject({ Condition: { StringEquals: { "kms:ViaService": "ec2.ap-northeast-2.amazonaws.com" } } });
    const s = spec(named(run(), "timeseries-cluster", CLUSTER));
    expect(s.storage).toEqual({ storageClass: "gp3-encrypted-timeseries", size: want.storage, resizeInUseVolumes: true });
    expect(s.walStorage).toEqual({ storageClass: "gp3-encrypted-timeseries", size: want.wal, resizeInUseVolumes: true });
    expect(named(run(), "timeseries-cluster").dependencies).toContain(sc.urn);
  });

  it("archives WAL continuously and takes a daily base backup at the stack's hour (prod 01:00, dev 19:00 Asia/Seoul) to the KMS bucket through the plugin and IRSA", () => {
    const s = spec(named(run(), "timeseries-cluster", CLUSTER));
    expect(s.plugins).toEqual([{ name: "barman-cloud.cloudnative-pg.io", isWALArchiver: true, parameters: { barmanObjectName: "timeseries-backups" } }]);
    const store = named(run(), "timeseries-object-store");
    const bucket = named(run(), "timeseries-backup-timeseries-backups", "aws:s3/bucket:Bucket");
    expect(store.inputs.metadata).toMatchObject({ name: "timeseries-backups", namespace: "timeseries" });
    expect(spec(store)).toMatchObject({ retentionPolicy: "7d", configuration: { destinationPath: `s3://${String(bucket.inputs.bucket)}/`, s3Credentials: { inheritFromIAMRole: true } } });
    expect(spec(named(run(), "timeseries-daily-backup"))).toMatchObject({ schedule: stack === "prod" ? "0 0 16 * * *" : "0 0 10 * * *", method: "plugin", pluginConfiguration: { name: "barman-cloud.cloudnative-pg.io" }, immediate: true });
    const sse = ofType(run(), "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").find((r) => r.name === bucket.name);
    expect(sse?.inputs.rules).toEqual([expect.objectContaining({ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: named(run(), "timeseries-backup-bucket-key").state.arn }, bucketKeyEnabled: true })]);
    const role = named(run(), "timeseries-backup-barman-role", "aws:iam/role:Role");
    expect(JSON.stringify(jsonInput(role, "assumeRolePolicy"))).toContain('"system:serviceaccount:timeseries:timeseries"');
    expect(s.serviceAccountTemplate).toEqual({ metadata: { annotations: { "eks.amazonaws.com/role-arn": role.state.arn } } });
    const access = jsonInput(named(run(), "timeseries-backup-barman-barman", "aws:iam/rolePolicy:RolePolicy"), "policy") as { Statement: { Resource: string }[] };
    expect(access.Statement.map((st) => st.Resource)).toEqual([`${String(bucket.state.arn)}/*`, bucket.state.arn, named(run(), "timeseries-backup-bucket-key").state.arn]);
    expect(bucket.protect).toBe(stack === "prod");
    // What backup coverage states for the type is what the program builds.
    expect(BACKUP_COVERAGE[CLUSTER]).toMatchObject({ by: "other", how: expect.stringContaining("WAL archiving") });
    expect((s.inheritedMetadata as Obj)).toEqual({ labels: { "velero.io/exclude-from-backup": "true" } });
  });

  it("gives every consumer its own role, password, database with TimescaleDB and Secrets Manager secret", () => {
    const s = spec(named(run(), "timeseries-cluster", CLUSTER)) as { managed: { roles: Obj[] } };
    expect(s.managed.roles.map((r) => [r.name, r.passwordSecret, r.superuser])).toEqual([
      ["market_data", { name: "timeseries-role-market-data" }, false],
      ["analytics_ts", { name: "timeseries-role-analytics" }, false],
      // The collectors' roles (schemas in market_data, tests/collectors.test.ts).
      ["collector_exchange_api", { name: "timeseries-role-collector-exchange-api" }, false],
      ["collector_data_feed", { name: "timeseries-role-collector-data-feed" }, false],
    ]);
    for (const [consumer, user, db] of [["market-data", "market_data", "market_data"], ["analytics", "analytics_ts", "analytics"]]) {
      const k8sSecret = named(run(), `timeseries-consumers-${consumer}`, "kubernetes:core/v1:Secret");
      expect(k8sSecret.inputs).toMatchObject({ type: "kubernetes.io/basic-auth", metadata: { name: `timeseries-role-${consumer}`, namespace: "timeseries" } });
      expect(k8sSecret.secretPaths).toContain("stringData");
      expect(named(run(), "timeseries-cluster").dependencies).toContain(k8sSecret.urn);
      expect(spec(named(run(), `timeseries-db-${consumer}`))).toMatchObject({ cluster: { name: "timeseries" }, name: db, owner: user, ensure: "present", databaseReclaimPolicy: "retain", extensions: [{ name: "timescaledb", ensure: "present" }] });
      const version = named(run(), `timeseries-consumers-${consumer}`, "aws:secretsmanager/secretVersion:SecretVersion");
      expect(version.secretPaths).toEqual(["secretString"]);
      expect(JSON.parse(str(version, "secretString"))).toMatchObject({ host: "timeseries-pooler-rw.timeseries.svc.cluster.local", port: 5432, dbname: db, username: user, sslmode: "verify-full", sslrootcert: "/etc/timeseries-ca/ca.crt", password: expect.stringMatching(/.{16,}/) });
      expect(named(run(), `timeseries-consumers-${consumer}`, "aws:secretsmanager/secret:Secret").inputs).toMatchObject({ name: `entasis-${stack}/timeseries/${consumer}`, kmsKeyId: named(run(), "data-secrets-key").state.arn });
    }
  });

  it("denies all traffic in the namespace but what CNPG, Prometheus and the client namespaces need", () => {
    const np = (n: string): Obj => spec(named(run(), `timeseries-network-policies-${n}`, "kubernetes:networking.k8s.io/v1:NetworkPolicy"));
    expect(np("default-deny")).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    const ingress = JSON.stringify(np("instances-ingress"));
    for (const fragment of ['"cnpg-system"', '"port":8000', '"port":9187', '"cnpg.io/poolerName":"timeseries-pooler-rw"', '"values":["trading-api","analytics","collectors"]']) expect(ingress).toContain(fragment);
    expect(JSON.stringify(np("pooler-ingress"))).toContain('"values":["trading-api","analytics","collectors"]');
    expect(JSON.stringify(np("pooler-ingress"))).toContain('"port":9127');
    // trading-api's own policy restricts its egress: it gets 5432 to the database namespace, in its namespace.
    const tradingEgress = named(run(), "timeseries-network-policies-egress-trading-api", "kubernetes:networking.k8s.io/v1:NetworkPolicy");
    expect(tradingEgress.inputs).toMatchObject({ metadata: { name: "trading-api-to-timeseries", namespace: "trading-api" }, spec: { podSelector: { matchLabels: { app: "trading-api" } }, policyTypes: ["Egress"] } });
    expect(spec(tradingEgress).egress).toEqual([{ to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "timeseries" } } }], ports: [{ protocol: "TCP", port: 5432 }] }]);
    expect(tradingEgress.dependencies).toContain(urnOf(stack, "trading-api-ns", "kubernetes:core/v1:Namespace"));
    const egress = JSON.stringify(np("cluster-egress"));
    expect(egress).toContain('"port":443');
    expect(egress).toContain('"k8s-app":"kube-dns"');
  });

  it("is scraped by Prometheus and alerts on lag, failover, missing instances, storage and archiving, from metrics that exist", () => {
    const monitors = run().resources.filter((r) => r.type === "kubernetes:monitoring.coreos.com/v1:PodMonitor" && inTimeseriesArea(run(), r));
    expect(monitors.map((m) => (m.inputs.metadata as Obj).labels)).toEqual([{ release: "kube-prometheus-stack" }, { release: "kube-prometheus-stack" }]);
    const rules = (spec(named(run(), "timeseries-monitoring-rules")).groups as { rules: { alert: string; expr: string }[] }[])[0].rules;
    const alerts = rules.map((r) => r.alert);
    expect(alerts).toEqual(expect.arrayContaining(["TimeseriesReplicationLag", "TimeseriesFailover", "TimeseriesInstanceNotReady", "TimeseriesStorageFilling", "TimeseriesWalArchivingFailing"]));
    expect(alerts.includes("TimeseriesStandbysMissing")).toBe(want.instances > 1);
    const known = new Set(Object.values(TIMESERIES_RULE_METRICS).flat());
    for (const r of rules) for (const m of r.expr.match(/\b(cnpg|kube|kubelet)_[a-z_]+/g) ?? []) expect({ alert: r.alert, metric: m, known: known.has(m) }).toEqual({ alert: r.alert, metric: m, known: true });
  });

  it("has every new Kubernetes object schema-valid against its CRD or the built-in schema", () => {
    const objects = kubernetesObjects(run().resources).filter((r) => inTimeseriesArea(run(), r));
    expect(objects.length).toBeGreaterThan(15);
    const failures = objects.map((r) => ({ name: r.name, kind: r.inputs.kind, errors: schemaErrors(r.inputs) })).filter((f) => f.errors.length > 0);
    expect(failures).toEqual([]);
  });
});

describe("prod spreads the time-series store over zones", () => {
  it("runs 3 instances, one per zone, with a synchronous standby", () => {
    const s = spec(named(runs.prod, "timeseries-cluster", CLUSTER));
    expect(s.instances).toBe(3);
    expect(s.affinity).toMatchObject({ enablePodAntiAffinity: true, topologyKey: "topology.kubernetes.io/zone", podAntiAffinityType: "required" });
    expect(s.topologySpreadConstraints).toEqual([{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { "cnpg.io/cluster": "timeseries" } } }]);
    expect((s.postgresql as Obj).synchronous).toEqual({ method: "any", number: 1, dataDurability: "required" });
    expect(named(runs.prod, "timeseries-cluster").protect).toBe(true);
  });

  it("dev runs one instance without a synchronous standby and soft anti-affinity", () => {
    const s = spec(named(runs.dev, "timeseries-cluster", CLUSTER));
    expect(s.instances).toBe(1);
    expect((s.postgresql as Obj).synchronous).toBeUndefined();
    expect(s.affinity).toMatchObject({ podAntiAffinityType: "preferred" });
  });
});

describe("the time-series store in the plan's insights", () => {
  it("is a single-zone point of failure in dev only; prod's one-per-zone cluster with a sync standby is not", () => {
    const dev = insightsOf(runs.dev, "ap-northeast-2").failureDomains.singlePoints.map((p) => p.name);
    const prod = insightsOf(runs.prod, "ap-northeast-2").failureDomains;
    expect(dev).toContain("timeseries-cluster");
    expect(prod.singlePoints.map((p) => p.name)).not.toContain("timeseries-cluster");
    expect(prod.perZone.flatMap((z) => z.degraded).filter((d) => d.startsWith("timeseries-cluster"))).toHaveLength(0);
  });

  it("prices the instances' gp3 volumes (compute is the pool's) and the backup bucket by use", () => {
    for (const [stack, gib] of [["dev", 25], ["prod", 750]] as const) {
      const cost = insightsOf(runs[stack], "ap-northeast-2").cost;
      const line = cost?.lines.find((l) => l.name === "timeseries-cluster");
      expect(line?.formula).toContain("GiB gp3 (PGDATA + WAL)");
      expect(line?.monthlyMin).toBeCloseTo(gib * 0.0912, 2);
      expect(cost?.usageBased.map((u) => u.name)).toContain("timeseries-backup-timeseries-backups");
    }
  });
});

describe("the documented restore procedure", () => {
  const doc = (): string => fs.readFileSync(path.join(__dirname, "..", "docs", "timeseries-restore.md"), "utf8");
  it("is a Cluster manifest valid against the CNPG CRD that recovers from the program's object store, server and image catalog", () => {
    const manifest = yaml.load(doc().match(/```yaml\n([\s\S]*?)```/)?.[1] ?? "") as Obj;
    expect(schemaErrors(manifest)).toEqual([]);
    const s = manifest.spec as Obj;
    const prod = spec(named(runs.prod, "timeseries-cluster", CLUSTER));
    expect(s.imageCatalogRef).toEqual(prod.imageCatalogRef);
    expect(s.serviceAccountName).toBe("timeseries");
    expect((s.bootstrap as Obj).recovery).toMatchObject({ source: "origin", recoveryTarget: { targetTime: expect.any(String) } });
    expect(s.externalClusters).toEqual([{ name: "origin", plugin: { name: "barman-cloud.cloudnative-pg.io", parameters: { barmanObjectName: (named(runs.prod, "timeseries-object-store").inputs.metadata as Obj).name, serverName: "timeseries" } } }]);
    expect(s.plugins).toBeUndefined();
  });
});
