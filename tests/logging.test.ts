import * as yaml from "js-yaml";
import { DaemonSet } from "kubernetes-models/apps/v1/DaemonSet";
import { Job } from "kubernetes-models/batch/v1/Job";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Secret } from "kubernetes-models/v1/Secret";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { ClusterRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole";
import { ClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding";
import { StorageClass } from "kubernetes-models/storage.k8s.io/v1/StorageClass";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { CHARTS } from "../lib/helmCharts";
import { RecordedResource, RunResult } from "../tools/offline/harness";
import { componentOf, named, ofType } from "./support/query";
import { stackRun } from "./support/stackRuns";

const runs: Record<string, RunResult> = {};
beforeAll(async () => {
  // Sequential: the Pulumi runtime is process-global.
  runs.dev = await stackRun("dev");
  runs.prod = await stackRun("prod");
}, 120_000);

type Obj = Record<string, unknown>;
const get = (o: unknown, ...path: (string | number)[]): unknown => path.reduce<unknown>((acc, k) => (acc as Record<string | number, unknown> | undefined)?.[k], o);
const podSpec = (run: RunResult): Obj => get(named(run, "logging-filebeat-daemonset").inputs, "spec", "template", "spec") as Obj;
const filebeatYaml = (run: RunResult): Obj => yaml.load(get(named(run, "logging-filebeat-config").inputs, "data", "filebeat.yml") as string) as Obj;
const nsOf = (r: RecordedResource): unknown => get(r.inputs, "metadata", "namespace");
const esSpec = (run: RunResult): Obj => named(run, "logging-elasticsearch").inputs.spec as Obj;
const nodeSet = (run: RunResult): Obj => get(esSpec(run), "nodeSets", 0) as Obj;

describe.each(["dev", "prod"] as const)("logging of %s", (stack) => {
  it("installs the ECK operator chart pinned to 3.5.0 from helm.elastic.co, with its CRDs, on the general pool in elastic-system", () => {
    const release = named(runs[stack], "logging-eck-operator");
    expect(componentOf(runs[stack], release)).toBe("entasis:observability:Logging");
    expect(CHARTS.eckOperator).toMatchObject({ chart: "eck-operator", version: "3.5.0", appVersion: "3.5.0", repo: "https://helm.elastic.co" });
    expect(release.inputs).toMatchObject({ chart: "eck-operator", version: "3.5.0", repositoryOpts: { repo: "https://helm.elastic.co" }, namespace: "elastic-system" });
    expect(release.inputs.values).toMatchObject({ installCRDs: true, managedNamespaces: ["logging"], nodeSelector: { role: "general" } });
  });

  it("runs Filebeat with exactly the spec's input (seed 004)", () => {
    const config = filebeatYaml(runs[stack]);
    expect(get(config, "filebeat", "inputs")).toEqual([
      {
        type: "container",
        paths: ["/var/log/containers/*.log"],
        processors: [{ add_kubernetes_metadata: { host: "${NODE_NAME}", matchers: [{ logs_path: { logs_path: "/var/log/containers/" } }] } }],
      },
    ]);
  });

  it("ships to the ECK Elasticsearch service over verified TLS with the filebeat user from its Secret", () => {
    expect(get(filebeatYaml(runs[stack]), "output", "elasticsearch")).toEqual({
      hosts: ["https://logs-es-http.logging.svc:9200"],
      username: "${ES_USERNAME}",
      password: "${ES_PASSWORD}",
      ssl: { certificate_authorities: ["/usr/share/filebeat/certs/ca.crt"], verification_mode: "full" },
    });
    const c = get(podSpec(runs[stack]), "containers", 0) as Obj;
    expect(c.env).toEqual([
      { name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
      { name: "ES_USERNAME", valueFrom: { secretKeyRef: { name: "filebeat-credential", key: "username" } } },
      { name: "ES_PASSWORD", valueFrom: { secretKeyRef: { name: "filebeat-credential", key: "password" } } },
    ]);
    expect(get(podSpec(runs[stack]), "volumes")).toContainEqual({ name: "es-ca", secret: { secretName: "logging-ca-bundle", items: [{ key: "ca.crt", path: "ca.crt" }] } });
    // The realm's Secret (with the role mapping) stays in Elasticsearch's namespace; the DaemonSet
    // reads the same username and password from its own namespace, without the mapping.
    const user = named(runs[stack], "logging-filebeat-user");
    expect(user.inputs).toMatchObject({ metadata: { name: "filebeat-user", namespace: "logging" }, type: "kubernetes.io/basic-auth", stringData: { username: "entasis_filebeat", roles: "entasis_filebeat_writer" } });
    expect(user.secretPaths.some((p) => p.startsWith("stringData"))).toBe(true);
    const agent = named(runs[stack], "logging-filebeat-agent-credential");
    const password = get(user.inputs, "stringData", "password");
    expect(typeof password === "string" && password.length).toBe(32);
    expect(agent.inputs).toEqual({
      apiVersion: "v1",
      kind: "Secret",
      metadata: expect.objectContaining({ name: "filebeat-credential", namespace: "node-agents" }),
      type: "kubernetes.io/basic-auth",
      stringData: { username: "entasis_filebeat", password },
    });
    expect(agent.secretPaths.some((p) => p.startsWith("stringData"))).toBe(true);
    const roles = yaml.load(get(named(runs[stack], "logging-filebeat-roles").inputs, "stringData", "roles.yml") as string);
    // The credential on every node only appends to filebeat-*; templates, lifecycle policies and
    // index management belong to the setup user, which only the one-shot setup Job reads.
    expect(roles).toEqual({
      entasis_filebeat_writer: {
        cluster: ["monitor", "read_pipeline"],
        indices: [{ names: ["filebeat-*"], privileges: ["create_doc", "view_index_metadata", "auto_configure"] }],
      },
      entasis_filebeat_setup: {
        cluster: ["monitor", "manage_ilm", "manage_index_templates"],
        indices: [{ names: ["filebeat-*"], privileges: ["manage"] }],
      },
    });
    const setupUser = named(runs[stack], "logging-filebeat-setup-user");
    expect(setupUser.inputs).toMatchObject({ type: "kubernetes.io/basic-auth", stringData: { username: "entasis_filebeat_setup", roles: "entasis_filebeat_setup" } });
    const readers = (secretName: string, namespace: string): string[] =>
      loggingResources(runs[stack])
        .filter((r) => nsOf(r) === namespace && JSON.stringify(r.inputs).includes(`"secretKeyRef":{"key":"password","name":"${secretName}"}`))
        .map((r) => r.name);
    expect(readers("filebeat-setup-user", "logging")).toEqual(["logging-filebeat-setup"]);
    expect(readers("filebeat-credential", "node-agents")).toEqual(["logging-filebeat-daemonset"]);
    expect(named(runs[stack], "logging-filebeat-daemonset").dependencies).toContain(agent.urn);
    // ECK reads the users and their roles from these Secrets (file realm).
    expect(esSpec(runs[stack]).auth).toEqual({ fileRealm: [{ secretName: "filebeat-user" }, { secretName: "filebeat-setup-user" }], roles: [{ secretName: "filebeat-roles" }] });
  });

  it("runs on every node: tolerates every taint, including the cluster's GPU and data-processing taints", () => {
    const tolerations = get(podSpec(runs[stack]), "tolerations") as Obj[];
    expect(tolerations).toEqual([{ operator: "Exists" }]);
    const taints = ofType(runs[stack], "aws:eks/nodeGroup:NodeGroup").flatMap((ng) => (ng.inputs.taints as Obj[] | undefined) ?? []);
    // One GPU group; the data-processing pool has a group per zone, each with the same taint.
    expect([...new Set(taints.map((t) => t.key))].sort()).toEqual(["nvidia.com/gpu", "workload"]);
    // An Exists toleration without key or effect matches every taint (core/v1 Toleration).
    for (const t of tolerations) expect([t.key, t.effect]).toEqual([undefined, undefined]);
    expect(get(podSpec(runs[stack]), "nodeSelector")).toBeUndefined();
  });

  it("mounts the node's container and pod logs read-only, and keeps its registry on the node", () => {
    const spec = podSpec(runs[stack]);
    const mounts = get(spec, "containers", 0, "volumeMounts") as Obj[];
    const volumes = spec.volumes as Obj[];
    const hostPathOf = (mountPath: string): unknown => {
      const m = mounts.find((x) => x.mountPath === mountPath);
      return m && { readOnly: m.readOnly, hostPath: volumes.find((v) => v.name === m.name)?.hostPath };
    };
    expect(hostPathOf("/var/log/containers")).toEqual({ readOnly: true, hostPath: { path: "/var/log/containers", type: "Directory" } });
    expect(hostPathOf("/var/log/pods")).toEqual({ readOnly: true, hostPath: { path: "/var/log/pods", type: "Directory" } });
    expect(hostPathOf("/usr/share/filebeat/data")).toEqual({ readOnly: undefined, hostPath: { path: "/var/lib/filebeat-data", type: "DirectoryOrCreate" } });
    expect(get(filebeatYaml(runs[stack]), "path", "data")).toBe("/usr/share/filebeat/data");
  });

  it("runs Filebeat as root only as far as reading root-owned logs needs: no capabilities, no escalation, read-only root filesystem", () => {
    const spec = podSpec(runs[stack]);
    expect(spec.securityContext).toMatchObject({ runAsUser: 0, runAsNonRoot: false });
    expect(get(spec, "containers", 0, "securityContext")).toEqual({ allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
    expect(spec.hostNetwork).toBeUndefined();
  });

  it("gives add_kubernetes_metadata read access to pods, namespaces, nodes, replicasets and jobs, and nothing else", () => {
    const role = named(runs[stack], "logging-filebeat-cluster-role");
    expect(role.inputs.rules).toEqual([
      { apiGroups: [""], resources: ["pods", "namespaces", "nodes"], verbs: ["get", "list", "watch"] },
      { apiGroups: ["apps"], resources: ["replicasets"], verbs: ["get", "list", "watch"] },
      { apiGroups: ["batch"], resources: ["jobs"], verbs: ["get", "list", "watch"] },
    ]);
    expect(named(runs[stack], "logging-filebeat-cluster-role-binding").inputs).toMatchObject({ subjects: [{ kind: "ServiceAccount", name: "filebeat", namespace: "node-agents" }] });
    expect(get(named(runs[stack], "logging-filebeat-service-account").inputs, "metadata", "namespace")).toBe("node-agents");
    expect(get(podSpec(runs[stack]), "serviceAccountName")).toBe("filebeat");
  });

  it("validates every plain Kubernetes object against the official schemas (kubernetes-models 4.x)", () => {
    // Recorded inputs are untyped data: the model's validate() is what checks them, against the
    // Kubernetes OpenAPI schema bundled in kubernetes-models (so the static type is only asserted here).
    const model =
      <T,>(C: new (data: T) => { validate(): void }) =>
      (o: Obj): { validate(): void } =>
        new C(o as T);
    const models: Record<string, (o: Obj) => { validate(): void }> = {
      "kubernetes:apps/v1:DaemonSet": model(DaemonSet),
      "kubernetes:batch/v1:Job": model(Job),
      "kubernetes:core/v1:ConfigMap": model(ConfigMap),
      "kubernetes:core/v1:Namespace": model(Namespace),
      "kubernetes:core/v1:Secret": model(Secret),
      "kubernetes:core/v1:ServiceAccount": model(ServiceAccount),
      "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole": model(ClusterRole),
      "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding": model(ClusterRoleBinding),
      "kubernetes:storage.k8s.io/v1:StorageClass": model(StorageClass),
      "kubernetes:networking.k8s.io/v1:NetworkPolicy": model(NetworkPolicy),
    };
    // default-deny and DNS/HTTPS in each namespace, then the flows of loggingNetwork.ts: logging 2 in, 2 out; elastic-system 1 in, 1 out;
    // Filebeat's 2 ways out of the node agents' namespace.
    const policies = 12;
    // Filebeat's user and setup user, the roles, and Filebeat's credential beside the DaemonSet.
    const secrets = 4;
    // filebeat.yml beside the DaemonSet; the setup config and ILM policy beside the Job.
    const configMaps = 2;
    const count: Record<string, number> = { Namespace: 2, Secret: secrets, NetworkPolicy: policies, ConfigMap: configMaps };
    const plain = loggingResources(runs[stack]).filter((r) => r.type.startsWith("kubernetes:") && !r.type.includes("elastic.co") && !r.type.includes("cert-manager.io") && r.type !== "kubernetes:helm.sh/v3:Release");
    expect(plain.map((r) => r.type).sort()).toEqual(Object.keys(models).flatMap((t) => Array<string>(count[t.split(":").pop() ?? ""] ?? 1).fill(t)).sort());
    for (const r of plain) expect(() => models[r.type](r.inputs).validate()).not.toThrow();
  });

  it("stores Elasticsearch data on encrypted, tagged gp3 volumes bound in the pod's zone", () => {
    const sc = named(runs[stack], "logging-storage-class");
    expect(sc.inputs).toMatchObject({
      metadata: { name: "gp3-encrypted" },
      provisioner: "ebs.csi.aws.com",
      parameters: { type: "gp3", encrypted: "true", fsType: "ext4" },
      volumeBindingMode: "WaitForFirstConsumer",
      reclaimPolicy: stack === "prod" ? "Retain" : "Delete",
    });
    const tagParams = Object.entries(sc.inputs.parameters as Record<string, string>).filter(([k]) => k.startsWith("tagSpecification_")).map(([, v]) => v);
    expect(tagParams).toEqual(expect.arrayContaining([`Environment=${stack}`, "ManagedBy=pulumi", "Project=entasis", "Name=entasis-logging-elasticsearch"]));
    expect(nodeSet(runs[stack]).volumeClaimTemplates).toEqual([
      { metadata: { name: "elasticsearch-data" }, spec: { accessModes: ["ReadWriteOnce"], storageClassName: "gp3-encrypted", resources: { requests: { storage: stack === "prod" ? "200Gi" : "20Gi" } } } },
    ]);
  });

  it("pins one Elastic Stack version for Elasticsearch, Kibana and the Filebeat image", () => {
    const image = get(podSpec(runs[stack]), "containers", 0, "image");
    expect(esSpec(runs[stack]).version).toBe("9.5.4");
    expect(get(named(runs[stack], "logging-kibana").inputs, "spec", "version")).toBe("9.5.4");
    expect(image).toBe("docker.elastic.co/beats/filebeat:9.5.4");
  });

  it("sets requests and a memory limit on Elasticsearch, Kibana and Filebeat, with the heap at most half the memory", () => {
    const es = get(nodeSet(runs[stack]), "podTemplate", "spec", "containers", 0) as Obj;
    const heap = stack === "prod" ? 4096 : 512;
    expect(es.resources).toEqual(stack === "prod" ? { requests: { cpu: "1000m", memory: "8192Mi" }, limits: { memory: "8192Mi" } } : { requests: { cpu: "250m", memory: "1536Mi" }, limits: { memory: "1536Mi" } });
    expect(es.env).toContainEqual({ name: "ES_JAVA_OPTS", value: `-Xms${heap}m -Xmx${heap}m` });
    const kb = get(named(runs[stack], "logging-kibana").inputs, "spec", "podTemplate", "spec", "containers", 0) as Obj;
    expect(kb).toMatchObject({ name: "kibana", resources: { requests: { cpu: expect.any(String), memory: expect.any(String) }, limits: { memory: expect.any(String) } } });
    expect(get(podSpec(runs[stack]), "containers", 0, "resources")).toEqual(
      stack === "prod" ? { requests: { cpu: "100m", memory: "400Mi" }, limits: { memory: "400Mi" } } : { requests: { cpu: "50m", memory: "200Mi" }, limits: { memory: "200Mi" } },
    );
  });

  it("wires retention from config into the ILM policy Filebeat installs and attaches", () => {
    const days = stack === "prod" ? 30 : 7;
    const data = get(named(runs[stack], "logging-filebeat-setup-config").inputs, "data") as Record<string, string>;
    // The DaemonSet's config holds filebeat.yml alone: the ILM policy file is the setup Job's.
    expect(Object.keys(get(named(runs[stack], "logging-filebeat-config").inputs, "data") as Obj)).toEqual(["filebeat.yml"]);
    expect(get(named(runs[stack], "logging-filebeat-setup-config").inputs, "metadata", "namespace")).toBe("logging");
    expect(JSON.parse(data["ilm-policy.json"])).toEqual({
      policy: { phases: { hot: { min_age: "0ms", actions: { rollover: { max_age: "1d", max_primary_shard_size: "50gb" } } }, delete: { min_age: `${days}d`, actions: { delete: {} } } } },
    });
    // The setup Job installs the policy and the template; the DaemonSet loads neither and does not
    // check for the policy (its credential cannot read or change lifecycle policies).
    const setupYaml = yaml.load(data["filebeat-setup.yml"]) as Obj;
    expect(get(setupYaml, "setup")).toEqual({
      ilm: { enabled: true, policy_name: "entasis-logs", policy_file: "/etc/filebeat/ilm-policy.json", overwrite: true },
      template: { settings: { index: { number_of_replicas: stack === "prod" ? 1 : 0 } } },
    });
    expect(get(filebeatYaml(runs[stack]), "setup")).toEqual({ ilm: { enabled: true, policy_name: "entasis-logs", check_exists: false }, template: { enabled: false } });
    // Everything else of the two configs is the same: the same output, CA and input.
    expect({ ...setupYaml, setup: undefined }).toEqual({ ...filebeatYaml(runs[stack]), setup: undefined });
    const job = named(runs[stack], "logging-filebeat-setup", "kubernetes:batch/v1:Job");
    const jobPod = get(job.inputs, "spec", "template", "spec") as Obj;
    expect(get(jobPod, "containers", 0, "args")).toEqual(["setup", "--index-management", "-c", "/etc/filebeat/filebeat-setup.yml", "-e"]);
    expect(get(jobPod, "nodeSelector")).toEqual({ role: "general" });
    expect(get(jobPod, "securityContext")).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000 });
    // A config change (retention, replicas) changes the Job's pod template: the Job is replaced and runs again.
    expect(get(job.inputs, "spec", "template", "metadata", "annotations", "entasis.dev/config-hash")).toBe(get(named(runs[stack], "logging-filebeat-daemonset").inputs, "spec", "template", "metadata", "annotations", "entasis.dev/config-hash"));
    // The DaemonSet ships only after the template and policy exist; the Job waits for Elasticsearch and its user.
    expect(named(runs[stack], "logging-filebeat-daemonset").dependencies).toContain(job.urn);
    // It outlasts Elasticsearch's start on a first deploy: retries with back-off, and Pulumi waits for it.
    expect(get(job.inputs, "spec", "backoffLimit")).toBe(10);
    expect(job.dependencies).toEqual(expect.arrayContaining([named(runs[stack], "logging-elasticsearch").urn, named(runs[stack], "logging-filebeat-setup-user").urn]));
    const configVolume = (get(podSpec(runs[stack]), "volumes") as Obj[]).find((v) => v.name === "config");
    expect(configVolume).toEqual({ name: "config", configMap: { name: "filebeat-config", defaultMode: 0o640 } });
    expect((get(jobPod, "volumes") as Obj[]).find((v) => v.name === "config")).toEqual({ name: "config", configMap: { name: "filebeat-setup-config", defaultMode: 0o640 } });
    // The setup Job and its credential stay in Elasticsearch's namespace; the DaemonSet is a node agent.
    expect([nsOf(job), nsOf(named(runs[stack], "logging-filebeat-daemonset"))]).toEqual(["logging", "node-agents"]);
    // A replaced DaemonSet must not overlap the old one: both would lock the same registry on the node.
    expect(named(runs[stack], "logging-filebeat-daemonset").deleteBeforeReplace).toBe(true);
  });

  it("serves Elasticsearch's HTTP layer with a certificate of the logging CA, which Filebeat trusts from its own namespace", () => {
    const run = runs[stack];
    const certs = ofType(run, "kubernetes:cert-manager.io/v1:Certificate").filter((c) => c.name.startsWith("logging-tls-"));
    const byName = (n: string): RecordedResource => named(run, n, "kubernetes:cert-manager.io/v1:Certificate");
    const issuerOf = (c: RecordedResource): unknown => get(c.inputs, "spec", "issuerRef");
    // The CA: self-signed, in cert-manager's namespace (where a ClusterIssuer reads its Secret), its key kept on renewal.
    const ca = byName("logging-tls-ca");
    expect([nsOf(ca), get(ca.inputs, "spec", "isCA"), get(ca.inputs, "spec", "privateKey", "rotationPolicy"), issuerOf(ca)]).toEqual([
      "cert-manager",
      true,
      "Never",
      { name: "selfsigned", kind: "ClusterIssuer", group: "cert-manager.io" },
    ]);
    const issuer = named(run, "logging-tls-issuer", "kubernetes:cert-manager.io/v1:ClusterIssuer");
    expect(get(issuer.inputs, "spec")).toEqual({ ca: { secretName: get(ca.inputs, "spec", "secretName") } });
    expect(issuer.dependencies).toContain(ca.urn);
    const caIssuer = { name: get(issuer.inputs, "metadata", "name"), kind: "ClusterIssuer", group: "cert-manager.io" };
    // Elasticsearch's certificate names the host Filebeat and the setup Job connect to.
    const es = byName("logging-tls-elasticsearch");
    expect(esSpec(run).http).toEqual({ tls: { certificate: { secretName: get(es.inputs, "spec", "secretName") } } });
    expect([nsOf(es), issuerOf(es)]).toEqual(["logging", caIssuer]);
    const host = new URL((get(filebeatYaml(run), "output", "elasticsearch", "hosts", 0) as string)).hostname;
    expect(get(es.inputs, "spec", "dnsNames")).toContain(host);
    expect(named(run, "logging-elasticsearch").dependencies).toContain(es.urn);
    // A CA bundle in each namespace whose pods connect, mounted as ca.crt alone.
    const bundles = certs.filter((c) => c.name.endsWith("-ca-bundle"));
    expect(bundles.map((c) => [nsOf(c), get(c.inputs, "spec", "secretName"), issuerOf(c)]).sort()).toEqual([
      ["logging", "logging-ca-bundle", caIssuer],
      ["node-agents", "logging-ca-bundle", caIssuer],
    ]);
    const caVolume = (pod: Obj): unknown => (get(pod, "volumes") as Obj[]).find((v) => v.name === "es-ca");
    const job = named(run, "logging-filebeat-setup", "kubernetes:batch/v1:Job");
    for (const [workload, pod] of [
      [named(run, "logging-filebeat-daemonset"), podSpec(run)],
      [job, get(job.inputs, "spec", "template", "spec") as Obj],
    ] as const) {
      const bundle = bundles.find((b) => nsOf(b) === nsOf(workload));
      expect(caVolume(pod)).toEqual({ name: "es-ca", secret: { secretName: get(bundle?.inputs, "spec", "secretName"), items: [{ key: "ca.crt", path: "ca.crt" }] } });
      expect(workload.dependencies).toContain(bundle?.urn);
    }
    // Every Certificate and the issuer wait for cert-manager (its CRDs and webhook).
    const certManager = named(run, "cert-manager-release", "kubernetes:helm.sh/v3:Release").urn;
    expect(certs).toHaveLength(4);
    for (const c of [...certs, issuer]) expect(c.dependencies).toContain(certManager);
    // Pulumi waits until each is issued, so Elasticsearch and the pods start with their Secrets.
    for (const c of certs) expect([c.name, get(c.inputs, "metadata", "annotations")]).toEqual([c.name, { "pulumi.com/waitFor": "condition=Ready" }]);
  });

  it("orders creation: namespaces and operator (with its CRDs) before the custom resources, Elasticsearch before Kibana and Filebeat", () => {
    const urn = (n: string): string => named(runs[stack], n).urn;
    expect(named(runs[stack], "logging-elasticsearch").dependencies).toEqual(expect.arrayContaining([urn("logging-eck-operator"), urn("logging-storage-class"), urn("logging-filebeat-user")]));
    expect(named(runs[stack], "logging-kibana").dependencies).toContain(urn("logging-elasticsearch"));
    expect(named(runs[stack], "logging-eck-operator").dependencies).toEqual(expect.arrayContaining([urn("logging-namespace"), urn("logging-operator-namespace")]));
  });

  it("exports the in-cluster Kibana URL and Elasticsearch service", () => {
    expect(runs[stack].outputs.logging).toEqual({ kibanaUrl: "https://logs-kb-http.logging.svc:5601", elasticsearchService: "logs-es-http.logging.svc" });
  });
});

describe("Elasticsearch topology", () => {
  it("dev: one small node, no zone constraints", () => {
    const ns = nodeSet(runs.dev);
    expect(ns).toMatchObject({ name: "default", count: 1 });
    expect(get(ns, "podTemplate", "spec", "topologySpreadConstraints")).toBeUndefined();
    expect(get(ns, "config", "cluster.routing.allocation.awareness.attributes")).toBeUndefined();
    expect(get(named(runs.dev, "logging-kibana").inputs, "spec", "count")).toBe(1);
  });

  it("prod: three master+data nodes spread one per zone, with zone-aware shard allocation", () => {
    const ns = nodeSet(runs.prod);
    expect(ns).toMatchObject({ name: "default", count: 3 });
    expect(get(ns, "config")).toEqual({
      "node.roles": ["master", "data", "ingest"],
      "node.store.allow_mmap": false,
      "node.attr.zone": "${ZONE}",
      "cluster.routing.allocation.awareness.attributes": "k8s_node_name,zone",
    });
    expect(get(ns, "podTemplate", "spec", "topologySpreadConstraints")).toEqual([
      {
        maxSkew: 1,
        topologyKey: "topology.kubernetes.io/zone",
        whenUnsatisfiable: "DoNotSchedule",
        labelSelector: { matchLabels: { "elasticsearch.k8s.elastic.co/cluster-name": "logs", "elasticsearch.k8s.elastic.co/statefulset-name": "logs-es-default" } },
      },
    ]);
    // The zone reaches the node through ECK's downward-node-labels annotation.
    expect(get(named(runs.prod, "logging-elasticsearch").inputs, "metadata", "annotations")).toEqual({ "eck.k8s.elastic.co/downward-node-labels": "topology.kubernetes.io/zone" });
    expect(get(ns, "podTemplate", "spec", "containers", 0, "env")).toContainEqual({ name: "ZONE", valueFrom: { fieldRef: { fieldPath: "metadata.annotations['topology.kubernetes.io/zone']" } } });
    expect(get(named(runs.prod, "logging-kibana").inputs, "spec", "count")).toBe(2);
  });
});

function loggingResources(run: RunResult): RecordedResource[] {
  const root = named(run, "logging", "entasis:observability:Logging").urn;
  const inTree = (r: RecordedResource): boolean => r.parent === root || (r.parent !== undefined && run.resources.some((p) => p.urn === r.parent && inTree(p)));
  return run.resources.filter(inTree);
}
