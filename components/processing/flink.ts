import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { STATELESS_OPT_OUT } from "../../lib/processingNames";
import { CHARTS, FLINK_OPERATOR_IMAGE } from "../../lib/helmCharts";
import { ProcessingCommon } from "./common";
import { flinkCandlesDeployment } from "./examples";
import { JOB_METRICS_PORT, OPERATOR_METRICS_PORT, flinkDefaults, flinkJobPolicy } from "./flinkConfig";
import { flinkRuleGroups } from "./flinkAlerts";
import { PROMETHEUS_PEER } from "./networkPolicies";
import { EngineSpec, OPERATOR_WEBHOOK_PORT, operatorRelease } from "./engine";
import { ProcessingEngine } from "./processingEngine";
import { flinkPlacementConfig } from "./placement";
import { FlinkSettings } from "./settings";

export interface FlinkArgs extends ProcessingCommon {
  /** Flink's settings (`entasis:processing.flink`, validated by stacks/schema/processing.ts). No default. */
  readonly config: FlinkSettings;
  /** cert-manager's release: the operator's webhook certificate is a cert-manager Certificate. */
  readonly certManagerRelease: pulumi.Resource;
}

export const FLINK_STATE_BUCKET_ROLE = "flink-state";
/** The jobs namespace's service account (created by the chart with the IRSA annotation). */
export const FLINK_JOB_SERVICE_ACCOUNT = "flink";
export const FLINK_RELEASE = "flink-kubernetes-operator";
const REST_PORT = 8081;

/**
 * What Flink's skeleton (components/processing/engine.ts) is made of. Checkpoints write many small
 * objects: the bucket key saves a KMS call per object. Flink deletes subsumed checkpoints itself;
 * versioning keeps them a few days more.
 */
function flinkSpec(args: FlinkArgs): EngineSpec {
  const p = args.namePrefix;
  return {
    engine: "flink",
    storeSuffix: "state",
    key: { description: `${p} Flink checkpoints and savepoints in S3`, alias: `${p}-${FLINK_STATE_BUCKET_ROLE}` },
    bucket: {
      role: FLINK_STATE_BUCKET_ROLE,
      purpose: "Flink checkpoints, savepoints and HA metadata",
      lifecycle: { noncurrentVersionExpirationDays: args.config.noncurrentStateRetentionDays },
      backedUp: true,
    },
    jobServiceAccount: FLINK_JOB_SERVICE_ACCOUNT,
    jobRoleDescription: `${p} Flink jobs: state bucket, read trades, write candles (IRSA)`,
    jobPolicy: (bucketArn, keyArn) => flinkJobPolicy(args.marketData, bucketArn, keyArn),
    placementHint: "the operator's default configuration sets them; do not override kubernetes.*.node-selector or kubernetes.*.tolerations",
  };
}

/**
 * Stream processing with Apache Flink: the Flink Kubernetes operator on the system pool (webhook
 * certificate from cert-manager) watching one jobs namespace; jobs on the data-processing pool
 * with Kubernetes HA and checkpoints/savepoints in a KMS-encrypted bucket through IRSA; metrics
 * and alerts in Prometheus.
 */
export class Flink extends ProcessingEngine {
  public readonly stateBucket: aws.s3.Bucket;
  public readonly stateBucketName: pulumi.Output<string>;
  public readonly release: k8s.helm.v3.Release;
  public readonly podMonitors: Readonly<Record<string, k8s.apiextensions.CustomResource>>;
  public readonly rules: k8s.apiextensions.CustomResource;
  public readonly upgradePolicy: k8s.admissionregistration.v1.ValidatingAdmissionPolicy;
  public readonly upgradeBinding: k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
  public readonly example?: k8s.apiextensions.CustomResource;

  constructor(name: string, args: FlinkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:processing:Flink", name, args, args.config, flinkSpec(args), opts);
    const cfg = args.config;
    const k8sOpts = { parent: this, provider: args.provider };
    this.stateBucket = this.foundation.store.bucket;
    this.stateBucketName = this.foundation.store.bucketName;

    const flinkConf = this.stateBucketName.apply((bucket) =>
      Object.entries(flinkDefaults(bucket, cfg, flinkPlacementConfig(args.placement)))
        .map(([k, v]) => `${k}: ${v}`)
        .join("\n"),
    );
    const resources = { requests: { cpu: "200m", memory: "512Mi" }, limits: { memory: "1Gi" } };
    const container = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, runAsNonRoot: true };
    // Image pull, the operator and webhook containers, and cert-manager issuing the webhook certificate.
    this.release = operatorRelease(this, name, args.provider, {
      chart: CHARTS.flinkOperator,
      releaseName: FLINK_RELEASE,
      namespace: this.operatorNamespace,
      values: {
        watchNamespaces: [cfg.jobNamespace],
        // One replica (the chart's Recreate strategy): running jobs do not need the operator, only
        // upgrades, savepoints and recovery wait for its restart.
        replicas: 1,
        // The chart file says `latest`; pin the release's image (lib/helmCharts.ts).
        image: { repository: FLINK_OPERATOR_IMAGE.repository, tag: FLINK_OPERATOR_IMAGE.tag },
        operatorPod: { nodeSelector: { ...args.systemPool.labels }, resources, webhook: { resources } },
        operatorSecurityContext: container,
        webhookSecurityContext: container,
        jobServiceAccount: {
          create: true,
          name: FLINK_JOB_SERVICE_ACCOUNT,
          annotations: { "helm.sh/resource-policy": "keep", "eks.amazonaws.com/role-arn": this.jobRole.arn },
        },
        webhook: { create: true },
        defaultConfiguration: { create: true, append: true, "flink-conf.yaml": flinkConf },
        metrics: { port: OPERATOR_METRICS_PORT },
      },
      dependsOn: [this.jobs.namespace, args.certManagerRelease, ...args.systemPoolReady],
    });

    const crdOpts = { ...k8sOpts, dependsOn: [args.monitoring.release, this.release] };
    const podMonitor = (key: string, namespace: pulumi.Input<string>, selector: Record<string, string>, port: number): k8s.apiextensions.CustomResource =>
      new k8s.apiextensions.CustomResource(
        `${name}-${key}-metrics`,
        {
          apiVersion: "monitoring.coreos.com/v1",
          kind: "PodMonitor",
          metadata: { name: `flink-${key}`, namespace, labels: { release: args.monitoring.releaseName } },
          spec: { selector: { matchLabels: selector }, podMetricsEndpoints: [{ portNumber: port, path: "/metrics", interval: "30s" }] },
        },
        crdOpts,
      );
    this.podMonitors = {
      operator: podMonitor("operator", this.operatorNamespace.metadata.name, { "app.kubernetes.io/name": FLINK_RELEASE }, OPERATOR_METRICS_PORT),
      // Every JobManager and TaskManager pod of Flink's native Kubernetes mode carries this label.
      jobs: podMonitor("jobs", this.jobs.name, { type: "flink-native-kubernetes" }, JOB_METRICS_PORT),
    };
    this.rules = new k8s.apiextensions.CustomResource(
      `${name}-rules`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: { name: "flink", namespace: this.operatorNamespace.metadata.name, labels: { release: args.monitoring.releaseName } },
        spec: { groups: flinkRuleGroups(cfg.jobNamespace, cfg.operatorNamespace, cfg.checkpointIntervalSeconds) },
      },
      { ...k8sOpts, dependsOn: [args.monitoring.release] },
    );

    // The platform default upgrade mode. A CRD default cannot be changed and the operator's defaults
    // (stateless) cannot be configured, so the jobs namespace admits a FlinkDeployment with a job
    // only if it states savepoint or last-state, or opts out of durable upgrades explicitly.
    // https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-release-1.15/docs/custom-resource/job-management/#stateful-and-stateless-application-upgrades
    const upgradePolicyName = `${cfg.jobNamespace}-flink-upgrade-mode`;
    this.upgradePolicy = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(
      `${name}-upgrade-mode`,
      {
        metadata: { name: upgradePolicyName },
        spec: {
          failurePolicy: "Fail",
          matchConstraints: {
            resourceRules: [{ apiGroups: ["flink.apache.org"], apiVersions: ["*"], operations: ["CREATE", "UPDATE"], resources: ["flinkdeployments"] }],
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": cfg.jobNamespace } },
          },
          validations: [
            {
              expression: `!has(object.spec.job) || (has(object.spec.job.upgradeMode) && object.spec.job.upgradeMode in ['savepoint', 'last-state']) || (has(object.metadata.annotations) && '${STATELESS_OPT_OUT}' in object.metadata.annotations && object.metadata.annotations['${STATELESS_OPT_OUT}'] == 'true')`,
              message: `FlinkDeployments in ${cfg.jobNamespace} upgrade through a savepoint: set spec.job.upgradeMode: savepoint (the platform default; last-state is accepted), or annotate ${STATELESS_OPT_OUT}: "true" for a job without state`,
              reason: "Invalid",
            },
          ],
        },
      },
      k8sOpts,
    );
    this.upgradeBinding = new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(
      `${name}-upgrade-mode`,
      { metadata: { name: upgradePolicyName }, spec: { policyName: upgradePolicyName, validationActions: ["Deny"], matchResources: { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": cfg.jobNamespace } } } } },
      { ...k8sOpts, dependsOn: [this.upgradePolicy] },
    );

    this.allow(name, cfg, {
      operator: {
        ingress: {
          webhook: { peer: { cidrs: args.controlPlaneCidrs }, ports: [OPERATOR_WEBHOOK_PORT], why: "the API server calls the validating/mutating webhook from the control plane's ENIs" },
          metrics: { peer: PROMETHEUS_PEER, ports: [OPERATOR_METRICS_PORT], why: "Prometheus scrapes the operator" },
        },
        egress: { "jobmanager-rest": { peer: { namespace: cfg.jobNamespace }, ports: [REST_PORT], why: "the operator drives jobs (savepoints, status) through the JobManager REST API" } },
      },
      jobs: {
        operator: { podLabels: { component: "jobmanager" }, peer: { namespace: cfg.operatorNamespace }, ports: [REST_PORT], why: "the operator calls the JobManager REST API" },
        metrics: { peer: PROMETHEUS_PEER, ports: [JOB_METRICS_PORT], why: "Prometheus scrapes JobManagers and TaskManagers" },
      },
    });

    if (args.example) {
      this.example = new k8s.apiextensions.CustomResource(
        `${name}-example`,
        flinkCandlesDeployment({
          namespace: cfg.jobNamespace,
          serviceAccount: FLINK_JOB_SERVICE_ACCOUNT,
          jobManager: cfg.jobManager,
          taskManager: cfg.taskManager,
          marketDataBucket: args.marketData.bucketName,
        }),
        // CRD and webhook from the release; quota and placement policy first; pods on the data pool.
        { ...k8sOpts, dependsOn: [this.release, this.jobs, this.upgradeBinding, ...args.jobPoolReady] },
      );
    }

    this.registerOutputs({ stateBucketName: this.stateBucketName, jobRoleArn: this.jobRole.arn });
  }
}
