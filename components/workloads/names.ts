/**
 * What the areas that observe trading-api (monitoring scrapes it, alerts and dashboards select it)
 * agree on with the workloads area. The namespace and ports come from `entasis:workloads`, so they
 * are passed as a TradingApiLocation built from that config, never hard-coded twice.
 */

/** trading-api's Deployment, Service and `app` label (the spec's `app: trading-api`). */
export const TRADING_API = "trading-api";

export interface TradingApiLocation {
  /** Namespace (`entasis:workloads.namespace`). */
  readonly namespace: string;
  /** Service name (the spec's `trading-api`). */
  readonly service: string;
  /** Service port that serves Prometheus metrics (`entasis:workloads.ports.metrics`, the spec's 9090). */
  readonly metricsPort: number;
}
