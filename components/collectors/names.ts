/**
 * Names a collector gets from its feed key, everywhere the platform identifies it: the Kubernetes
 * objects and service account, the configuration tree, the broker user and objects, the
 * TimescaleDB role and schema. One place, so IAM, config, broker and database always agree.
 */
export interface CollectorNames {
  /** Feed key, e.g. `exchange-api`. */
  readonly feed: string;
  /** Application key (config tree, broker and time-series consumer key), Deployment and service account: `collector-<feed>`. */
  readonly app: string;
  /** RabbitMQ user and TimescaleDB role: `collector_<feed with _>`. */
  readonly user: string;
  /** Exchange the collector publishes to: `market.<feed>`. */
  readonly exchange: string;
  /** Queue bound to it that holds the raw messages: `market.<feed>.raw`. */
  readonly queue: string;
  /** TimescaleDB schema the collector owns in the market-data database: `<feed with _>`. */
  readonly schema: string;
  /**
   * RabbitMQ permission regex (configure, write and read): only its own exchange and queues. Written
   * with `[.]`, not `\.`: the provisioner passes it inside a JSON body, where `\.` is no valid escape.
   */
  readonly brokerPermission: string;
}

/** Pod label every collector carries (network policies, monitors and the mesh select by it). */
export const COLLECTOR_COMPONENT_LABEL = { "app.kubernetes.io/component": "collector" } as const;
/** Pod label naming the feed (the PodMonitor copies it into the `feed` label of every series). */
export const FEED_LABEL = "entasis.io/feed";

export function collectorNames(feed: string): CollectorNames {
  const snake = feed.replace(/-/g, "_");
  return {
    feed,
    app: `collector-${feed}`,
    user: `collector_${snake}`,
    exchange: `market.${feed}`,
    queue: `market.${feed}.raw`,
    schema: snake,
    brokerPermission: `^market[.]${feed}([.].+)?$`,
  };
}

/** Pod labels of one collector. */
export function collectorLabels(n: CollectorNames): Readonly<Record<string, string>> {
  return { app: n.app, ...COLLECTOR_COMPONENT_LABEL, [FEED_LABEL]: n.feed };
}
