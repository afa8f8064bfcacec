import { z } from "zod";
import { CollectorFeed } from "../../components/collectors/collector";
import { collectorNames } from "../../components/collectors/names";
import { registryHost } from "../../lib/image";
import type { ConfigStoreConfig } from "./configStore";
import type { MessagingConfig } from "./messaging";
import { ConfigProblem, issue } from "./problems";
import type { TimeseriesConfig } from "./timeseries";
import { CPU_RE, IMAGE_REF_RE, MEMORY_RE, cpuMillis, memoryBytes } from "./workloads";

const DNS_LABEL_RE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** Feed keys: `collector-<feed>` must stay a DNS label and `collector_<feed>` a PostgreSQL identifier. */
const FEED_KEY_RE = /^[a-z]([-a-z0-9]{0,30}[a-z0-9])?$/;
/** A DNS host name (RFC 1123), at least two labels. */
const HOST_RE = /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** RFC 2606 / RFC 6761 names reserved for examples: placeholders, never a real feed. */
const EXAMPLE_HOST_RE = /(^|\.)(example\.(com|net|org)|example|invalid|test)$/;
const PG_NAME_RE = /^[a-z_][a-z0-9_]{0,62}$/;

const port = z.number().int().min(1).max(65535);
const cpu = z.string().regex(CPU_RE, { message: issue("is not a CPU quantity", 'use cores ("1") or millicores ("250m")') });
const memory = z.string().regex(MEMORY_RE, { message: issue("is not a memory quantity", 'use binary units, e.g. "256Mi"') });

const feedSchema = z.strictObject({
  /** Leave a default feed out. Default true. */
  enabled: z.boolean().default(true),
  /** What the feed is (dashboards, IAM descriptions). */
  description: z.string().min(1).max(200),
  /** The app team's image, with a registry host and a tag or digest (a bare name is refused at `pulumi up`). */
  image: z.string().regex(IMAGE_REF_RE, { message: issue("is not a container image reference with a tag or digest", "use e.g. 123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/exchange-collector:1.0.0") }),
  /** Pods. Default 2 (one per zone of two). */
  replicas: z.number().int().min(1).max(20),
  resources: z.strictObject({ requests: z.strictObject({ cpu, memory }), limits: z.strictObject({ cpu, memory }) }),
  /** Host the collector connects to (written to its configuration tree) and the TCP ports its egress opens besides 443. */
  target: z.strictObject({
    host: z.string().regex(HOST_RE, { message: issue("is not a DNS host name", "use e.g. api.exchange.com") }),
    ports: z.array(port).min(1).max(8),
  }),
  /** Port of /metrics and /healthz. Default 9090. */
  metricsPort: port,
  /** Seconds without a published message before the stale-feed alert. Default 60 (exchange API) / 300 (data feed). */
  staleAfterSeconds: z.number().int().min(10).max(86400),
});

export const collectorsSchema = z.strictObject({
  /** Deploy the collectors. Default on. */
  enabled: z.boolean(),
  /** Namespace of every collector. Default collectors. */
  namespace: z.string().regex(DNS_LABEL_RE, { message: issue("is not a Kubernetes namespace name", "use e.g. collectors") }),
  /** RabbitMQ vhost the collectors publish to (each gets its own exchange and queue there). Default market-data. */
  vhost: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, { message: issue("is not a vhost name this platform creates", "use lowercase letters, digits and '-', e.g. market-data") }),
  /** TimescaleDB database (of an entasis:timeseries consumer) each collector gets a schema in. Default market_data. */
  database: z.string().regex(PG_NAME_RE, { message: issue("is not a PostgreSQL identifier", "use e.g. market_data") }),
  /** Feeds by key (the spec's Collector-1 and Collector-2). Default exchange-api and data-feed. */
  feeds: z.record(z.string(), feedSchema),
  alerts: z.strictObject({
    /** Reconnections in 15 minutes that count as a storm. Default 10. */
    reconnectsPer15m: z.number().int().min(1),
    /** How long a condition holds before it fires. Default 2m. */
    for: z.string().regex(/^[1-9][0-9]*[smh]$/, { message: issue("is not an alert duration", 'use e.g. "2m"') }),
  }),
});
export type CollectorsConfig = z.infer<typeof collectorsSchema>;

/** The feeds that run (enabled), as the component takes them. */
export function enabledFeeds(c: CollectorsConfig): Record<string, CollectorFeed> {
  if (!c.enabled) return {};
  return Object.fromEntries(Object.entries(c.feeds).filter(([, f]) => f.enabled).map(([feed, f]) => [feed, f satisfies CollectorFeed]));
}

/** Checks of `entasis:collectors` on its own. */
export function validateCollectors(c: CollectorsConfig, environment: string, areaKey: string, deploying = false): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (!c.enabled) return problems;
  for (const [feed, f] of Object.entries(c.feeds)) {
    const key = `${areaKey}.feeds.${feed}`;
    if (!FEED_KEY_RE.test(feed)) problems.push({ key, value: feed, problem: "is not a feed key (it names Kubernetes objects, a broker user and a database role)", fix: "use up to 32 lowercase letters, digits and '-', starting with a letter, e.g. exchange-api" });
    if (!f.enabled) continue;
    // Previews may run with a bare name; `pulumi up` must not (nodes would pull it from Docker Hub).
    if (deploying && registryHost(f.image) === undefined) {
      problems.push({ key: `${key}.image`, value: f.image, problem: "names no registry, so nodes would pull it from Docker Hub, where the app team's image does not exist", fix: `run: pulumi config set --path '${key}.image' <account>.dkr.ecr.<region>.amazonaws.com/${f.image}` });
    }
    if (deploying && EXAMPLE_HOST_RE.test(f.target.host)) {
      problems.push({ key: `${key}.target.host`, value: f.target.host, problem: "is a reserved example name (RFC 2606), a placeholder", fix: `set the exchange's or feed's real host: pulumi config set --path '${key}.target.host' <host>` });
    }
    if (new Set(f.target.ports).size !== f.target.ports.length) problems.push({ key: `${key}.target.ports`, value: f.target.ports, problem: "lists a port twice", fix: "list each port once" });
    if (environment === "prod" && f.replicas < 2) {
      problems.push({ key: `${key}.replicas`, value: f.replicas, problem: "is one pod in prod, so a node or zone loss stops the feed", fix: "use 2 or more (they spread over zones)" });
    }
    const { requests, limits } = f.resources;
    if (cpuMillis(requests.cpu) > cpuMillis(limits.cpu)) problems.push({ key: `${key}.resources.requests.cpu`, value: requests.cpu, problem: `is above the limit ${limits.cpu}`, fix: "make the request <= the limit" });
    if (memoryBytes(requests.memory) > memoryBytes(limits.memory)) problems.push({ key: `${key}.resources.requests.memory`, value: requests.memory, problem: `is above the limit ${limits.memory}`, fix: "make the request <= the limit" });
  }
  return problems;
}

/**
 * Checks against the areas the collectors add themselves to: each collector gets a broker user, a
 * configuration tree and a TimescaleDB role under its own `collector-<feed>` key, which config
 * must not already use, and the market-data database must belong to a time-series consumer.
 */
export function validateCollectorsAgainst(c: CollectorsConfig, messaging: MessagingConfig, configStore: ConfigStoreConfig, timeseries: TimeseriesConfig, areaKey: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const feeds = Object.keys(enabledFeeds(c));
  if (feeds.length === 0) return problems;
  // Without a consumer owning the database, the collectors bring its owner (stacks/collectors.ts):
  // role `<database>` under key `<database with ->`, which must then be free.
  if (!Object.values(timeseries.consumers).some((t) => t.database === c.database)) {
    const ownerKey = c.database.replace(/_/g, "-");
    const taken = Object.entries(timeseries.consumers).find(([app, t]) => app === ownerKey || t.username === c.database);
    if (taken) problems.push({ key: `${areaKey}.database`, value: c.database, problem: `has no owner among entasis:timeseries.consumers, and the owner the collectors would add (${ownerKey}: ${c.database}) collides with consumer ${taken[0]}`, fix: `name a consumer's database here, or give ${taken[0]} another key and role` });
  }
  if (timeseries.namespace === c.namespace) problems.push({ key: `${areaKey}.namespace`, value: c.namespace, problem: "is the time-series namespace", fix: "give the collectors their own namespace" });
  const usersTaken = new Map<string, string>([...Object.entries(messaging.users).map(([app, u]): [string, string] => [u.username, `entasis:messaging.users.${app}`]), ...Object.entries(timeseries.consumers).map(([app, t]): [string, string] => [t.username, `entasis:timeseries.consumers.${app}`])]);
  for (const feed of feeds) {
    const n = collectorNames(feed);
    const key = `${areaKey}.feeds.${feed}`;
    for (const [taken, where] of [[n.app in messaging.users, "entasis:messaging.users"], [n.app in configStore.apps, "entasis:configStore.apps"], [n.app in timeseries.consumers, "entasis:timeseries.consumers"]] as const) {
      if (taken) problems.push({ key, value: feed, problem: `would add ${n.app} to ${where}, which config already sets`, fix: `remove ${where}.${n.app}: the platform gives each collector its own entry` });
    }
    const other = usersTaken.get(n.user);
    if (other !== undefined) problems.push({ key, value: feed, problem: `would create user/role ${n.user}, which ${other} already uses`, fix: "rename the feed or that user" });
  }
  return problems;
}
