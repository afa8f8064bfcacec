/**
 * Names and mount path of the time-series CA. TimescaleDB and PgBouncer present a certificate of this
 * CA (components/security/privateCa.ts, created by TimeseriesCluster) so clients in other namespaces
 * verify them (`sslmode=verify-full`): CNPG's own server CA lives only in the database's namespace,
 * in a Secret that also holds its key. The server Secret is CNPG's `serverTLSSecret` and
 * `serverCASecret` (the CA issuer writes `ca.crt` next to `tls.crt`/`tls.key`, as in CNPG's
 * cert-manager example) and the Pooler's `clientTLSSecret`; it carries `cnpg.io/reload`, so the
 * instances reload a renewed certificate without a restart. CNPG keeps its own client CA and the
 * `streaming_replica` certificate (replication is untouched).
 * https://cloudnative-pg.io/documentation/current/certificates/#user-provided-certificates-mode
 * https://cloudnative-pg.io/documentation/current/connection_pooling/#certificates
 */
/** Names of the time-series CA, its issuer, the server certificate and the client CA bundles. */
export const TIMESERIES_TLS_NAMES = {
  /** ClusterIssuer of the time-series CA, and the CA's Certificate and Secret in cert-manager's namespace. */
  issuer: "timeseries-ca",
  /** The database's server certificate (CNPG `spec.certificates.serverTLSSecret` and `serverCASecret`). */
  serverCertificate: "timeseries-server-tls",
  /** In each client namespace: a Secret whose `ca.crt` is the time-series CA. */
  caBundle: "timeseries-ca-bundle",
} as const;

/** Where a client pod mounts the bundle's `ca.crt` (the connection secrets' `sslrootcert`). */
export const TIMESERIES_CA_MOUNT = { directory: "/etc/timeseries-ca", key: "ca.crt", path: "/etc/timeseries-ca/ca.crt" } as const;

