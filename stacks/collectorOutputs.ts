import type { Platform } from "./platformResult";

/**
 * What an app team needs to ship a collector image (stack output `collectors`). Its type is declared
 * once, as PlatformOutputs["collectors"] in outputs.ts, and checked where platformOutputs uses this;
 * naming it here would import outputs.ts back (an import circle).
 */
export function collectorsOutput(p: Platform) {
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
