import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { WAIT_FOR_READY } from "../../lib/awaitReady";

/** What a CA-bundle Certificate needs: the ClusterIssuer it is signed by and what it waits for. */
export interface CaIssuer {
  /** ClusterIssuer name. */
  readonly name: string;
  /** The ClusterIssuer and cert-manager's release (CRD and webhook). */
  readonly after: readonly pulumi.Resource[];
}

/** A client namespace that gets the CA as `ca.crt`. */
export interface CaBundlePlace {
  /** Stable key of the client (`filebeat`, `collectors`): the resource name and the leaf's CN. */
  readonly role: string;
  readonly namespace: pulumi.Input<string>;
  /** The namespace's name, plain. */
  readonly namespaceName: string;
  /** The Namespace resource the Certificate waits for. */
  readonly namespaceResource: pulumi.Resource;
}

const ISSUER_REF = (name: string) => ({ name, kind: "ClusterIssuer", group: "cert-manager.io" });
/** 90 days, renewed 30 days before expiry (cert-manager's defaults spelled out). */
const LEAF = { duration: "2160h", renewBefore: "720h" } as const;

/**
 * Every name a client may be given for a Service, in the four forms a pod can resolve:
 * `<svc>`, `<svc>.<ns>`, `<svc>.<ns>.svc`, `<svc>.<ns>.svc.cluster.local`.
 */
export function serviceDnsNames(namespace: string, services: readonly string[]): string[] {
  return services.flatMap((svc) => [svc, `${svc}.${namespace}`, `${svc}.${namespace}.svc`, `${svc}.${namespace}.svc.cluster.local`]);
}

/** One cert-manager Certificate, named after its Secret; Pulumi waits until it is issued (WAIT_FOR_READY). */
function certificate(name: string, namespace: pulumi.Input<string>, secretName: string, spec: Record<string, unknown>, opts: pulumi.CustomResourceOptions): k8s.apiextensions.CustomResource {
  return new k8s.apiextensions.CustomResource(
    name,
    { apiVersion: "cert-manager.io/v1", kind: "Certificate", metadata: { name: secretName, namespace, annotations: { ...WAIT_FOR_READY } }, spec: { secretName, ...spec } },
    opts,
  );
}

/**
 * A Certificate in a client namespace whose Secret carries the CA as `ca.crt` (the CA issuer always
 * writes it; https://cert-manager.io/docs/configuration/ca/). Its leaf is a client certificate
 * naming the client; the servers here authenticate clients by password, so it grants nothing.
 * Clients mount `ca.crt` alone. PrivateCa makes them for the namespaces that exist before it; a
 * component that creates a client namespace later makes its own with this.
 */
export function caBundleCertificate(
  name: string,
  where: CaBundlePlace,
  bundle: { readonly issuer: CaIssuer; readonly secretName: string },
  opts: { readonly parent: pulumi.Resource; readonly provider: k8s.Provider },
): k8s.apiextensions.CustomResource {
  return certificate(
    name,
    where.namespace,
    bundle.secretName,
    {
      commonName: `${where.role}.${where.namespaceName}`,
      ...LEAF,
      usages: ["client auth", "digital signature"],
      privateKey: { algorithm: "RSA", size: 2048, rotationPolicy: "Always" },
      issuerRef: ISSUER_REF(bundle.issuer.name),
    },
    { parent: opts.parent, provider: opts.provider, dependsOn: [where.namespaceResource, ...bundle.issuer.after] },
  );
}

export interface PrivateCaArgs {
  readonly provider: k8s.Provider;
  /** cert-manager's release (its CRDs and a serving webhook). No default. */
  readonly certManagerRelease: pulumi.Resource;
  /** cert-manager's own namespace: a ClusterIssuer reads its CA Secret there (the cluster resource namespace). No default. */
  readonly certManagerNamespace: string;
  /** The self-signed ClusterIssuer that signs the CA, and its name. No default. */
  readonly selfSignedIssuer: { readonly resource: pulumi.Resource; readonly name: string };
  /** The ClusterIssuer's name, also the CA Certificate's and Secret's in cert-manager's namespace; the CA's CN is `entasis-<name>`. No default. */
  readonly issuerName: string;
  /**
   * The server: a stable key (the Certificate's resource name), its namespace, every Service a
   * client is given (the certificate names each in its four DNS forms; the first is the CN), its
   * Secret, and labels for that Secret (e.g. a reload label). No default.
   */
  readonly server: {
    readonly role: string;
    readonly namespace: string;
    readonly namespaceResource: pulumi.Resource;
    readonly services: readonly string[];
    readonly secretName: string;
    readonly secretLabels?: Readonly<Record<string, string>>;
  };
  /** Name of the CA-bundle Secret in each client namespace. No default. */
  readonly bundleSecretName: string;
  /** Client namespaces that exist before the server, keyed by role, each getting the bundle. Default none. */
  readonly trustIn?: Readonly<Record<string, Omit<CaBundlePlace, "role">>>;
}

/**
 * A server certificate from a CA the platform owns, so clients in other namespaces can verify it:
 * an operator's own CA (ECK's, CloudNativePG's) lives only in the server's namespace, often beside
 * its key. cert-manager holds the CA (self-signed, 10 years, its key never rotated, so certificates
 * issued before and after a renewal verify against either copy), a ClusterIssuer signs with it, the
 * server certificate lasts 90 days and is renewed 30 days before expiry (a changed list of names
 * re-issues it at once: https://cert-manager.io/docs/faq/#when-do-certs-get-re-issued), and each
 * client namespace gets a bundle with the CA as `ca.crt`. Who may request from the ClusterIssuer is
 * limited by cert-manager's RBAC (components/certmanager/certManager.ts).
 * https://cert-manager.io/docs/configuration/ca/, https://cert-manager.io/docs/usage/certificate/
 */
export class PrivateCa extends pulumi.ComponentResource {
  public readonly caCertificate: k8s.apiextensions.CustomResource;
  public readonly issuer: k8s.apiextensions.CustomResource;
  public readonly serverCertificate: k8s.apiextensions.CustomResource;
  public readonly caBundles: Readonly<Record<string, k8s.apiextensions.CustomResource>>;
  /** What a CA bundle created elsewhere is signed by and waits for. */
  public readonly caIssuer: CaIssuer;
  /** DNS names of the server certificate. */
  public readonly dnsNames: readonly string[];

  constructor(name: string, args: PrivateCaArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:security:PrivateCa", name, {}, opts);
    const k8sOpts = { parent: this, provider: args.provider };
    const s = args.server;
    if (s.services.length === 0) throw new pulumi.RunError(`PrivateCa ${name} needs at least one service name; this is a bug in its caller`);

    this.caCertificate = certificate(
      `${name}-ca`,
      args.certManagerNamespace,
      args.issuerName,
      {
        isCA: true,
        commonName: `entasis-${args.issuerName}`,
        duration: "87600h",
        renewBefore: "720h",
        // A renewed CA with the same key and subject still verifies certificates signed before it.
        privateKey: { algorithm: "RSA", size: 2048, rotationPolicy: "Never" },
        issuerRef: ISSUER_REF(args.selfSignedIssuer.name),
      },
      { ...k8sOpts, dependsOn: [args.certManagerRelease, args.selfSignedIssuer.resource] },
    );
    this.issuer = new k8s.apiextensions.CustomResource(
      `${name}-issuer`,
      { apiVersion: "cert-manager.io/v1", kind: "ClusterIssuer", metadata: { name: args.issuerName }, spec: { ca: { secretName: args.issuerName } } },
      { ...k8sOpts, dependsOn: [args.certManagerRelease, this.caCertificate] },
    );
    this.caIssuer = { name: args.issuerName, after: [args.certManagerRelease, this.issuer] };

    this.dnsNames = serviceDnsNames(s.namespace, s.services);
    this.serverCertificate = certificate(
      `${name}-${s.role}`,
      s.namespace,
      s.secretName,
      {
        ...(s.secretLabels ? { secretTemplate: { labels: { ...s.secretLabels } } } : {}),
        commonName: `${s.services[0]}.${s.namespace}.svc`,
        dnsNames: [...this.dnsNames],
        ...LEAF,
        usages: ["server auth", "digital signature", "key encipherment"],
        privateKey: { algorithm: "RSA", size: 2048, rotationPolicy: "Always" },
        issuerRef: ISSUER_REF(args.issuerName),
      },
      { ...k8sOpts, dependsOn: [args.certManagerRelease, s.namespaceResource, this.issuer] },
    );

    this.caBundles = Object.fromEntries(
      Object.entries(args.trustIn ?? {}).map(([role, where]) => [
        role,
        caBundleCertificate(`${name}-${role}-ca-bundle`, { role, ...where }, { issuer: this.caIssuer, secretName: args.bundleSecretName }, k8sOpts),
      ]),
    );
    this.registerOutputs({});
  }
}
