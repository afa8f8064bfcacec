import { TIMESERIES_CLUSTER } from "./timeseries";
import { ARCHIVE_ROLE } from "./failover";
import { Platform } from "./platformResult";

/**
 * Output `failover`: this stack's side, and on the primary what its standby replicates from. Its type
 * is PlatformOutputs["failover"] in outputs.ts, checked where platformOutputs uses this (naming it
 * here would import outputs.ts back: an import circle).
 */
export function failoverOutput(p: Platform) {
  const f = p.config.failover;
  if (!f) return null;
  const dr = p.disasterRecovery;
  const archive = dr?.drBuckets[ARCHIVE_ROLE];
  const archiveKey = dr?.drKeys[ARCHIVE_ROLE];
  const drRegion = p.config.backup.drRegion;
  return {
    role: f.role,
    promoted: f.role === "standby" ? f.promoted === true : null,
    apiHost: f.dns.apiHost,
    websocketHost: f.dns.websocketHost,
    healthCheckId: p.failoverDns?.healthCheck?.id ?? null,
    replicationSources:
      f.role === "primary" && dr && archive && archiveKey && drRegion !== undefined
        ? {
            postgresArn: p.data.postgres.primary.arn,
            timeseriesArchive: { bucket: archive.bucket, bucketArn: archive.arn, keyArn: archiveKey.arn, region: drRegion, serverName: TIMESERIES_CLUSTER },
            bucketCopies: Object.fromEntries(Object.entries(dr.drBuckets).map(([role, b]) => [role, { bucket: b.bucket, bucketArn: b.arn, keyArn: dr.drKeys[role].arn }])),
          }
        : null,
  };
}
