import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { FLINK_IMAGE } from "../../lib/helmCharts";
import { MarketDataAccess } from "./common";
import { S3A_IRSA_PROVIDER } from "./examples";
import type { FlinkSettings } from "./settings";

/** Prometheus reporter ports: the operator's own, and every JobManager's and TaskManager's. */
export const OPERATOR_METRICS_PORT = 9999;
export const JOB_METRICS_PORT = 9249;

/**
 * Flink configuration the operator applies to every FlinkDeployment it manages (its default
 * configuration is shared with the deployments; a job's own flinkConfiguration wins): Kubernetes
 * HA, RocksDB state with checkpoints and savepoints in the state bucket over `s3://` (the
 * flink-s3-fs-hadoop plugin, IRSA credentials), Prometheus metrics, the data pool's placement.
 * https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-release-1.15/docs/operations/configuration/
 */
export function flinkDefaults(stateBucket: string, cfg: FlinkSettings, placement: Record<string, string>): Record<string, string> {
  const version = FLINK_IMAGE.split(":")[1].split("-")[0];
  return {
    // The operator's own metrics (Prometheus reporter shipped in the operator image).
    // https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-release-1.15/docs/operations/metrics-logging/
    "kubernetes.operator.metrics.reporter.prom.factory.class": "org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
    "kubernetes.operator.metrics.reporter.prom.port": `${OPERATOR_METRICS_PORT}`,
    "kubernetes.operator.reconcile.interval": "15 s",
    "kubernetes.operator.observer.progress-check.interval": "5 s",
    // Durable state: HA metadata in ConfigMaps, pointers into S3.
    "high-availability.type": "kubernetes",
    "high-availability.storageDir": `s3://${stateBucket}/ha`,
    "state.backend.type": "rocksdb",
    "state.backend.incremental": "true",
    "state.checkpoints.dir": `s3://${stateBucket}/checkpoints`,
    "state.savepoints.dir": `s3://${stateBucket}/savepoints`,
    "execution.checkpointing.interval": `${cfg.checkpointIntervalSeconds} s`,
    "execution.checkpointing.externalized-checkpoint-retention": "RETAIN_ON_CANCELLATION",
    "kubernetes.operator.periodic.savepoint.interval": "6 h",
    "kubernetes.operator.savepoint.history.max.age": "7 d",
    // The S3 filesystem of the official image, enabled per pod; IRSA instead of the node role.
    "containerized.master.env.ENABLE_BUILT_IN_PLUGINS": `flink-s3-fs-hadoop-${version}.jar`,
    "containerized.taskmanager.env.ENABLE_BUILT_IN_PLUGINS": `flink-s3-fs-hadoop-${version}.jar`,
    "fs.s3a.aws.credentials.provider": S3A_IRSA_PROVIDER,
    "metrics.reporter.prom.factory.class": "org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
    "metrics.reporter.prom.port": `${JOB_METRICS_PORT}`,
    "taskmanager.numberOfTaskSlots": `${cfg.taskManager.slots}`,
    ...placement,
  };
}

/** State bucket read/write, trades read, 1-minute candles written. */
export function flinkJobPolicy(market: MarketDataAccess, stateArn: pulumi.Input<string>, stateKeyArn: pulumi.Input<string>): pulumi.Output<aws.iam.PolicyDocument> {
  return pulumi.all([market.bucketArn, market.keyArn, stateArn, stateKeyArn]).apply(
    ([marketArn, marketKey, bucketArn, stateKey]): aws.iam.PolicyDocument => ({
      Version: "2012-10-17",
      Statement: [
        { Sid: "ListBuckets", Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: [marketArn, bucketArn] },
        { Sid: "State", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"], Resource: `${bucketArn}/*` },
        { Sid: "ReadTrades", Effect: "Allow", Action: ["s3:GetObject"], Resource: `${marketArn}/trades/*` },
        { Sid: "WriteCandles", Effect: "Allow", Action: ["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"], Resource: `${marketArn}/candles-1m/*` },
        { Sid: "BucketKeys", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [marketKey, stateKey] },
      ],
    }),
  );
}
