import { ANY_IPV4 } from "../../lib/networkPolicy";
import { GuardFlow, PROMETHEUS_PODS } from "../security/namespaceGuard";

/** Pod labels of kube-prometheus-stack's components (the operator sets them on the pods it makes). */
export const MONITORING_PODS = {
  prometheus: { "app.kubernetes.io/name": "prometheus" },
  alertmanager: { "app.kubernetes.io/name": "alertmanager" },
  grafana: { "app.kubernetes.io/name": "grafana" },
  // `app: <chart name>-operator` (the chart's operator labels).
  operator: { app: "kube-prometheus-stack-operator" },
} as const;

/** Ports: Prometheus' web, Alertmanager's web and cluster (gossip), the operator's TLS port (admission webhook, `prometheusOperator.tls.internalPort`). */
export const MONITORING_PORTS = { prometheus: 9090, alertmanager: 9093, alertmanagerCluster: 9094, operatorWebhook: 10250 } as const;

/**
 * What may reach the monitoring namespace: Prometheus scrapes everything in it; only Grafana (and
 * Prometheus) reach Prometheus' API; only Prometheus (alerts), Grafana (its Alertmanager data
 * source) and the other Alertmanagers (gossip) reach Alertmanager, which has no authentication
 * (anyone reaching it could silence alerts); only the API server reaches the operator's webhook.
 */
export function monitoringIngress(webhookSourceCidrs: readonly string[]): Record<string, GuardFlow> {
  return {
    scrape: { peers: [PROMETHEUS_PODS], why: "Prometheus scrapes every component and sends alerts to Alertmanager" },
    "prometheus-from-grafana": { podLabels: MONITORING_PODS.prometheus, peers: [{ podLabels: MONITORING_PODS.grafana }], ports: [MONITORING_PORTS.prometheus], why: "Grafana's Prometheus data source" },
    "alertmanager-from-grafana": { podLabels: MONITORING_PODS.alertmanager, peers: [{ podLabels: MONITORING_PODS.grafana }], ports: [MONITORING_PORTS.alertmanager], why: "Grafana's Alertmanager data source" },
    "alertmanager-peers": {
      podLabels: MONITORING_PODS.alertmanager,
      peers: [{ podLabels: MONITORING_PODS.alertmanager }],
      ports: [MONITORING_PORTS.alertmanagerCluster, { port: MONITORING_PORTS.alertmanagerCluster, protocol: "UDP" }],
      why: "Alertmanager replicas gossip silences and notifications",
    },
    "operator-webhook": { podLabels: MONITORING_PODS.operator, peers: [{ cidrs: webhookSourceCidrs }], ports: [MONITORING_PORTS.operatorWebhook], why: "the API server calls the operator's PrometheusRule admission webhook" },
  };
}

/** Where monitoring pods may go beyond DNS and HTTPS (Slack, the Kubernetes API). */
export function monitoringEgress(): Record<string, GuardFlow> {
  return {
    "prometheus-scrape-pods": { podLabels: MONITORING_PODS.prometheus, peers: [{ anyNamespace: true }], why: "Prometheus scrapes pods in every namespace and sends alerts to Alertmanager" },
    "prometheus-scrape-nodes": { podLabels: MONITORING_PODS.prometheus, peers: [{ cidrs: [ANY_IPV4] }], why: "Prometheus scrapes kubelets and node exporters (host network), never instance metadata" },
    "grafana-to-prometheus": { podLabels: MONITORING_PODS.grafana, peers: [{ podLabels: MONITORING_PODS.prometheus }], ports: [MONITORING_PORTS.prometheus], why: "Grafana's Prometheus data source" },
    "grafana-to-alertmanager": { podLabels: MONITORING_PODS.grafana, peers: [{ podLabels: MONITORING_PODS.alertmanager }], ports: [MONITORING_PORTS.alertmanager], why: "Grafana's Alertmanager data source" },
    "alertmanager-peers": {
      podLabels: MONITORING_PODS.alertmanager,
      peers: [{ podLabels: MONITORING_PODS.alertmanager }],
      ports: [MONITORING_PORTS.alertmanagerCluster, { port: MONITORING_PORTS.alertmanagerCluster, protocol: "UDP" }],
      why: "Alertmanager replicas gossip silences and notifications",
    },
  };
}
