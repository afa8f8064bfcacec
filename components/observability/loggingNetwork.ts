import { GuardFlow } from "../security/namespaceGuard";
import { FILEBEAT_NAME, FILEBEAT_SETUP_NAME } from "./loggingFilebeat";

/** Pod labels ECK puts on the pods it makes, and the operator's own (chart selector labels). */
export const LOGGING_PODS = {
  elasticsearch: { "common.k8s.elastic.co/type": "elasticsearch" },
  kibana: { "common.k8s.elastic.co/type": "kibana" },
  filebeat: { "app.kubernetes.io/name": FILEBEAT_NAME },
  filebeatSetup: { "app.kubernetes.io/name": FILEBEAT_SETUP_NAME },
  operator: { "control-plane": "elastic-operator" },
} as const;

/** Elasticsearch HTTP and transport ports, Kibana's, and the operator's validating webhook (chart `webhook.port`). */
export const LOGGING_PORTS = { http: 9200, transport: 9300, webhook: 9443 } as const;

/**
 * The logging namespace: only Filebeat (from the node agents' namespace), its setup Job, Kibana
 * and the ECK operator reach Elasticsearch (every log of the cluster); only Elasticsearch nodes
 * reach each other's transport port.
 */
export function loggingIngress(operatorNamespace: string, nodeAgentsNamespace: string): Record<string, GuardFlow> {
  return {
    "elasticsearch-http": {
      podLabels: LOGGING_PODS.elasticsearch,
      peers: [
        { namespace: nodeAgentsNamespace, podLabels: LOGGING_PODS.filebeat },
        { podLabels: LOGGING_PODS.filebeatSetup },
        { podLabels: LOGGING_PODS.kibana },
        { namespace: operatorNamespace, podLabels: LOGGING_PODS.operator },
      ],
      ports: [LOGGING_PORTS.http],
      why: "Filebeat ships logs, its setup Job installs the template and ILM policy, Kibana queries, the ECK operator manages the cluster",
    },
    "elasticsearch-transport": { podLabels: LOGGING_PODS.elasticsearch, peers: [{ podLabels: LOGGING_PODS.elasticsearch }], ports: [LOGGING_PORTS.transport], why: "Elasticsearch nodes talk to each other" },
  };
}

export function loggingEgress(): Record<string, GuardFlow> {
  return {
    "to-elasticsearch": {
      peers: [{ podLabels: LOGGING_PODS.elasticsearch }],
      ports: [LOGGING_PORTS.http],
      why: "the Filebeat setup Job and Kibana reach Elasticsearch's HTTP layer",
    },
    "elasticsearch-transport": { podLabels: LOGGING_PODS.elasticsearch, peers: [{ podLabels: LOGGING_PODS.elasticsearch }], ports: [LOGGING_PORTS.transport], why: "Elasticsearch nodes talk to each other" },
  };
}

/** The operator's namespace: the API server calls its webhook; it reaches Elasticsearch. */
export function operatorIngress(webhookSourceCidrs: readonly string[]): Record<string, GuardFlow> {
  return { webhook: { podLabels: LOGGING_PODS.operator, peers: [{ cidrs: webhookSourceCidrs }], ports: [LOGGING_PORTS.webhook], why: "the API server calls ECK's validating webhook" } };
}

export function operatorEgress(loggingNamespace: string): Record<string, GuardFlow> {
  return { elasticsearch: { podLabels: LOGGING_PODS.operator, peers: [{ namespace: loggingNamespace, podLabels: LOGGING_PODS.elasticsearch }], ports: [LOGGING_PORTS.http], why: "the operator manages Elasticsearch through its API" } };
}
