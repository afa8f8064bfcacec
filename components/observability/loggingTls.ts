import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { WAIT_FOR_READY } from "../../lib/awaitReady";

export interface LoggingTlsArgs {
  readonly provider: k8s.Provider;
  /** cert-manager's release (its CRDs and a serving webhook). No default. */
  readonly certManagerRelease: pulumi.Resource;
  /** cert-manager's own namespace: a ClusterIssuer reads its CA Secret there (the cluster resource namespace). No default. */
  readonly certManagerNamespace: string;
  /** The self-signed ClusterIssuer that signs the CA, and its name. No default. */
  readonly selfSignedIssuer: { readonly resource: pulumi.Resource; readonly name: string };
  /** Elasticsearch's namespace and its HTTP Service names (`<name>-es-http`, `<name>-es-internal-http`). */
  readonly elasticsearch: { readonly namespace: string; readonly namespaceResource: pulumi.Resource; readonly services: readonly string[] };
  /**
   * Namespaces whose pods must trust Elasticsearch (key: a stable role), each getting a Secret with
   * the CA as `ca.crt`. Default none.
   */
  readonly trustIn?: Readonly<Record<string, { readonly namespace: string; readonly namespaceResource: pulumi.Resource }>>;
}

/** Names of the logging CA, its issuer and the Secrets issued from it. */
export const LOGGING_TLS_NAMES = {
  /** ClusterIssuer of the logging CA, and the CA's Certificate and Secret in cert-manager's namespace. */
  issuer: "logging-ca",
  /** Elasticsearch's HTTP certificate (ECK `spec.http.tls.certificate.secretName`). */
  elasticsearchCertificate: "logs-es-http-tls",
  /** In each trusting namespace: a Secret whose `ca.crt` is the logging CA. */
  caBundle: "logging-ca-bundle",
} as const;

const ISSUER_REF = (name: string, kind: "ClusterIssuer") => ({ name, kind, group: "cert-manager.io" });

/**
 * Elasticsearch's HTTP certificate from a CA the platform owns, so a pod in another namespace can
 * trust it: ECK's default CA lives only in Elasticsearch's namespace, which kept Filebeat (a
 * privileged node agent) there. cert-manager holds a CA (self-signed, 10 years, its key never
 * rotated, so certificates issued before and after a renewal verify against either copy), a
 * ClusterIssuer signing with it, Elasticsearch's serving certificate (90 days, renewed 30 days
 * before expiry; ECK watches the Secret and Elasticsearch reloads it), and in each trusting
 * namespace a Certificate whose Secret carries the CA as `ca.crt` (the CA issuer always writes it;
 * consumers mount that key alone).
 * https://www.elastic.co/docs/deploy-manage/security/k8s-https-settings,
 * https://cert-manager.io/docs/configuration/ca/, https://cert-manager.io/docs/usage/certificate/
 */
export class LoggingTls extends pulumi.ComponentResource {
  public readonly caCertificate: k8s.apiextensions.CustomResource;
  public readonly issuer: k8s.apiextensions.CustomResource;
  public readonly elasticsearchCertificate: k8s.apiextensions.CustomResource;
  public readonly caBundles: Readonly<Record<string, k8s.apiextensions.CustomResource>>;

  constructor(name: string, args: LoggingTlsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:observability:LoggingTls", name, {}, opts);
    const k8sOpts = { parent: this, provider: args.provider };
    const n = LOGGING_TLS_NAMES;
    // Each Certificate is named after its Secret; Pulumi waits until it is issued (WAIT_FOR_READY), so
    // Elasticsearch and the Filebeat pods start with their Secrets present.
    const certificate = (key: string, namespace: string, secretName: string, spec: Record<string, unknown>, after: readonly pulumi.Resource[]): k8s.apiextensions.CustomResource =>
      new k8s.apiextensions.CustomResource(
        `${name}-${key}`,
        { apiVersion: "cert-manager.io/v1", kind: "Certificate", metadata: { name: secretName, namespace, annotations: { ...WAIT_FOR_READY } }, spec: { secretName, ...spec } },
        { ...k8sOpts, dependsOn: [args.certManagerRelease, ...after] },
      );

    this.caCertificate = certificate(
      "ca",
      args.certManagerNamespace,
      n.issuer,
      {
        isCA: true,
        commonName: "entasis-logging-ca",
        duration: "87600h",
        renewBefore: "720h",
        // A renewed CA with the same key and subject still verifies certificates signed before it.
        privateKey: { algorithm: "RSA", size: 2048, rotationPolicy: "Never" },
        issuerRef: ISSUER_REF(args.selfSignedIssuer.name, "ClusterIssuer"),
      },
      [args.selfSignedIssuer.resource],
    );
    this.issuer = new k8s.apiextensions.CustomResource(
      `${name}-issuer`,
      { apiVersion: "cert-manager.io/v1", kind: "ClusterIssuer", metadata: { name: n.issuer }, spec: { ca: { secretName: n.issuer } } },
      { ...k8sOpts, dependsOn: [args.certManagerRelease, this.caCertificate] },
    );

    const es = args.elasticsearch;
    const dnsNames = es.services.flatMap((svc) => [svc, `${svc}.${es.namespace}`, `${svc}.${es.namespace}.svc`, `${svc}.${es.namespace}.svc.cluster.local`]);
    this.elasticsearchCertificate = certificate(
      "elasticsearch",
      es.namespace,
      n.elasticsearchCertificate,
      {
        commonName: `${es.services[0]}.${es.namespace}.svc`,
        dnsNames,
        duration: "2160h",
        renewBefore: "720h",
        usages: ["server auth", "digital signature", "key encipherment"],
        privateKey: { algorithm: "RSA", size: 2048, rotationPolicy: "Always" },
        issuerRef: ISSUER_REF(n.issuer, "ClusterIssuer"),
      },
      [es.namespaceResource, this.issuer],
    );

    // The leaf in each bundle names its namespace and may only authenticate a client; Elasticsearch
    // has no PKI realm, so it grants nothing there. Consumers mount `ca.crt` only.
    this.caBundles = Object.fromEntries(
      Object.entries(args.trustIn ?? {}).map(([role, where]) => [
        role,
        certificate(
          `${role}-ca-bundle`,
          where.namespace,
          n.caBundle,
          {
            commonName: `${role}.${where.namespace}`,
            duration: "2160h",
            renewBefore: "720h",
            usages: ["client auth", "digital signature"],
            privateKey: { algorithm: "RSA", size: 2048, rotationPolicy: "Always" },
            issuerRef: ISSUER_REF(n.issuer, "ClusterIssuer"),
          },
          [where.namespaceResource, this.issuer],
        ),
      ]),
    );
    this.registerOutputs({});
  }
}
