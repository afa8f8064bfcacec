import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CHARTS, pinnedRelease } from "../../lib/helmCharts";

export interface BarmanCloudPluginArgs {
  readonly provider: k8s.Provider;
  /** Namespace of the CloudNativePG operator: the plugin must be installed there. */
  readonly operatorNamespace: string;
  /** The operator release: it creates the namespace and serves the CNPG-I plugin discovery. */
  readonly operatorRelease: pulumi.Resource;
  /** The cert-manager release: the chart creates an Issuer and two Certificates, admitted by its webhook. */
  readonly certManagerRelease: pulumi.Resource;
  /** Node labels of the pool it runs on (the system pool). */
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** The system pool's node group and CoreDNS. */
  readonly scheduledAfter: readonly pulumi.Resource[];
}

/** Name CNPG Clusters and ScheduledBackups refer to the plugin by. */
export const BARMAN_CLOUD_PLUGIN = "barman-cloud.cloudnative-pg.io";

/**
 * The Barman Cloud CNPG-I plugin (chart plugin-barman-cloud 0.7.0, plugin v0.13.0): it injects a
 * sidecar into every PostgreSQL pod that archives WAL and takes base backups to an object store
 * (`ObjectStore` CRD, installed by this release), and serves restores.
 *
 * TLS between operator and plugin comes from cert-manager. Chart 0.7.0 always creates its own
 * namespaced self-signed Issuer (`<fullname>-selfsigned-issuer`) and ignores
 * `certificate.issuerName` (no template reads it; only unreleased chart versions do), so the
 * platform's `selfsigned` ClusterIssuer is not used here; the release waits for cert-manager's
 * CRDs and webhook instead. The chart's Deployment only supports the Recreate strategy, so one
 * replica. https://cloudnative-pg.io/plugin-barman-cloud/docs/installation/
 */
export class BarmanCloudPlugin extends pulumi.ComponentResource {
  public readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: BarmanCloudPluginArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:timeseries:BarmanCloudPlugin", name, {}, opts);
    const chart = CHARTS.barmanCloud;
    this.release = new k8s.helm.v3.Release(
      `${name}-release`,
      {
        // cert-manager must issue both certificates before the plugin pod can start.
        ...pinnedRelease(chart, "plugin-barman-cloud", args.operatorNamespace),
        createNamespace: false,
        values: {
          crds: { create: true },
          replicaCount: 1,
          nodeSelector: { ...args.nodeSelector },
          resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } },
        },
      },
      { parent: this, provider: args.provider, dependsOn: [...args.scheduledAfter, args.operatorRelease, args.certManagerRelease] },
    );
    this.registerOutputs({});
  }
}
