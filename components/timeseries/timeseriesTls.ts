import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { WAIT_FOR_READY } from "../../lib/awaitReady";

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

const ISSUER_REF = (name: string) => ({ name, kind: "ClusterIssuer", group: "cert-manager.io" });
/** 90 days, renewed 30 days before expiry (cert-manager's defaults spelled out). */
const LEAF = { duration: "2160h", renewBefore: "720h" } as const;

/**
 * Every name a client may be given for the database, in the four forms a pod can resolve:
 * `<svc>`, `<svc>.<ns>`, `<svc>.<ns>.svc`, `<svc>.<ns>.svc.cluster.local`.
 */
export function timeseriesServerDnsNames(namespace: string, services: readonly string[]): string[] {
  return services.flatMap((svc) => [svc, `${svc}.${namespace}`, `${svc}.${namespace}.svc`, `${svc}.${namespace}.svc.cluster.local`]);
}

/** What a CA-bundle Certificate needs: the issuer it is signed by and what it waits for. */
export interface TimeseriesCaIssuer {
  /** ClusterIssuer name (TIMESERIES_TLS_NAMES.issuer). */
  readonly name: string;
  /** The ClusterIssuer and cert-manager's release (CRD and webhook). */
  readonly after: readonly pulumi.Resource[];
}

/**
 * A Certificate in `namespace` whose Secret (`timeseries-ca-bundle`) carries the time-series CA as
 * `ca.crt` (the CA issuer always writes it). Its leaf is a client certificate naming the namespace;
 * PostgreSQL and PgBouncer authenticate clients by password only (pg_hba `hostssl ... scram-sha-256`),
 * so it grants nothing. Clients mount `ca.crt` alone. Used by TimeseriesTls for namespaces that exist
 * before it, and by the components that create a client namespace later (the collectors).
 */
export function timeseriesCaBundle(
  name: string,
  where: { readonly role: string; readonly namespace: pulumi.Input<string>; readonly namespaceName: string; readonly namespaceResource: pulumi.Resource },
  issuer: TimeseriesCaIssuer,
  opts: { readonly parent: pulumi.Resource; readonly provider: k8s.Provider },
): k8s.apiextensions.CustomResource {
  const secretName = TIMESERIES_TLS_NAMES.caBundle;
  return new k8s.apiextensions.CustomResource(
    name,
    {
      apiVersion: "cert-manager.io/v1",
      kind: "Certificate",
      metadata: { name: secretName, namespace: where.namespace, annotations: { ...WAIT_FOR_READY } },
      spec: {
        secretName,
        commonName: `${where.role}.${where.namespaceName}`,
        ...LEAF,
        usages: ["client auth", "digital signature"],
        privateKey: { algorithm: "RSA", size: 2048, rotationPolicy: "Always" },
        issuerRef: ISSUER_REF(issuer.name),
      },
    },
    { parent: opts.parent, provider: opts.provider, dependsOn: [where.namespaceResource, ...issuer.after] },
  );
}

export interface TimeseriesTlsArgs {
  readonly provider: k8s.Provider;
  /** cert-manager's release (its CRDs and a serving webhook). No default. */
  readonly certManagerRelease: pulumi.Resource;
  /** cert-manager's own namespace: a ClusterIssuer reads its CA Secret there (the cluster resource namespace). No default. */
  readonly certManagerNamespace: string;
  /** The self-signed ClusterIssuer that signs the CA, and its name. No default. */
  readonly selfSignedIssuer: { readonly resource: pulumi.Resource; readonly name: string };
  /**
   * The database's namespace and every Service a client is given (`<cluster>-rw`, `-ro`, `-r` and
   * the Pooler's): the server certificate names each in its four DNS forms. No default.
   */
  readonly server: { readonly namespace: string; readonly namespaceResource: pulumi.Resource; readonly services: readonly string[] };
  /**
   * Client namespaces that exist before the database (key: a stable role), each getting the CA
   * bundle Secret. Namespaces created later get theirs from `timeseriesCaBundle`. Default none.
   */
  readonly trustIn?: Readonly<Record<string, { readonly namespace: pulumi.Input<string>; readonly namespaceName: string; readonly namespaceResource: pulumi.Resource }>>;
}

/**
 * The time-series database's server certificate from a CA the platform owns, so clients in other
 * namespaces verify it (`sslmode=verify-full`): CNPG's own server CA lives only in the database's
 * namespace, in a Secret that also holds its key. Same shape as LoggingTls: cert-manager holds a CA
 * (self-signed, 10 years, its key never rotated, so certificates issued before and after a renewal
 * verify against either copy), a ClusterIssuer signing with it, the server certificate (90 days,
 * renewed 30 days before expiry), and a CA bundle per client namespace.
 *
 * The server Secret is CNPG's `serverTLSSecret` and `serverCASecret` (the CA issuer writes `ca.crt`
 * next to `tls.crt`/`tls.key`, as in CNPG's cert-manager example), and the Pooler's
 * `clientTLSSecret`, so PostgreSQL and PgBouncer present the same certificate. It carries
 * `cnpg.io/reload` (through `secretTemplate`): the instances reload a renewed certificate without a
 * restart. CNPG keeps its own client CA and the `streaming_replica` certificate (replication is
 * untouched); the operator, the instances and PgBouncer verify the server against `serverCASecret`, by CA only.
 * https://cloudnative-pg.io/documentation/current/certificates/#user-provided-certificates-mode
 * https://cloudnative-pg.io/documentation/current/connection_pooling/#certificates
 * https://cert-manager.io/docs/configuration/ca/, https://cert-manager.io/docs/usage/certificate/
 */
export class TimeseriesTls extends pulumi.ComponentResource {
  public readonly caCertificate: k8s.apiextensions.CustomResource;
  public readonly issuer: k8s.apiextensions.CustomResource;
  public readonly serverCertificate: k8s.apiextensions.CustomResource;
  public readonly caBundles: Readonly<Record<string, k8s.apiextensions.CustomResource>>;
  /** What a CA bundle created elsewhere is signed by and waits for. */
  public readonly caIssuer: TimeseriesCaIssuer;
  /** DNS names of the server certificate. */
  public readonly dnsNames: readonly string[];

  constructor(name: string, args: TimeseriesTlsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:timeseries:TimeseriesTls", name, {}, opts);
    const k8sOpts = { parent: this, provider: args.provider };
    const n = TIMESERIES_TLS_NAMES;

    this.caCertificate = new k8s.apiextensions.CustomResource(
      `${name}-ca`,
      {
        apiVersion: "cert-manager.io/v1",
        kind: "Certificate",
        metadata: { name: n.issuer, namespace: args.certManagerNamespace, annotations: { ...WAIT_FOR_READY } },
        spec: {
          secretName: n.issuer,
          isCA: true,
          commonName: "entasis-timeseries-ca",
          duration: "87600h",
          renewBefore: "720h",
          // A renewed CA with the same key and subject still verifies certificates signed before it.
          privateKey: { algorithm: "RSA", size: 2048, rotationPolicy: "Never" },
          issuerRef: ISSUER_REF(args.selfSignedIssuer.name),
        },
      },
      { ...k8sOpts, dependsOn: [args.certManagerRelease, args.selfSignedIssuer.resource] },
    );
    this.issuer = new k8s.apiextensions.CustomResource(
      `${name}-issuer`,
      { apiVersion: "cert-manager.io/v1", kind: "ClusterIssuer", metadata: { name: n.issuer }, spec: { ca: { secretName: n.issuer } } },
      { ...k8sOpts, dependsOn: [args.certManagerRelease, this.caCertificate] },
    );
    this.caIssuer = { name: n.issuer, after: [args.certManagerRelease, this.issuer] };

    const s = args.server;
    if (s.services.length === 0) throw new pulumi.RunError("TimeseriesTls needs at least one service name; this is a bug in stacks/timeseries.ts");
    this.dnsNames = timeseriesServerDnsNames(s.namespace, s.services);
    // A changed list of names changes the spec: cert-manager re-issues the certificate at once
    // (https://cert-manager.io/docs/faq/#when-do-certs-get-re-issued).
    this.serverCertificate = new k8s.apiextensions.CustomResource(
      `${name}-server`,
      {
        apiVersion: "cert-manager.io/v1",
        kind: "Certificate",
        metadata: { name: n.serverCertificate, namespace: s.namespace, annotations: { ...WAIT_FOR_READY } },
        spec: {
          secretName: n.serverCertificate,
          secretTemplate: { labels: { "cnpg.io/reload": "true" } },
          commonName: `${s.services[0]}.${s.namespace}.svc`,
          dnsNames: [...this.dnsNames],
          ...LEAF,
          usages: ["server auth", "digital signature", "key encipherment"],
          privateKey: { algorithm: "RSA", size: 2048, rotationPolicy: "Always" },
          issuerRef: ISSUER_REF(n.issuer),
        },
      },
      { ...k8sOpts, dependsOn: [args.certManagerRelease, s.namespaceResource, this.issuer] },
    );

    this.caBundles = Object.fromEntries(
      Object.entries(args.trustIn ?? {}).map(([role, where]) => [role, timeseriesCaBundle(`${name}-${role}-ca-bundle`, { role, ...where }, this.caIssuer, k8sOpts)]),
    );
    this.registerOutputs({});
  }
}
