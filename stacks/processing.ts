import * as pulumi from "@pulumi/pulumi";
import { CertManager } from "../components/certmanager/certManager";
import { Cluster } from "../components/cluster/cluster";
import { NodePool } from "../components/cluster/nodePool";
import { Monitoring, RELEASE_NAME } from "../components/observability/monitoring";
import { Flink } from "../components/processing/flink";
import { placementOn } from "../components/processing/placement";
import { Spark } from "../components/processing/spark";
import { Tags } from "../components/tags";
import { podRoomOnSmallest } from "../lib/instanceTypes";
import { SubnetPlan } from "../lib/subnetPlan";
import { DataTier } from "./data";
import { ClusterConfig } from "./schema/cluster";
import { ProcessingConfig } from "./schema/processing";
import { AccountScope } from "../components/storage/encryptedBucket";

/** The processing layer as the rest of the platform (outputs) sees it. */
export interface ProcessingTier {
  readonly spark: Spark;
  readonly flink: Flink;
}

export interface ProcessingTierInputs extends AccountScope {
  readonly subnetPlan: SubnetPlan;
  readonly cluster: Cluster;
  readonly clusterConfig: ClusterConfig;
  readonly systemPool: NodePool;
  readonly data: DataTier;
  readonly monitoring: Monitoring;
  readonly certManager: CertManager;
  readonly timezone: string;
  readonly protect: boolean;
  readonly tags: Tags;
  /** Read-only copies of market data the jobs may read (a failover standby: the DR copy of the primary's). Default none. */
  readonly marketDataCopies?: readonly { readonly bucket: pulumi.Input<string>; readonly bucketArn: pulumi.Input<string>; readonly keyArn: pulumi.Input<string> }[];
}

/** Composition of the processing area (called from buildPlatform): Spark for batch, Flink for streams. */
export function buildProcessingTier(config: ProcessingConfig, env: ProcessingTierInputs): ProcessingTier {
  const { cluster, data } = env;
  const pool = cluster.nodePools[config.pool];
  const room = podRoomOnSmallest(env.clusterConfig.nodePools[config.pool]?.instanceTypes ?? []);
  if (!pool || !room) throw new pulumi.RunError(`entasis:processing.pool ${config.pool} has no node pool or no known instance size after validation passed; this is a bug in stacks/schema/processing.ts`);

  const common = {
    namePrefix: env.namePrefix,
    region: env.region,
    accountId: env.accountId,
    partition: env.partition,
    breakGlassRoleArn: env.breakGlassRoleArn,
    provider: cluster.provider,
    oidcProviderArn: cluster.oidcProviderArn,
    issuerHostPath: cluster.issuerHostPath,
    systemPool: env.systemPool.description,
    systemPoolReady: cluster.scheduledOn(env.systemPool.poolName),
    placement: placementOn(pool.description),
    jobPoolReady: cluster.scheduledOn(pool.poolName),
    nodeRoom: room,
    marketData: { bucketName: data.objectStorage.marketDataBucketName, bucketArn: data.objectStorage.marketData.arn, keyArn: data.objectStorage.marketDataKey.arn },
    marketDataCopies: (env.marketDataCopies ?? []).map((c) => ({ bucketName: c.bucket, bucketArn: c.bucketArn, keyArn: c.keyArn })),
    monitoring: { release: env.monitoring.release, releaseName: RELEASE_NAME },
    // The EKS control plane's ENIs (webhook callers) and the nodes sit in the private subnets.
    controlPlaneCidrs: Object.values(env.subnetPlan.private),
    timezone: env.timezone,
    protect: env.protect,
    tags: env.tags,
  };

  const spark = new Spark("spark", { ...common, config: config.spark, example: config.examples.sparkBackfill });
  const flink = new Flink("flink", { ...common, config: config.flink, certManagerRelease: env.certManager.release, example: config.examples.flinkCandles });
  return { spark, flink };
}
