/**
 * Names the workloads and the areas that observe them agree on (monitoring scrapes trading-api,
 * logging ships its logs). One place, so a rename cannot silently break a scrape job or an alert.
 */

/** Namespace of the trading workloads. */
export const TRADING_NAMESPACE = "trading";
/** trading-api's Deployment, Service and `app` label (the spec's `app: trading-api`). */
export const TRADING_API = "trading-api";
/** Port of trading-api's Service that serves Prometheus metrics (the spec's `trading-api:9090`). */
export const METRICS_PORT = 9090;
