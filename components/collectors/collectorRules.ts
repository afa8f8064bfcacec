import { Dashboard } from "../observability/monitoringDashboards";

/**
 * The metrics contract between the platform and the collector images (docs/collectors-and-mesh.md):
 * every collector serves them on its metrics port, the alerts and the dashboard read them.
 */
export const COLLECTOR_METRICS = {
  /** Counter: messages published to the broker. */
  published: "collector_messages_published_total",
  /** Gauge: Unix time of the last message published. */
  lastPublish: "collector_last_publish_timestamp_seconds",
  /** Counter: reconnections to the exchange or feed. */
  reconnects: "collector_reconnects_total",
} as const;

export interface CollectorAlertInput {
  readonly namespace: string;
  /** Stale threshold in seconds, per feed. */
  readonly feeds: Readonly<Record<string, { readonly staleAfterSeconds: number }>>;
  /** Reconnections within 15 minutes that count as a storm. */
  readonly reconnectsPer15m: number;
  /** How long a condition holds before it fires. */
  readonly for: string;
}

export interface CollectorAlert {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: { readonly severity: "critical" | "warning"; readonly feed?: string };
  readonly annotations: { readonly summary: string; readonly description: string };
}

/**
 * A stale-feed alert per feed (nothing published for its interval, or no collector reporting at
 * all) and one reconnect-storm alert over every feed.
 */
export function collectorAlerts(a: CollectorAlertInput): CollectorAlert[] {
  const m = COLLECTOR_METRICS;
  const stale = Object.entries(a.feeds).map(([feed, f]): CollectorAlert => {
    const sel = `namespace="${a.namespace}",feed="${feed}"`;
    return {
      alert: "CollectorFeedStale",
      // `absent`: a feed whose every pod is gone (or never scraped) is as stale as a silent one.
      expr: `(time() - max(${m.lastPublish}{${sel}}) > ${f.staleAfterSeconds}) or absent(${m.lastPublish}{${sel}})`,
      for: a.for,
      labels: { severity: "critical", feed },
      annotations: { summary: `Feed ${feed} published nothing for more than ${f.staleAfterSeconds}s`, description: `No collector of ${feed} has published a message to the broker for ${f.staleAfterSeconds}s or more (or none reports): market data from it is missing.` },
    };
  });
  return [
    ...stale,
    {
      alert: "CollectorReconnectStorm",
      expr: `sum by (feed) (increase(${m.reconnects}{namespace="${a.namespace}"}[15m])) > ${a.reconnectsPer15m}`,
      for: a.for,
      labels: { severity: "warning" },
      annotations: { summary: "A collector keeps reconnecting to its feed", description: `{{ $labels.feed }} reconnected {{ $value }} times in 15 minutes (more than ${a.reconnectsPer15m}): the exchange may be throttling or rejecting it.` },
    },
  ];
}

/** The collectors dashboard: one panel per feed (publish rate and seconds since the last message). */
export function collectorDashboard(namespace: string, feeds: Readonly<Record<string, { readonly description: string }>>): Dashboard {
  const m = COLLECTOR_METRICS;
  return {
    uid: "entasis-collectors",
    title: "Entasis / Collectors",
    tags: ["entasis", "collectors"],
    panels: Object.entries(feeds).map(([feed, f]) => {
      const sel = `namespace="${namespace}",feed="${feed}"`;
      return {
        title: `${feed}: ${f.description}`,
        unit: "short",
        targets: [
          { expr: `sum(rate(${m.published}{${sel}}[5m]))`, legendFormat: "messages/s" },
          { expr: `time() - max(${m.lastPublish}{${sel}})`, legendFormat: "seconds since last publish" },
          { expr: `sum(increase(${m.reconnects}{${sel}}[15m]))`, legendFormat: "reconnects (15m)" },
        ],
      };
    }),
  };
}
