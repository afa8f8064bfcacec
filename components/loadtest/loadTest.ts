import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CHARTS, chartSource, helmWaitOptions } from "../../lib/helmCharts";
import { IrsaRole, OidcIssuer } from "../cluster/irsaRole";
import { dashboardJson } from "../observability/monitoringDashboards";
import { Placement } from "../processing/placement";
import { EncryptedStoreBase, encryptedBucket, storeRole } from "../storage/encryptedBucket";
import { ENV, LOCUSTFILE, libFiles, locustfile } from "./locustfile";
import { MASTER_LABELS, MASTER_WEB_PORT, loadTestNetworkPolicies } from "./networkPolicies";
import { ShapeName } from "./shapes";
import { loadTestDashboard, loadTestRuleGroups } from "./slo";

/** Release name and the chart's fullname: its objects are `locust-master`, `locust-worker`, ... */
export const LOCUST_RELEASE = "locust";
/** The chart's master service account (`<fullname>-master`), the IRSA role's subject. */
export const MASTER_SERVICE_ACCOUNT = `${LOCUST_RELEASE}-master`;
export const SUMMARY_BUCKET_ROLE = "load-test-runs";
/** The locustio/locust image runs as user `locust`, uid 1000. https://github.com/locustio/locust/blob/master/Dockerfile */
const LOCUST_UID = 1000;

export interface LoadTestArgs extends EncryptedStoreBase, OidcIssuer {
  readonly provider: k8s.Provider;
  /** Namespace of master and workers (Pod Security restricted). Default loadtest. */
  readonly namespace: string;
  /** Node selector and tolerations of the pool the load generators run on (data-processing: never trading-api's nodes). */
  readonly placement: Placement;
  /** `cluster.scheduledOn(pool)` of that pool: what the release waits for. */
  readonly scheduledAfter: readonly pulumi.Resource[];
  /** URL the users target: the ALB (its DNS name, or the certificate's host name with HTTPS). */
  readonly targetUrl: pulumi.Input<string>;
  /** Verify the target's TLS certificate (only when the URL names a host on it). Default false. */
  readonly verifyTls?: boolean;
  /** Where the ALB is reached from the pods, and its listener port. */
  readonly targetCidrs: readonly string[];
  readonly targetPort: number;
  /** Which of the four shapes the master runs. Default stages. */
  readonly shape: ShapeName;
  /** Locust workers (one CPU each). Default 5 (dev) / 10 (prod). */
  readonly workers: number;
  /** Days run summaries are kept. Default 90. */
  readonly summaryRetentionDays: number;
  /** kube-prometheus-stack: its release ships the PodMonitor/PrometheusRule CRDs; its name is their selectors' `release` label. */
  readonly monitoring: { readonly release: pulumi.Resource; readonly releaseName: string; readonly namespace: string };
  /** Namespace of trading-api (the dashboard's scaling panels). */
  readonly tradingApiNamespace: string;
}

/**
 * Load testing as a platform capability: distributed Locust (deliveryhero chart) with the spec's
 * four shapes, aimed at trading-api through the ALB, its results as Prometheus metrics, SLO alerts,
 * a Grafana dashboard and a JSON run summary per test in S3.
 */
export class LoadTest extends pulumi.ComponentResource {
  public readonly namespace: k8s.core.v1.Namespace;
  public readonly summaryBucket: aws.s3.Bucket;
  public readonly summaryBucketName: pulumi.Output<string>;
  public readonly masterRole: IrsaRole;
  public readonly locustfile: k8s.core.v1.ConfigMap;
  public readonly lib: k8s.core.v1.ConfigMap;
  public readonly release: k8s.helm.v3.Release;
  public readonly podMonitor: k8s.apiextensions.CustomResource;
  public readonly rules: k8s.apiextensions.CustomResource;
  public readonly dashboard: k8s.core.v1.ConfigMap;

  constructor(name: string, args: LoadTestArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:loadtest:LoadTest", name, {}, opts);
    const p = args.namePrefix;
    const ns = args.namespace;
    const k8sOpts = { parent: this, provider: args.provider };

    const store = encryptedBucket(this, `${name}-runs`, args, {
      keyName: `${name}-runs`,
      key: { description: `${p} load-test run summaries in S3`, alias: `${p}-${SUMMARY_BUCKET_ROLE}` },
      role: SUMMARY_BUCKET_ROLE,
      purpose: "Locust run summaries",
      lifecycle: { expirationDays: args.summaryRetentionDays },
      backedUp: true,
    });
    this.summaryBucket = store.bucket;
    this.summaryBucketName = store.bucketName;

    // The master alone writes summaries, under runs/ only; workers get no AWS identity.
    this.masterRole = storeRole(this, `${name}-master`, args, {
      namespace: ns,
      serviceAccount: MASTER_SERVICE_ACCOUNT,
      description: `${p} Locust master: write run summaries (IRSA)`,
      inlinePolicies: {
        "run-summaries": pulumi.all([this.summaryBucket.arn, store.key.arn]).apply(([bucketArn, keyArn]): aws.iam.PolicyDocument => ({
          Version: "2012-10-17",
          Statement: [
            { Sid: "WriteSummaries", Effect: "Allow", Action: ["s3:PutObject"], Resource: `${bucketArn}/runs/*` },
            { Sid: "BucketKey", Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: keyArn },
          ],
        })),
      },
    });

    this.namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      { metadata: { name: ns, labels: { "kubernetes.io/metadata.name": ns, "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/warn": "restricted" } } },
      k8sOpts,
    );
    const inNs = { ...k8sOpts, dependsOn: [this.namespace] };
    const policies = loadTestNetworkPolicies(this, `${name}-net`, {
      provider: args.provider,
      namespace: ns,
      namespaceResource: this.namespace,
      targetCidrs: args.targetCidrs,
      targetPort: args.targetPort,
      prometheus: { namespace: args.monitoring.namespace, podLabels: { "app.kubernetes.io/name": "prometheus" } },
    });

    this.locustfile = new k8s.core.v1.ConfigMap(`${name}-locustfile`, { metadata: { name: "locust-locustfile", namespace: ns }, data: { [LOCUSTFILE]: locustfile() } }, inNs);
    this.lib = new k8s.core.v1.ConfigMap(`${name}-lib`, { metadata: { name: "locust-lib", namespace: ns }, data: libFiles() }, inNs);

    // Restricted Pod Security: non-root, no privilege escalation, no capabilities, RuntimeDefault seccomp.
    this.release = new k8s.helm.v3.Release(
      `${name}-locust`,
      {
        ...chartSource(CHARTS.locust),
        name: LOCUST_RELEASE,
        namespace: ns,
        createNamespace: false,
        cleanupOnFail: true,
        ...helmWaitOptions(CHARTS.locust),
        values: {
          fullnameOverride: LOCUST_RELEASE,
          loadtest: {
            name: "entasis",
            locust_locustfile: LOCUSTFILE,
            locust_locustfile_configmap: this.locustfile.metadata.name,
            locust_lib_configmap: this.lib.metadata.name,
            locust_host: args.targetUrl,
            // Runs are started from the web UI (kubectl port-forward svc/locust 8089), not at install.
            headless: false,
            environment: { [ENV.shape]: args.shape, [ENV.summaryBucket]: this.summaryBucketName, [ENV.summaryPrefix]: "runs", [ENV.region]: args.region, [ENV.verifyTls]: String(args.verifyTls ?? false) },
          },
          nodeSelector: { ...args.placement.nodeSelector },
          tolerations: args.placement.tolerations.map((t) => ({ ...t })),
          podSecurityContext: { runAsNonRoot: true, runAsUser: LOCUST_UID, runAsGroup: LOCUST_UID, fsGroup: LOCUST_UID, seccompProfile: { type: "RuntimeDefault" } },
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
          master: {
            resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "1Gi" } },
            serviceAccountAnnotations: { "eks.amazonaws.com/role-arn": this.masterRole.arn },
          },
          // One gevent loop per worker uses at most one core: request exactly one.
          worker: {
            replicas: args.workers,
            resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } },
          },
        },
      },
      { ...k8sOpts, dependsOn: [this.namespace, this.locustfile, this.lib, ...Object.values(policies), ...args.scheduledAfter] },
    );

    // The master serves /metrics on its web port (rendered by the locustfile).
    this.podMonitor = new k8s.apiextensions.CustomResource(
      `${name}-metrics`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PodMonitor",
        metadata: { name: "locust-master", namespace: ns, labels: { release: args.monitoring.releaseName } },
        spec: { selector: { matchLabels: { ...MASTER_LABELS, "app.kubernetes.io/instance": LOCUST_RELEASE } }, podMetricsEndpoints: [{ portNumber: MASTER_WEB_PORT, path: "/metrics", interval: "15s" }] },
      },
      { ...k8sOpts, dependsOn: [args.monitoring.release, this.release] },
    );
    this.rules = new k8s.apiextensions.CustomResource(
      `${name}-slo-rules`,
      { apiVersion: "monitoring.coreos.com/v1", kind: "PrometheusRule", metadata: { name: "load-test-slo", namespace: ns, labels: { release: args.monitoring.releaseName } }, spec: { groups: loadTestRuleGroups() } },
      { ...k8sOpts, dependsOn: [args.monitoring.release, this.namespace] },
    );
    // Grafana's dashboard sidecar searches every namespace (kube-prometheus-stack sets searchNamespace: ALL).
    const d = loadTestDashboard(args.tradingApiNamespace);
    this.dashboard = new k8s.core.v1.ConfigMap(`${name}-dashboard`, { metadata: { name: "grafana-dashboard-load-test", namespace: ns, labels: { grafana_dashboard: "1" } }, data: { [`${d.uid}.json`]: dashboardJson(d) } }, inNs);

    this.registerOutputs({ namespace: ns, summaryBucket: this.summaryBucketName, masterRoleArn: this.masterRole.arn });
  }
}
