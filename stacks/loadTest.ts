import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "../components/cluster/cluster";
import { LoadTest } from "../components/loadtest/loadTest";
import { MONITORING_NAMESPACE, Monitoring, RELEASE_NAME } from "../components/observability/monitoring";
import { placementOn } from "../components/processing/placement";
import { Tags } from "../components/tags";
import { SubnetPlan } from "../lib/subnetPlan";
import { EdgeTier } from "./edge";
import { EdgeConfig } from "./schema/edge";
import { LoadTestConfig } from "./schema/loadTest";
import { AccountScope } from "../components/storage/encryptedBucket";

export interface LoadTestInputs extends AccountScope {
  readonly subnetPlan: SubnetPlan;
  readonly cluster: Cluster;
  readonly monitoring: Monitoring;
  readonly edge: EdgeTier;
  readonly edgeConfig: EdgeConfig;
  readonly tradingApiNamespace: string;
  readonly protect: boolean;
  readonly tags: Tags;
}

/**
 * Composition of the load-test area (called from buildPlatform); absent when
 * entasis:loadTest.enabled is false. Users take the path real users take: the ALB's listener
 * (HTTPS with the certificate's host name, verified, when targetHost is set; otherwise the ALB's
 * DNS name, unverified over HTTPS since that name is not on the certificate; plain HTTP on an ALB
 * without a certificate).
 */
export function buildLoadTest(config: LoadTestConfig, env: LoadTestInputs): LoadTest | undefined {
  if (!config.enabled) return undefined;
  const pool = env.cluster.nodePools[config.pool];
  if (!pool) throw new pulumi.RunError(`entasis:loadTest.pool ${config.pool} has no node pool after validation passed; this is a bug in stacks/schema/loadTest.ts`);
  const tls = env.edgeConfig.certificateArn !== undefined;
  const host = config.targetHost ?? env.edge.loadBalancer.dnsName;
  // An internal ALB lives in the private subnets; an internet-facing one answers on public
  // addresses that AWS changes, which a NetworkPolicy can only allow as 0.0.0.0/0 on the port.
  const targetCidrs = env.edgeConfig.scheme === "internal" ? Object.values(env.subnetPlan.private) : ["0.0.0.0/0"];
  return new LoadTest("load-test", {
    namePrefix: env.namePrefix,
    region: env.region,
    accountId: env.accountId,
    partition: env.partition,
    breakGlassRoleArn: env.breakGlassRoleArn,
    provider: env.cluster.provider,
    oidcProviderArn: env.cluster.oidcProviderArn,
    issuerHostPath: env.cluster.issuerHostPath,
    namespace: config.namespace,
    placement: placementOn(pool.description),
    scheduledAfter: env.cluster.scheduledOn(pool.poolName),
    targetUrl: pulumi.interpolate`${tls ? "https" : "http"}://${host}`,
    verifyTls: tls && config.targetHost !== undefined,
    targetCidrs,
    targetPort: tls ? 443 : 80,
    shape: config.shape,
    workers: config.workers,
    summaryRetentionDays: config.summaryRetentionDays,
    monitoring: { release: env.monitoring.release, releaseName: RELEASE_NAME, namespace: MONITORING_NAMESPACE },
    tradingApiNamespace: env.tradingApiNamespace,
    protect: env.protect,
    tags: env.tags,
  });
}
