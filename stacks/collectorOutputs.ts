import * as pulumi from "@pulumi/pulumi";
import type { Platform } from "./platform";

/** What an app team needs to ship a collector image (stack output `collectors`). */
export type CollectorsOutput = {
  readonly namespace: string;
  /** The NAT gateways' EIPs: the addresses the exchanges and feeds see, for their allow-lists. */
  readonly egressIps: pulumi.Output<string>[];
  readonly feeds: Readonly<
    Record<
      string,
      {
        readonly deployment: string;
        readonly serviceAccount: string;
        readonly roleArn: pulumi.Output<string>;
        readonly image: string;
        readonly metricsPort: number;
        /** null when the configuration store is off. */
        readonly configPath: string | null;
        /** secretArn null when the broker is off. */
        readonly broker: { readonly vhost: string; readonly exchange: string; readonly queue: string; readonly user: string; readonly secretArn: pulumi.Output<string> | null };
        readonly timeseries: { readonly database: string; readonly schema: string; readonly user: string; readonly secretArn: pulumi.Output<string> | null };
      }
    >
  >;
} | null;

export function collectorsOutput(p: Platform): CollectorsOutput {
  const c = p.collectors;
  if (!c) return null;
  const cfg = p.config.collectors;
  return {
    namespace: cfg.namespace,
    egressIps: p.config.network.availabilityZones.filter((az) => az in p.network.natEips).map((az) => p.network.natEips[az].publicIp),
    feeds: Object.fromEntries(
      Object.entries(c.names).map(([feed, n]) => [
        feed,
        {
          deployment: n.app,
          serviceAccount: n.app,
          roleArn: c.collectors[feed].role.arn,
          image: cfg.feeds[feed].image,
          metricsPort: cfg.feeds[feed].metricsPort,
          configPath: p.configStore?.prefixes[n.app] ?? null,
          broker: { vhost: cfg.vhost, exchange: n.exchange, queue: n.queue, user: n.user, secretArn: p.messaging?.broker.userSecrets[n.app]?.arn ?? null },
          timeseries: { database: cfg.database, schema: n.schema, user: n.user, secretArn: p.timeseries.database.consumers.arns[n.app] ?? null },
        },
      ]),
    ),
  };
}
