/**
 * Helm charts this platform installs, pinned. Values set on them must be keys of the chart's own
 * values.yaml at that version. `npm run charts` (tools/charts/cli.ts) fetches exactly these pins
 * into the git-ignored cache `.charts/` that the tests read; the same list drives the program.
 */
export interface ChartPin {
  readonly chart: string;
  readonly version: string;
  /** Application version the chart ships; some must match the cluster (cluster-autoscaler). */
  readonly appVersion: string;
  readonly repo: string;
  /** How long `helm install --wait` typically takes once the pool has nodes: the timeline's figure for this release and the base of its timeout. */
  readonly install: InstallTime;
  /** The chart runs Jobs (hook or not) that the install must wait for: set `waitForJobs`. Default false. */
  readonly runsJobs?: boolean;
  /**
   * Its only workload is a DaemonSet for the nodes of other pools (a per-node agent): the install
   * succeeds with zero of those nodes, so it waits for the system pool, never for the pools it
   * serves. Default false.
   */
  readonly perNodeAgent?: boolean;
  /** Which files of the packaged chart the tests read, when not the usual ones. Default: `Chart.yaml`, `values.yaml`, `values.schema.json` and `crds/*`. */
  readonly files?: ChartFiles;
}

/** Where a packaged chart keeps what the tests read (tools/charts/extract.ts). */
export interface ChartFiles {
  /** Folder of the chart in the cache (and in a mirror). Default: the chart name. */
  readonly folder?: string;
  /** CRD files inside the package (`*` matches within the last segment), kept under `crds/` or the folder given. Default `["crds/*"]`. */
  readonly crds?: readonly (string | { readonly from: string; readonly to: string })[];
  /** Subcharts packaged under `charts/<name>/` whose Chart.yaml and values.yaml are kept under `subcharts/<name>/`. Default none. */
  readonly subcharts?: readonly string[];
  /** Subcharts kept as charts of their own in the cache (their folder = their name), with their CRD files. Default none. */
  readonly ownSubcharts?: readonly { readonly name: string; readonly crds: readonly string[] }[];
  /** Files the package leaves out (`.helmignore`), taken from the chart's source at the pinned tag: cache path -> URL. Default none. */
  readonly sources?: Readonly<Record<string, string>>;
}

export interface InstallTime {
  readonly seconds: number;
  readonly range: string;
  /** What the figure rests on (templates read, published reports, or "estimate"). */
  readonly source: string;
}

/** Typical time for a new managed node to launch and join (the timeline's node group figure). */
export const NODE_JOIN_SECONDS = 240;

/**
 * Argo Workflows' full CRDs (with schemas), which the package leaves out (`.helmignore`); the
 * chart's CRD hook downloads the same files from its tag (upstream `.helmignore`; the chart README explains the hook).
 */
const ARGO_FULL_CRDS = ["clusterworkflowtemplates", "cronworkflows", "workflowartifactgctasks", "workfloweventbindings", "workflows", "workflowtaskresults", "workflowtasksets", "workflowtemplates"].map((k) => `argoproj.io_${k}.yaml`);

export const CHARTS = {
  /** Autoscaler minor must equal the cluster's Kubernetes minor.
   * https://github.com/kubernetes/autoscaler/tree/master/cluster-autoscaler#releases */
  clusterAutoscaler: {
    chart: "cluster-autoscaler",
    version: "9.59.0",
    appVersion: "1.35.0",
    repo: "https://kubernetes.github.io/autoscaler",
    install: { seconds: 45, range: "0.5-1 min", source: "estimate: one Deployment, one small image" },
  },
  metricsServer: {
    chart: "metrics-server",
    version: "3.13.1",
    appVersion: "0.8.1",
    repo: "https://kubernetes-sigs.github.io/metrics-server/",
    install: { seconds: 60, range: "0.5-1.5 min", source: "estimate: one Deployment whose readiness probe waits for its first scrape of the kubelets" },
  },
  /** ECK operator; its CRDs come with the chart's eck-operator-crds subchart (installCRDs).
   * https://www.elastic.co/guide/en/cloud-on-k8s/current/k8s-install-helm.html */
  eckOperator: {
    chart: "eck-operator",
    version: "3.5.0",
    appVersion: "3.5.0",
    repo: "https://helm.elastic.co",
    install: { seconds: 60, range: "0.5-1.5 min", source: "estimate: 12 CRDs and a one-pod operator StatefulSet" },
    files: { ownSubcharts: [{ name: "eck-operator-crds", crds: ["templates/all-crds.yaml"] }] },
  },
  /** Prometheus Operator, Prometheus, Alertmanager, Grafana (subchart grafana 12.11.1 from
   * https://grafana-community.github.io/helm-charts), kube-state-metrics, node-exporter. */
  kubePrometheusStack: {
    chart: "kube-prometheus-stack",
    version: "88.5.3",
    appVersion: "v0.93.1",
    repo: "https://prometheus-community.github.io/helm-charts",
    install: {
      seconds: 240,
      range: "2-6 min",
      source:
        "estimate: pre-install admission-certificate Job, 10 CRDs (4.4 MB), operator, Grafana, kube-state-metrics, node-exporter on every node, post-install webhook patch Job (templates/prometheus-operator/admission-webhooks/job-patch)",
    },
    runsJobs: true,
    files: { crds: ["charts/crds/crds/*"], subcharts: ["grafana", "kube-state-metrics", "prometheus-node-exporter"] },
  },
  nvidiaDevicePlugin: {
    chart: "nvidia-device-plugin",
    version: "0.20.0",
    appVersion: "0.20.0",
    repo: "https://nvidia.github.io/k8s-device-plugin",
    install: { seconds: 30, range: "seconds (no GPU node yet) to 1 min", source: "estimate: one DaemonSet; ready at once while no GPU node has joined" },
    perNodeAgent: true,
  },
  velero: {
    chart: "velero",
    version: "12.1.0",
    appVersion: "1.18.1",
    repo: "https://vmware-tanzu.github.io/helm-charts",
    install: { seconds: 90, range: "1-2 min", source: "estimate: pre-install upgrade-CRDs Job (kubectl image), then the server Deployment after its plugin init container" },
    runsJobs: true,
  },
  /** Controller v3.5.0; its IAM policy in lib/lbControllerPolicy.ts is the one published for that version. */
  awsLoadBalancerController: {
    chart: "aws-load-balancer-controller",
    version: "3.5.0",
    appVersion: "v3.5.0",
    repo: "https://aws.github.io/eks-charts",
    install: { seconds: 60, range: "0.5-1.5 min", source: "estimate: one Deployment (leader election), webhook certificate rendered by Helm" },
  },
  /** Fairwinds' packaging of the Kubernetes Vertical Pod Autoscaler (recommender, updater, admission controller). */
  vpa: {
    chart: "vpa",
    version: "5.0.0",
    appVersion: "1.7.1",
    repo: "https://charts.fairwinds.com/stable",
    install: { seconds: 90, range: "1-2 min", source: "estimate: pre-install certgen Job, three Deployments, post-install certgen patch Job (templates/webhooks/jobs)" },
    runsJobs: true,
  },
  /** Issues webhook certificates for later operators; CRDs as chart templates (crds.enabled).
   * https://cert-manager.io/docs/installation/helm/ */
  certManager: {
    chart: "cert-manager",
    version: "v1.21.1",
    appVersion: "v1.21.1",
    repo: "https://charts.jetstack.io",
    install: { seconds: 90, range: "1-2 min", source: "estimate: six CRDs, three Deployments, then the post-install startupapicheck Job that retries until the webhook answers (templates/startupapicheck-job.yaml)" },
    runsJobs: true,
    files: { crds: ["templates/crd-*"] },
  },
  /** CloudNativePG operator 1.30; CRDs are chart templates (`crds.create`), so custom resources wait for this release.
   * https://cloudnative-pg.io/charts/ */
  cloudnativePg: {
    chart: "cloudnative-pg",
    version: "0.29.0",
    appVersion: "1.30.0",
    repo: "https://cloudnative-pg.github.io/charts",
    install: { seconds: 60, range: "0.5-1.5 min", source: "estimate: 11 CRDs and one operator Deployment (webhook certificate generated by the operator)" },
    files: { crds: ["templates/crds/crds.yaml"] },
  },
  /** Barman Cloud CNPG-I plugin (WAL archiving and base backups to S3); needs CNPG >= 1.26 and cert-manager,
   * installed in the operator's namespace. https://cloudnative-pg.io/plugin-barman-cloud/docs/installation/ */
  barmanCloud: {
    chart: "plugin-barman-cloud",
    version: "0.7.0",
    appVersion: "v0.13.0",
    repo: "https://cloudnative-pg.github.io/charts",
    install: { seconds: 60, range: "0.5-1.5 min", source: "estimate: one CRD, cert-manager Issuer and Certificates, one Deployment" },
    files: { crds: ["templates/crds/crds.yaml"] },
  },
  /** Kubeflow Spark operator: controller + pod-mutating webhook; CRDs in the chart's crds/ folder.
   * https://www.kubeflow.org/docs/components/spark-operator/getting-started/ */
  sparkOperator: {
    chart: "spark-operator",
    version: "2.5.2",
    appVersion: "2.5.2",
    repo: "https://kubeflow.github.io/spark-operator",
    install: { seconds: 60, range: "0.5-1.5 min", source: "estimate: controller and webhook Deployments; the webhook certificate is generated by the chart" },
  },
  /** Apache Flink Kubernetes operator; CRDs in crds/, webhook certificate from cert-manager.
   * Apache publishes one Helm repository per release.
   * https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-release-1.15/docs/try-flink-kubernetes-operator/quick-start/ */
  flinkOperator: {
    chart: "flink-kubernetes-operator",
    version: "1.15.0",
    appVersion: "1.15.0",
    repo: "https://downloads.apache.org/flink/flink-kubernetes-operator-1.15.0/",
    install: { seconds: 90, range: "1-2 min", source: "estimate: operator Deployment (JVM start) with its webhook container; certificate from cert-manager" },
  },
  /** KServe CRDs (templates, so installed and upgraded with the release); OCI only.
   * https://kserve.github.io/website/docs/admin-guide/kubernetes-deployment */
  kserveCrd: {
    chart: "kserve-crd",
    version: "v0.20.0",
    appVersion: "v0.20.0",
    repo: "oci://ghcr.io/kserve/charts",
    install: { seconds: 30, range: "seconds", source: "estimate: CRDs only, as release templates" },
    files: { crds: ["templates/serving.kserve.io_*", "files/serving.kserve.io_*"] },
  },
  /** KServe controller and webhook; ships no serving runtime (those are in kserve-runtime-configs). */
  kserveResources: {
    chart: "kserve-resources",
    version: "v0.20.0",
    appVersion: "v0.20.0",
    repo: "oci://ghcr.io/kserve/charts",
    install: { seconds: 90, range: "1-2 min", source: "estimate: controller Deployment with its webhook; certificate from cert-manager" },
  },
  /** NVIDIA DCGM exporter (DCGM 4.5.3). https://github.com/NVIDIA/dcgm-exporter */
  dcgmExporter: {
    chart: "dcgm-exporter",
    version: "4.8.2",
    appVersion: "4.8.2",
    repo: "https://nvidia.github.io/dcgm-exporter/helm-charts",
    install: { seconds: 30, range: "seconds (no GPU node yet) to 1 min", source: "estimate: one DaemonSet on GPU nodes only; ready at once while none has joined" },
    perNodeAgent: true,
  },
  /** Argo Workflows v4.0.6. https://github.com/argoproj/argo-helm/tree/main/charts/argo-workflows */
  argoWorkflows: {
    chart: "argo-workflows",
    version: "1.0.18",
    appVersion: "v4.0.6",
    repo: "https://argoproj.github.io/argo-helm",
    install: { seconds: 60, range: "0.5-1.5 min", source: "estimate: minimal CRDs as templates, controller and server Deployments" },
    files: { crds: [{ from: "files/crds/minimal/*", to: "crds/minimal" }], sources: Object.fromEntries(ARGO_FULL_CRDS.map((f) => [`crds/full/${f}`, `https://raw.githubusercontent.com/argoproj/argo-helm/argo-workflows-1.0.18/charts/argo-workflows/files/crds/full/${f}`])) },
  },
  /** Distributed Locust (master + workers); the locustfile and its lib come from our ConfigMaps
   * (`loadtest.locust_locustfile_configmap`, `loadtest.locust_lib_configmap`).
   * https://github.com/deliveryhero/helm-charts/tree/master/stable/locust */
  locust: {
    chart: "locust",
    version: "0.35.0",
    appVersion: "2.32.2",
    repo: "https://charts.deliveryhero.io/",
    install: { seconds: 60, range: "0.5-1.5 min", source: "estimate: master and worker Deployments of one image; the pool may first scale from zero (the node figure covers it)" },
  },
  /**
   * Istio 1.30.3 in ambient mode: base (CRDs as release templates), istiod, the CNI node agent and
   * ztunnel, installed in that order (https://istio.io/latest/docs/ambient/install/helm/). The
   * charts in git carry `hub: registry.istio.io/testing` and `tag: latest`; the release builder
   * writes the real ones into the published charts, so the releases set them (ISTIO_IMAGES).
   */
  istioBase: {
    chart: "base",
    version: "1.30.3",
    appVersion: "1.30.3",
    repo: "https://istio-release.storage.googleapis.com/charts",
    install: { seconds: 20, range: "seconds", source: "estimate: 15 CRDs and the validating webhook configuration as release templates, no pods" },
    files: { folder: "istio-base", crds: ["files/crd-all.gen.yaml"] },
  },
  istiod: {
    chart: "istiod",
    version: "1.30.3",
    appVersion: "1.30.3",
    repo: "https://istio-release.storage.googleapis.com/charts",
    install: { seconds: 60, range: "0.5-1.5 min", source: "estimate: one Deployment (pilot image ~80 MB) with its webhooks, ready after its first config sync" },
    files: { folder: "istio-istiod" },
  },
  istioCni: {
    chart: "cni",
    version: "1.30.3",
    appVersion: "1.30.3",
    repo: "https://istio-release.storage.googleapis.com/charts",
    install: { seconds: 45, range: "0.5-1 min", source: "estimate: one DaemonSet (install-cni) on every node, ready once it has written the chained CNI config" },
    perNodeAgent: true,
    files: { folder: "istio-cni" },
  },
  ztunnel: {
    chart: "ztunnel",
    version: "1.30.3",
    appVersion: "1.30.3",
    repo: "https://istio-release.storage.googleapis.com/charts",
    install: { seconds: 45, range: "0.5-1 min", source: "estimate: one DaemonSet on every node, ready once connected to istiod and holding its certificates" },
    perNodeAgent: true,
    files: { folder: "istio-ztunnel" },
  },
} as const satisfies Record<string, ChartPin>;

/** Images of the Istio releases (see CHARTS.istioBase): the published charts' hub and tag. */
export const ISTIO_IMAGES = { hub: "docker.io/istio", tag: "1.30.3" } as const;

/**
 * How a Helm Release names its chart: `oci://<registry>/<chart>` for OCI registries (Release pulls
 * those itself, no repositoryOpts), the chart name plus its repository otherwise.
 */
export function chartSource(pin: ChartPin): { chart: string; version: string; repositoryOpts?: { repo: string } } {
  return pin.repo.startsWith("oci://") ? { chart: `${pin.repo}/${pin.chart}`, version: pin.version } : { chart: pin.chart, version: pin.version, repositoryOpts: { repo: pin.repo } };
}


/**
 * `timeout` of a release (seconds): what `helm install --wait` waits for is the chart's own
 * rollout and, when the pool is full, one node the cluster autoscaler adds; doubled for margin and
 * rounded up to whole minutes. Never below Helm's 300 s default.
 */
export function helmTimeoutSeconds(pin: ChartPin): number {
  return Math.max(300, Math.ceil((2 * (pin.install.seconds + NODE_JOIN_SECONDS)) / 60) * 60);
}

/** Release options every chart gets from its pin: the sized timeout and, for charts with Jobs, waitForJobs. */
export function helmWaitOptions(pin: ChartPin): { timeout: number; waitForJobs?: boolean } {
  return pin.runsJobs ? { timeout: helmTimeoutSeconds(pin), waitForJobs: true } : { timeout: helmTimeoutSeconds(pin) };
}

/**
 * What every release of a pinned chart shares: where the chart comes from, the Helm release name and
 * namespace, roll back a failed install (`cleanupOnFail`), and wait as long as the chart needs.
 */
export function pinnedRelease<Namespace>(pin: ChartPin, name: string, namespace: Namespace): ReturnType<typeof chartSource> & { name: string; namespace: Namespace; cleanupOnFail: true } & ReturnType<typeof helmWaitOptions> {
  return { ...chartSource(pin), name, namespace, cleanupOnFail: true, ...helmWaitOptions(pin) };
}

/** `1.35.0` -> `1.35`. */
export function minorOf(version: string): string {
  return version.split(".").slice(0, 2).join(".");
}

/**
 * Velero's AWS plugin (init container image); plugin 1.14.x is the line for Velero 1.18.x.
 * https://github.com/vmware-tanzu/velero-plugin-for-aws#compatibility
 */
export const VELERO_AWS_PLUGIN_IMAGE = "velero/velero-plugin-for-aws:v1.14.2";

/**
 * The Flink operator image of chart 1.15.0. The chart in git says `latest`; Apache's release script
 * writes the release commit's short hash into the published chart (release-1.15.0 is 79d730b, see
 * the chart cache), and ghcr.io/apache/flink-kubernetes-operator is tagged by commit.
 * https://github.com/apache/flink-kubernetes-operator/blob/main/tools/releasing/create_source_release.sh
 */
export const FLINK_OPERATOR_IMAGE = { repository: "ghcr.io/apache/flink-kubernetes-operator", tag: "79d730b" } as const;

/**
 * Official Apache Spark image of the history server and of the Spark example: Spark 3.5.7 (Hadoop
 * 3.3.4 client), Java 17, non-root user `spark` (uid 185). https://hub.docker.com/r/apache/spark/tags (tag in use upstream, e.g. https://github.com/apache/polaris/pull/2727)
 */
export const SPARK_IMAGE = "apache/spark:3.5.7-java17-python3";
/** Spark's non-root user in the official image. */
export const SPARK_UID = 185;

/**
 * The S3A connector the history server (and Spark jobs) need for `s3a://` and that the official
 * image leaves out: hadoop-aws of Spark 3.5.7's Hadoop (3.3.4) and the AWS SDK bundle it was built
 * against. https://hadoop.apache.org/docs/r3.3.4/hadoop-aws/tools/hadoop-aws/index.html ,
 * https://central.sonatype.com/artifact/org.apache.hadoop/hadoop-aws/3.3.4/dependencies
 */
export const S3A_JARS = [
  { name: "hadoop-aws-3.3.4.jar", url: "https://repo1.maven.org/maven2/org/apache/hadoop/hadoop-aws/3.3.4/hadoop-aws-3.3.4.jar" },
  { name: "aws-java-sdk-bundle-1.12.262.jar", url: "https://repo1.maven.org/maven2/com/amazonaws/aws-java-sdk-bundle/1.12.262/aws-java-sdk-bundle-1.12.262.jar" },
] as const;
/** Maven coordinates of the same connector, for SparkApplication `deps.packages`. */
export const S3A_PACKAGE = "org.apache.hadoop:hadoop-aws:3.3.4";
/** Init container that fetches S3A_JARS (curl only; runs as non-root). */
export const CURL_IMAGE = "curlimages/curl:8.11.1";

/** Official Flink image of the Flink example: Flink 1.20 LTS line, Java 17 (flink-s3-fs-hadoop in /opt/flink/opt). */
export const FLINK_IMAGE = "flink:1.20.2-scala_2.12-java17";
export const FLINK_VERSION_ENUM = "v1_20";
