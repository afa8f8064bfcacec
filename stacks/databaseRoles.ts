import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "../components/cluster/cluster";
import { DatabaseRoles } from "../components/data/databaseRoles";
import { SubnetPlan } from "../lib/subnetPlan";
import { DataTier } from "./data";
import { DataConfig } from "./schema/data";
import { Tags } from "../components/tags";

/** The pool the role bootstrap Job runs on, by its `role` label (the spec's general pool). */
const BOOTSTRAP_POOL_ROLE = "general";

/**
 * Composition of the database roles (called from buildPlatform): the data tier's consumers get
 * their PostgreSQL roles from a Job in the cluster, the only place inside the VPC that runs code.
 */
export function buildDatabaseRoles(
  data: DataConfig,
  tier: DataTier,
  cluster: Cluster,
  subnetPlan: SubnetPlan,
  nodePoolRoles: Readonly<Record<string, string | undefined>>,
  scope: { readonly region: string; readonly namePrefix: string; readonly tags: Tags },
): DatabaseRoles {
  const { region, namePrefix, tags } = scope;
  const pool = Object.entries(nodePoolRoles).find(([, role]) => role === BOOTSTRAP_POOL_ROLE)?.[0];
  if (pool === undefined) {
    throw new pulumi.RunError(`no node pool is labelled role=${BOOTSTRAP_POOL_ROLE}; the database role bootstrap Job runs there (add labels: { role: ${BOOTSTRAP_POOL_ROLE} } to a pool in entasis:cluster.nodePools)`);
  }
  return new DatabaseRoles("database-roles", {
    provider: cluster.provider,
    consumers: data.postgres.consumers,
    database: {
      host: tier.postgres.address,
      port: tier.postgres.port,
      name: data.postgres.databaseName,
      masterUsername: data.postgres.masterUsername,
      masterSecretArn: tier.postgres.masterSecret.arn,
      masterSecretVersion: tier.postgres.masterSecretVersion,
    },
    secretsKeyArn: tier.secretsKey.arn,
    region,
    oidcProviderArn: cluster.oidcProviderArn,
    issuerHostPath: cluster.issuerHostPath,
    namePrefix,
    tags,
    nodeSelector: { role: BOOTSTRAP_POOL_ROLE },
    databaseCidrs: Object.values(subnetPlan.database),
    scheduledOn: cluster.scheduledOn(pool),
  });
}
