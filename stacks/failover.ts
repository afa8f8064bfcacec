import * as pulumi from "@pulumi/pulumi";
import { FailoverDns } from "../components/edge/failoverDns";
import { Tags } from "../components/tags";
import { TIMESERIES_BUCKET_ROLE } from "../components/timeseries/backupStore";
import { EdgeTier } from "./edge";
import { FailoverConfig } from "./schema/failover";

/**
 * `archive_timeout` of a failover primary's TimescaleDB (seconds): a WAL segment is archived at the
 * latest this long after its first write, so the archive (and its DR copy the standby replays) lags
 * by at most this plus S3 replication. CNPG's default is 5 min.
 */
export const FAILOVER_ARCHIVE_TIMEOUT_SECONDS = 30;

/** What the primary stack exports for its standby (output `failover.replicationSources`). */
export interface ReplicationSources {
  /** ARN of the primary's RDS instance: the cross-region replica's `replicateSourceDb`. */
  readonly postgresArn: string;
  /** The DR-region copy of the TimescaleDB WAL archive and base backups. */
  readonly timeseriesArchive: { readonly bucket: string; readonly bucketArn: string; readonly keyArn: string; readonly region: string; readonly serverName: string };
  /** DR-region copies of the primary's buckets by bucket role (market data, cluster backups, WAL archive), with the keys they are encrypted with. */
  readonly bucketCopies: Readonly<Record<string, BucketCopy>>;
}

/** A DR-region copy of one of the primary's buckets. */
export interface BucketCopy {
  readonly bucket: string;
  readonly bucketArn: string;
  readonly keyArn: string;
}

/** Bucket role of the market-data bucket and of its DR copy. */
export const MARKET_DATA_ROLE = "market-data";

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Checks the shape of the primary's `failover.replicationSources` output; the problems, or the value. */
export function parseReplicationSources(v: unknown): { readonly ok: true; readonly value: ReplicationSources } | { readonly ok: false; readonly missing: readonly string[] } {
  const missing: string[] = [];
  const src = isRecord(v) ? v : {};
  if (typeof src.postgresArn !== "string") missing.push("postgresArn");
  const ts = isRecord(src.timeseriesArchive) ? src.timeseriesArchive : {};
  for (const k of ["bucket", "bucketArn", "keyArn", "region", "serverName"]) if (typeof ts[k] !== "string") missing.push(`timeseriesArchive.${k}`);
  const copies = isRecord(src.bucketCopies) ? src.bucketCopies : undefined;
  if (!copies || !Object.values(copies).every((b) => isRecord(b) && ["bucket", "bucketArn", "keyArn"].every((k) => typeof b[k] === "string"))) missing.push("bucketCopies");
  if (missing.length > 0) return { ok: false, missing };
  return { ok: true, value: src as unknown as ReplicationSources };
}

/**
 * Reads the primary stack's replication sources as plain values, from Pulumi state (not from the
 * primary's region, which may be the one that is down). Every missing output is reported at once.
 */
export async function readReplicationSources(stackName: string): Promise<ReplicationSources> {
  const ref = new pulumi.StackReference(`primary-${stackName.replace(/\//g, "-")}`, { name: stackName });
  const details = await ref.getOutputDetails("failover");
  const failover: unknown = details.value ?? details.secretValue;
  const parsed = parseReplicationSources(isRecord(failover) ? failover.replicationSources : undefined);
  if (!parsed.ok) {
    throw new pulumi.RunError(`primary stack ${stackName} lacks output failover.replicationSources (${parsed.missing.join(", ")}): deploy it with entasis:failover.role primary and entasis:backup.drRegion set to this stack's region first (docs/failover.md), or fix entasis:failover.primaryStack`);
  }
  return parsed.value;
}

/** The bucket role whose DR copy the standby's TimescaleDB replays. */
export const ARCHIVE_ROLE = TIMESERIES_BUCKET_ROLE;

/** This stack's side of the Route 53 failover records (called from buildPlatform when entasis:failover is set). */
export function buildFailoverDns(failover: FailoverConfig, env: { readonly stack: string; readonly namePrefix: string; readonly edge: EdgeTier; readonly tls: boolean; readonly tags: Tags }): FailoverDns {
  const dns = failover.dns;
  const primary = failover.role === "primary";
  return new FailoverDns("failover-dns", {
    namePrefix: env.namePrefix,
    hostedZoneId: dns.hostedZoneId,
    hosts: { api: dns.apiHost, websocket: dns.websocketHost },
    side: primary ? "PRIMARY" : "SECONDARY",
    setIdentifier: env.stack,
    target: env.edge.loadBalancer.dnsName,
    ttlSeconds: dns.ttlSeconds,
    healthCheck: primary
      ? { fqdn: env.edge.loadBalancer.dnsName, protocol: env.tls ? "HTTPS" : "HTTP", path: dns.healthCheck.path, intervalSeconds: dns.healthCheck.intervalSeconds, failureThreshold: dns.healthCheck.failureThreshold }
      : undefined,
    tags: env.tags,
  });
}
