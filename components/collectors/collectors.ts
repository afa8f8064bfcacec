import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { WorkloadIdentityArgs, workloadIdentity } from "../security/workloadIdentity";
import { Collector, CollectorAccess, CollectorFeed } from "./collector";
import { CollectorMonitoring } from "./collectorMonitoring";
import { CollectorNetworkPolicies } from "./collectorNetworkPolicies";
import { CollectorNames, collectorNames } from "./names";
import { TIMESERIES_CA_MOUNT, TIMESERIES_TLS_NAMES } from "../timeseries/timeseriesTls";
import { CaIssuer, caBundleCertificate } from "../security/privateCa";

export interface CollectorsArgs extends WorkloadIdentityArgs {
  /** Namespace of every collector. */
  readonly namespace: string;
  /** Extra namespace labels (the mesh's enrolment label). Default none. */
  readonly namespaceLabels?: Readonly<Record<string, string>>;
  /** What the namespace waits for (the mesh's node agents, before the namespace enrols). Default none. */
  readonly namespaceAfter?: readonly pulumi.Resource[];
  /** Feeds keyed by feed key. */
  readonly feeds: Readonly<Record<string, CollectorFeed>>;
  /** What each collector may read, keyed by feed. */
  readonly access: Readonly<Record<string, CollectorAccess>>;
  /** Node labels of the general pool. */
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** The general pool's node group and CoreDNS. */
  readonly scheduledAfter: readonly pulumi.Resource[];
  /** What the pods wait for (broker users provisioned, the time-series database). Default none. */
  readonly readyAfter?: readonly pulumi.Input<pulumi.Resource>[];
  /** Database subnets (the broker). */
  readonly databaseCidrs: readonly string[];
  readonly pooler: { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> };
  readonly prometheus: { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> };
  readonly monitoringRelease: pulumi.Resource;
  readonly releaseLabel: string;
  /** Reconnections in 15 minutes that count as a storm, and how long alert conditions hold. */
  readonly alerts: { readonly reconnectsPer15m: number; readonly for: string };
  /** The time-series CA's issuer: the namespace gets its CA bundle, which every collector mounts (verify-full). No default. */
  readonly timeseriesCa: CaIssuer;
}

/**
 * The spec's data-collection layer: the `collectors` namespace (Pod Security restricted, default
 * deny), one collector per configured feed, their network policies and monitoring.
 */
export class Collectors extends pulumi.ComponentResource {
  public readonly namespace: k8s.core.v1.Namespace;
  public readonly namespaceName: pulumi.Output<string>;
  public readonly names: Readonly<Record<string, CollectorNames>>;
  public readonly collectors: Readonly<Record<string, Collector>>;
  public readonly networkPolicies: CollectorNetworkPolicies;
  public readonly monitoring: CollectorMonitoring;
  /** Certificate whose Secret carries the time-series CA (`ca.crt`) in the namespace. */
  public readonly timeseriesCaBundle: k8s.apiextensions.CustomResource;

  constructor(name: string, args: CollectorsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:collectors:Collectors", name, {}, opts);
    const ns = args.namespace;
    this.namespace = new k8s.core.v1.Namespace(
      `${name}-ns`,
      { metadata: { name: ns, labels: { "kubernetes.io/metadata.name": ns, "pod-security.kubernetes.io/enforce": "restricted", ...(args.namespaceLabels ?? {}) } } },
      { parent: this, provider: args.provider, dependsOn: [...(args.namespaceAfter ?? [])] },
    );
    this.namespaceName = this.namespace.metadata.name;
    this.timeseriesCaBundle = caBundleCertificate(
      `${name}-timeseries-ca-bundle`,
      { role: "collectors", namespace: this.namespaceName, namespaceName: ns, namespaceResource: this.namespace },
      { issuer: args.timeseriesCa, secretName: TIMESERIES_TLS_NAMES.caBundle },
      { parent: this, provider: args.provider },
    );

    this.names = Object.fromEntries(Object.keys(args.feeds).map((feed) => [feed, collectorNames(feed)]));
    const collectors: Record<string, Collector> = {};
    for (const [feed, f] of Object.entries(args.feeds)) {
      const access = args.access[feed];
      if (!access) throw new pulumi.RunError(`collector ${feed} has no access set; this is a bug in stacks/collectors.ts`);
      collectors[feed] = new Collector(
        `${name}-${feed}`,
        {
          ...workloadIdentity(args),
          namespace: this.namespaceName,
          namespaceName: ns,
          names: this.names[feed],
          feed: f,
          access,
          nodeSelector: args.nodeSelector,
          scheduledAfter: args.scheduledAfter,
          // Pods mount the CA bundle's Secret: they start once it exists.
          readyAfter: [...(args.readyAfter ?? []), this.timeseriesCaBundle],
          timeseriesCa: { secretName: TIMESERIES_TLS_NAMES.caBundle, ...TIMESERIES_CA_MOUNT },
        },
        { parent: this },
      );
    }
    this.collectors = collectors;

    this.networkPolicies = new CollectorNetworkPolicies(
      `${name}-network-policies`,
      {
        provider: args.provider,
        namespace: this.namespaceName,
        collectors: Object.fromEntries(Object.entries(args.feeds).map(([feed, f]) => [feed, { names: this.names[feed], metricsPort: f.metricsPort, targetPorts: f.target.ports }])),
        databaseCidrs: args.databaseCidrs,
        pooler: args.pooler,
        prometheus: args.prometheus,
      },
      { parent: this },
    );

    this.monitoring = new CollectorMonitoring(
      `${name}-monitoring`,
      {
        provider: args.provider,
        namespace: this.namespaceName,
        monitoringRelease: args.monitoringRelease,
        releaseLabel: args.releaseLabel,
        alerts: { namespace: ns, feeds: args.feeds, ...args.alerts },
        feeds: args.feeds,
      },
      { parent: this },
    );

    this.registerOutputs({ namespace: this.namespaceName });
  }
}
