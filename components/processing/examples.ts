import * as pulumi from "@pulumi/pulumi";
import { FLINK_IMAGE, FLINK_VERSION_ENUM, S3A_PACKAGE, SPARK_IMAGE, SPARK_UID } from "../../lib/helmCharts";
import { Placement } from "./placement";

/**
 * The examples app teams copy: one job per engine, built by the platform from its own settings
 * (namespace, service account, pool placement, default sizes, buckets), so they stay valid when
 * the platform changes. The components create them only when `entasis:processing.examples.*` is
 * on; tests schema-check the generated objects either way.
 */

/** A custom resource as the program registers it. */
export interface CustomResourceManifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace: string; readonly labels: Readonly<Record<string, string>> };
  readonly spec: Readonly<Record<string, unknown>>;
}

/**
 * Concatenation that stays a plain string when every part is one, so tests can schema-check a
 * generated object as it is, and an Output when a part is (a bucket name from the stack).
 */
export function join(...parts: pulumi.Input<string>[]): pulumi.Input<string> {
  return parts.every((x): x is string => typeof x === "string") ? parts.join("") : pulumi.concat(...parts);
}

/** Credentials for S3A from the pod's IRSA token; Hadoop 3.3's default chain would use the node's role. */
export const S3A_IRSA_PROVIDER = "com.amazonaws.auth.WebIdentityTokenCredentialsProvider";

export interface SparkBackfillInput {
  readonly namespace: string;
  /** The jobs namespace's IRSA service account. */
  readonly serviceAccount: string;
  readonly placement: Placement;
  readonly driver: { readonly cores: number; readonly memoryMiB: number };
  readonly executor: { readonly cores: number; readonly memoryMiB: number; readonly instances: number };
  /** Market-data bucket: input trades under `trades/`, output candles under `candles/`, the script under `jobs/`. */
  readonly marketDataBucket: pulumi.Input<string>;
  /** Event-log bucket the history server reads. */
  readonly eventLogBucket: pulumi.Input<string>;
  /** IANA zone of the schedule (the platform's backup zone, Asia/Seoul). */
  readonly timezone: string;
}

export const SPARK_BACKFILL_NAME = "candle-backfill";

/**
 * ScheduledSparkApplication: every day at 01:00 (the spec's daily hour), aggregate the previous
 * day's trades from the market-data bucket into candles. A PySpark script the app team keeps in
 * the bucket; S3A with IRSA; event logs to the history server's bucket.
 * https://www.kubeflow.org/docs/components/spark-operator/user-guide/running-sparkapplication-on-schedule/
 */
export function sparkBackfillApplication(i: SparkBackfillInput): CustomResourceManifest {
  const pod = (p: { readonly cores: number; readonly memoryMiB: number }) => ({
    cores: p.cores,
    memory: `${p.memoryMiB}m`,
    serviceAccount: i.serviceAccount,
    labels: { app: SPARK_BACKFILL_NAME },
    nodeSelector: { ...i.placement.nodeSelector },
    tolerations: i.placement.tolerations.map((t) => ({ ...t })),
    // The image's `spark` user; fsGroup makes the projected IRSA token readable.
    podSecurityContext: { runAsNonRoot: true, runAsUser: SPARK_UID, fsGroup: SPARK_UID, seccompProfile: { type: "RuntimeDefault" } },
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
  });
  return {
    apiVersion: "sparkoperator.k8s.io/v1beta2",
    kind: "ScheduledSparkApplication",
    metadata: { name: SPARK_BACKFILL_NAME, namespace: i.namespace, labels: { "app.kubernetes.io/part-of": "entasis-examples" } },
    spec: {
      schedule: "0 1 * * *",
      timeZone: i.timezone,
      concurrencyPolicy: "Forbid",
      successfulRunHistoryLimit: 3,
      failedRunHistoryLimit: 3,
      template: {
        type: "Python",
        mode: "cluster",
        sparkVersion: "3.5.7",
        image: SPARK_IMAGE,
        imagePullPolicy: "IfNotPresent",
        mainApplicationFile: join("s3a://", i.marketDataBucket, "/jobs/candle_backfill.py"),
        arguments: ["--input", join("s3a://", i.marketDataBucket, "/trades/"), "--output", join("s3a://", i.marketDataBucket, "/candles/"), "--interval", "1d"],
        deps: { packages: [S3A_PACKAGE] },
        sparkConf: {
          "spark.jars.ivy": "/tmp/.ivy2",
          "spark.eventLog.enabled": "true",
          "spark.eventLog.dir": join("s3a://", i.eventLogBucket, "/event-logs/"),
          "spark.eventLog.rolling.enabled": "true",
          "spark.hadoop.fs.s3a.aws.credentials.provider": S3A_IRSA_PROVIDER,
          "spark.hadoop.fs.s3a.endpoint.region": "ap-northeast-2",
          "spark.ui.prometheus.enabled": "true",
        },
        restartPolicy: { type: "OnFailure", onFailureRetries: 2, onFailureRetryInterval: 300, onSubmissionFailureRetries: 3, onSubmissionFailureRetryInterval: 60 },
        timeToLiveSeconds: 86400,
        driver: pod(i.driver),
        executor: { ...pod(i.executor), instances: i.executor.instances },
      },
    },
  };
}

export interface FlinkCandlesInput {
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly jobManager: { readonly cpu: number; readonly memoryMiB: number };
  readonly taskManager: { readonly cpu: number; readonly memoryMiB: number; readonly slots: number };
  /** Market-data bucket: trades arrive under `trades/`, 1-minute candles go to `candles-1m/`. */
  readonly marketDataBucket: pulumi.Input<string>;
}

export const FLINK_CANDLES_NAME = "trades-to-candles";

/**
 * FlinkDeployment (application mode): trades to 1-minute candles, stateful, upgraded through a
 * savepoint. Checkpoints, savepoints, HA, metrics and placement come from the operator's default
 * configuration (see flinkPlatform.ts), so the job states only what is its own.
 * https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-release-1.15/docs/custom-resource/overview/
 */
export function flinkCandlesDeployment(i: FlinkCandlesInput): CustomResourceManifest {
  const podTemplate = {
    spec: {
      securityContext: { runAsNonRoot: true, runAsUser: 9999, fsGroup: 9999, seccompProfile: { type: "RuntimeDefault" } },
      containers: [{ name: "flink-main-container", securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } } }],
    },
  };
  return {
    apiVersion: "flink.apache.org/v1beta1",
    kind: "FlinkDeployment",
    metadata: { name: FLINK_CANDLES_NAME, namespace: i.namespace, labels: { "app.kubernetes.io/part-of": "entasis-examples" } },
    spec: {
      image: FLINK_IMAGE,
      flinkVersion: FLINK_VERSION_ENUM,
      serviceAccount: i.serviceAccount,
      mode: "native",
      flinkConfiguration: {
        "taskmanager.numberOfTaskSlots": `${i.taskManager.slots}`,
        "pipeline.name": FLINK_CANDLES_NAME,
      },
      podTemplate,
      jobManager: { replicas: 1, resource: { cpu: i.jobManager.cpu, memory: `${i.jobManager.memoryMiB}m` } },
      taskManager: { resource: { cpu: i.taskManager.cpu, memory: `${i.taskManager.memoryMiB}m` } },
      job: {
        // The app team's job jar, baked into its image on top of FLINK_IMAGE.
        jarURI: "local:///opt/flink/usrlib/candles.jar",
        entryClass: "io.entasis.candles.TradesToCandles",
        args: ["--trades", join("s3://", i.marketDataBucket, "/trades/"), "--candles", join("s3://", i.marketDataBucket, "/candles-1m/"), "--window", "1m"],
        parallelism: i.taskManager.slots,
        upgradeMode: "savepoint",
        state: "running",
      },
    },
  };
}
