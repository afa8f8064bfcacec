/**
 * The PostgreSQL connection budget of trading-api, shared by config validation and the plan's
 * capacity section.
 *
 * - Demand: every pod at the HPA maximum, plus the one extra pod a rolling update surges
 *   (maxSurge 1), each with its whole pool open.
 * - Supply without RDS Proxy: `max_connections` minus the slots PostgreSQL keeps for superusers
 *   (`superuser_reserved_connections`, 3) and RDS for its own agents (`rds.rds_superuser_reserved_connections`, 2).
 *   https://www.postgresql.org/docs/17/runtime-config-connection.html#GUC-SUPERUSER-RESERVED-CONNECTIONS ,
 *   https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html#RDS_Limits.MaxConnections
 * - Supply through RDS Proxy: the share of `max_connections` the proxy may open (`MaxConnectionsPercent`).
 *   The proxy multiplexes transactions, but asyncpg (the spec's driver) prepares statements, which
 *   pins a client to its database connection, so the budget counts one database connection per
 *   client connection. https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy-connections.html ,
 *   https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy-pinning.html
 */

/** Slots PostgreSQL (3) and RDS (2) keep for superusers and RDS's own agents. */
export const RESERVED_CONNECTIONS = 5;
/** Extra pods of a rolling update (trading-api's strategy: maxSurge 1, maxUnavailable 0). */
export const ROLLOUT_SURGE = 1;

export interface ConnectionBudget {
  /** Pods that can hold connections at once: HPA maximum + rollout surge. */
  readonly peakPods: number;
  readonly poolSizePerPod: number;
  /** peakPods x poolSizePerPod. */
  readonly demand: number;
  /** `max_connections` of the database. */
  readonly maxConnections: number;
  /** Through RDS Proxy: its MaxConnectionsPercent; undefined for direct connections. */
  readonly proxyPercent?: number;
  /** Connections the application may hold: the proxy's share, or max_connections minus the reserved slots. */
  readonly supply: number;
  /** The largest HPA maximum the supply carries at this pool size. */
  readonly maxHpaReplicas: number;
  readonly ok: boolean;
}

export function connectionBudget(args: { readonly hpaMaxReplicas: number; readonly poolSizePerPod: number; readonly maxConnections: number; readonly proxyPercent?: number }): ConnectionBudget {
  const peakPods = args.hpaMaxReplicas + ROLLOUT_SURGE;
  const demand = peakPods * args.poolSizePerPod;
  const supply = args.proxyPercent !== undefined ? Math.floor((args.maxConnections * args.proxyPercent) / 100) : args.maxConnections - RESERVED_CONNECTIONS;
  const maxHpaReplicas = Math.max(0, Math.floor(supply / args.poolSizePerPod) - ROLLOUT_SURGE);
  return { peakPods, poolSizePerPod: args.poolSizePerPod, demand, maxConnections: args.maxConnections, proxyPercent: args.proxyPercent, supply, maxHpaReplicas, ok: demand <= supply };
}
