import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PoolDescription } from "../cluster/nodePool";
import { OidcIssuer } from "../cluster/irsaRole";
import { EncryptedStoreBase } from "../storage/encryptedBucket";
import { Placement } from "./placement";

/** The market-data bucket and its KMS key, as jobs are granted them. */
export interface MarketDataAccess {
  readonly bucketName: pulumi.Input<string>;
  readonly bucketArn: pulumi.Input<string>;
  readonly keyArn: pulumi.Input<string>;
}

/** What both engines get from the platform (fields of SparkArgs and FlinkArgs); their buckets and IRSA roles take the store base. */
export interface ProcessingCommon extends EncryptedStoreBase, OidcIssuer {
  readonly provider: k8s.Provider;
  /** Pool of the operators (and the history server): the system pool. */
  readonly systemPool: PoolDescription;
  /** `cluster.scheduledOn(systemPool)`: what operator pods wait for. */
  readonly systemPoolReady: readonly pulumi.Resource[];
  /** Node selector and tolerations of the data-processing pool: every job pod carries them. */
  readonly placement: Placement;
  /** `cluster.scheduledOn(data pool)`: what job pods wait for. */
  readonly jobPoolReady: readonly pulumi.Resource[];
  /** What one node of the data pool offers pods (LimitRange max per container). */
  readonly nodeRoom: { readonly cpuMillis: number; readonly memoryMiB: number };
  readonly marketData: MarketDataAccess;
  /** Read-only copies of market data (a failover standby's: the DR copy of the primary's bucket). Default none. */
  readonly marketDataCopies?: readonly MarketDataAccess[];
  /** kube-prometheus-stack: its release installs the PodMonitor/PrometheusRule CRDs; its name is the selectors' `release` label. */
  readonly monitoring: { readonly release: pulumi.Resource; readonly releaseName: string };
  /** Private subnets: where the EKS control plane's ENIs (webhook callers) and the nodes live. */
  readonly controlPlaneCidrs: readonly string[];
  /** IANA zone of schedules (the platform's backup zone). */
  readonly timezone: string;
  /** Create the engine's copyable example (Spark: a ScheduledSparkApplication; Flink: a FlinkDeployment). Default false. */
  readonly example?: boolean;
}
