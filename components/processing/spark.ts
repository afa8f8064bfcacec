import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CHARTS } from "../../lib/helmCharts";
import { IrsaRole } from "../cluster/irsaRole";
import { storeRole } from "../storage/encryptedBucket";
import { sparkBackfillApplication } from "./examples";
import { PROMETHEUS_PEER } from "./networkPolicies";
import { Placement } from "./placement";
import { HISTORY_PORT, HISTORY_SERVER, SparkHistoryServer } from "./sparkHistoryServer";
import { MarketDataAccess, ProcessingCommon } from "./common";
import { EngineSpec, OPERATOR_WEBHOOK_PORT, operatorRelease } from "./engine";
import { ProcessingEngine } from "./processingEngine";
import { SparkSettings } from "./settings";

export interface SparkArgs extends ProcessingCommon {
  /** Spark's settings (`entasis:processing.spark`, validated by stacks/schema/processing.ts). No default. */
  readonly config: SparkSettings;
}

/** Role of the event-log bucket in its name. */
export const EVENT_LOG_BUCKET_ROLE = "spark-event-logs";
/** The jobs namespace's service account (created by the chart with the IRSA annotation). */
export const SPARK_JOB_SERVICE_ACCOUNT = "spark";
export const SPARK_RELEASE = "spark-operator";
/** Port of the controller's metrics (chart default). */
const METRICS_PORT = 8080;

/** What Spark's skeleton (components/processing/engine.ts) is made of. */
function sparkSpec(args: SparkArgs): EngineSpec {
  const p = args.namePrefix;
  return {
    engine: "spark",
    storeSuffix: "event-logs",
    key: { description: `${p} Spark event logs in S3`, alias: `${p}-${EVENT_LOG_BUCKET_ROLE}` },
    bucket: {
      role: EVENT_LOG_BUCKET_ROLE,
      purpose: "Spark event logs (history server)",
      lifecycle: { expirationDays: args.config.eventLogRetentionDays },
      backedUp: true,
    },
    jobServiceAccount: SPARK_JOB_SERVICE_ACCOUNT,
    jobRoleDescription: `${p} Spark jobs: read market data, write candles and event logs (IRSA)`,
    jobPolicy: (bucketArn, keyArn) => sparkJobPolicy(args.marketData, bucketArn, keyArn, args.marketDataCopies),
    placementHint: "set spec.driver and spec.executor nodeSelector and tolerations of the SparkApplication as in the platform's example",
  };
}

/**
 * Batch processing with Apache Spark: the Kubeflow Spark operator (controller and pod-mutating
 * webhook on the system pool) watching one jobs namespace whose pods may only run on the
 * data-processing pool; an IRSA service account that reads market data and writes event logs; a
 * KMS-encrypted event-log bucket and the history server that reads it; metrics for Prometheus.
 */
export class Spark extends ProcessingEngine {
  public readonly eventLogBucket: aws.s3.Bucket;
  public readonly eventLogBucketName: pulumi.Output<string>;
  public readonly historyRole: IrsaRole;
  public readonly release: k8s.helm.v3.Release;
  public readonly podMonitor: k8s.apiextensions.CustomResource;
  public readonly historyServer: SparkHistoryServer;
  public readonly example?: k8s.apiextensions.CustomResource;
  public readonly placement: Placement;

  constructor(name: string, args: SparkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:processing:Spark", name, args, args.config, sparkSpec(args), opts);
    const cfg = args.config;
    const p = args.namePrefix;
    const k8sOpts = { parent: this, provider: args.provider };
    this.placement = args.placement;

    this.eventLogBucket = this.foundation.store.bucket;
    this.eventLogBucketName = this.foundation.store.bucketName;
    this.historyRole = storeRole(this, `${name}-history`, args, {
      namespace: cfg.operatorNamespace,
      serviceAccount: HISTORY_SERVER,
      description: `${p} Spark history server: read event logs (IRSA)`,
      inlinePolicies: { access: readOnlyPolicy(this.eventLogBucket.arn, this.key.arn) },
    });

    const resources = { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "512Mi" } };
    const ha = { replicas: cfg.operatorReplicas, podDisruptionBudget: { enable: cfg.operatorReplicas > 1, minAvailable: 1 } };
    this.release = operatorRelease(this, name, args.provider, {
      chart: CHARTS.sparkOperator,
      releaseName: SPARK_RELEASE,
      namespace: this.operatorNamespace,
      values: {
        controller: { ...ha, nodeSelector: { ...args.systemPool.labels }, resources, leaderElection: { enable: true } },
        webhook: { ...ha, nodeSelector: { ...args.systemPool.labels }, resources, failurePolicy: "Fail", port: OPERATOR_WEBHOOK_PORT },
        spark: {
          jobNamespaces: [cfg.jobNamespace],
          serviceAccount: { create: true, name: SPARK_JOB_SERVICE_ACCOUNT, annotations: { "eks.amazonaws.com/role-arn": this.jobRole.arn } },
          rbac: { create: true },
        },
        prometheus: { metrics: { enable: true, port: METRICS_PORT }, podMonitor: { create: false } },
      },
      dependsOn: [this.jobs.namespace, ...args.systemPoolReady],
    });

    // PodMonitor is a Prometheus Operator CRD: it waits for kube-prometheus-stack.
    this.podMonitor = new k8s.apiextensions.CustomResource(
      `${name}-operator-metrics`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PodMonitor",
        metadata: { name: "spark-operator", namespace: this.operatorNamespace.metadata.name, labels: { release: args.monitoring.releaseName } },
        spec: {
          selector: { matchLabels: { "app.kubernetes.io/name": "spark-operator", "app.kubernetes.io/component": "controller" } },
          podMetricsEndpoints: [{ portNumber: METRICS_PORT, path: "/metrics", interval: "30s" }],
        },
      },
      { ...k8sOpts, dependsOn: [args.monitoring.release, this.release] },
    );

    this.historyServer = new SparkHistoryServer(
      `${name}-history`,
      {
        provider: args.provider,
        namespace: this.operatorNamespace.metadata.name,
        serviceAccount: HISTORY_SERVER,
        roleArn: this.historyRole.arn,
        logDirectory: pulumi.interpolate`s3a://${this.eventLogBucketName}/event-logs/`,
        region: args.region,
        nodeSelector: args.systemPool.labels,
        scheduledAfter: args.systemPoolReady,
      },
      { parent: this },
    );

    this.allow(name, cfg, {
      operator: {
        ingress: {
          webhook: { podLabels: { "app.kubernetes.io/component": "webhook" }, peer: { cidrs: args.controlPlaneCidrs }, ports: [OPERATOR_WEBHOOK_PORT], why: "the API server calls the pod-mutating webhook from the control plane's ENIs in the private subnets" },
          metrics: { podLabels: { "app.kubernetes.io/component": "controller" }, peer: PROMETHEUS_PEER, ports: [METRICS_PORT], why: "Prometheus scrapes the controller" },
          history: { podLabels: { app: HISTORY_SERVER }, peer: { cidrs: args.controlPlaneCidrs }, ports: [HISTORY_PORT], why: "the history UI through kubectl port-forward (from the node)" },
        },
      },
      jobs: {
        metrics: { podLabels: { "spark-role": "driver" }, peer: PROMETHEUS_PEER, ports: [4040], why: "Prometheus scrapes drivers (spark.ui.prometheus.enabled, /metrics/executors/prometheus)" },
      },
    });

    if (args.example) {
      this.example = new k8s.apiextensions.CustomResource(
        `${name}-example`,
        sparkBackfillApplication({
          namespace: cfg.jobNamespace,
          serviceAccount: SPARK_JOB_SERVICE_ACCOUNT,
          placement: args.placement,
          driver: cfg.driver,
          executor: cfg.executor,
          marketDataBucket: args.marketData.bucketName,
          eventLogBucket: this.eventLogBucketName,
          timezone: args.timezone,
        }),
        // The CRD and the webhook come with the release; the quota and placement policy must be in
        // force before the first pod; its pods need the data pool's nodes.
        { ...k8sOpts, dependsOn: [this.release, this.jobs, ...args.jobPoolReady] },
      );
    }

    this.registerOutputs({ eventLogBucketName: this.eventLogBucketName, jobRoleArn: this.jobRole.arn, historyServerUrl: this.historyServer.url });
  }
}

/** Market data read (trades), candles written under `candles/`, event logs read and written. */
export function sparkJobPolicy(market: MarketDataAccess, eventLogArn: pulumi.Input<string>, eventLogKeyArn: pulumi.Input<string>, copies: readonly MarketDataAccess[] = []): pulumi.Output<aws.iam.PolicyDocument> {
  return pulumi.all([market.bucketArn, market.keyArn, eventLogArn, eventLogKeyArn, pulumi.all(copies.map((c) => c.bucketArn)), pulumi.all(copies.map((c) => c.keyArn))]).apply(
    ([marketArn, marketKey, logsArn, logsKey, copyArns, copyKeys]): aws.iam.PolicyDocument => ({
      Version: "2012-10-17",
      Statement: [
        // Read-only copies (a standby reads the primary's history there): listed, read, decrypted.
        ...(copyArns.length > 0
          ? [
              { Sid: "ListCopies", Effect: "Allow" as const, Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: copyArns },
              { Sid: "ReadCopies", Effect: "Allow" as const, Action: ["s3:GetObject"], Resource: copyArns.map((a) => `${a}/*`) },
              { Sid: "CopyKeys", Effect: "Allow" as const, Action: ["kms:Decrypt"], Resource: copyKeys },
            ]
          : []),
        { Sid: "ListBuckets", Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: [marketArn, logsArn] },
        { Sid: "ReadMarketData", Effect: "Allow", Action: ["s3:GetObject"], Resource: `${marketArn}/*` },
        { Sid: "WriteCandles", Effect: "Allow", Action: ["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"], Resource: `${marketArn}/candles/*` },
        { Sid: "EventLogs", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"], Resource: `${logsArn}/*` },
        { Sid: "BucketKeys", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [marketKey, logsKey] },
      ],
    }),
  );
}

/** Read-only access to one KMS-encrypted bucket. */
export function readOnlyPolicy(bucketArn: pulumi.Input<string>, keyArn: pulumi.Input<string>): pulumi.Output<aws.iam.PolicyDocument> {
  return pulumi.all([bucketArn, keyArn]).apply(
    ([arn, key]): aws.iam.PolicyDocument => ({
      Version: "2012-10-17",
      Statement: [
        { Sid: "List", Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: arn },
        { Sid: "Read", Effect: "Allow", Action: ["s3:GetObject"], Resource: `${arn}/*` },
        { Sid: "BucketKey", Effect: "Allow", Action: ["kms:Decrypt"], Resource: key },
      ],
    }),
  );
}
