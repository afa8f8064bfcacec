import { ContainerResources, LoggingSettings } from "./loggingSettings";
import { LOGGING_TLS_NAMES } from "./loggingTls";

/** Fixed Kubernetes names of the logging stack; ECK derives Service and Secret names from them. */
export const LOGGING_NAMES = {
  operatorNamespace: "elastic-system",
  namespace: "logging",
  elasticsearch: "logs",
  kibana: "logs",
  /** Distinct from any `gp3` class other areas create. */
  storageClass: "gp3-encrypted",
  /** Filebeat's user in ECK's file realm (Elasticsearch's namespace), with its role mapping. */
  filebeatUserSecret: "filebeat-user",
  /** The same credential in the node agents' namespace, where the DaemonSet reads it. */
  filebeatAgentSecret: "filebeat-credential",
  filebeatSetupSecret: "filebeat-setup-user",
  filebeatRolesSecret: "filebeat-roles",
  nodeSet: "default",
  /** ECK's data volume name: a claim template with this name replaces its default emptyDir-less PVC. */
  dataVolume: "elasticsearch-data",
} as const;

const ZONE_LABEL = "topology.kubernetes.io/zone";

export interface CustomObject {
  readonly metadata: { readonly name: string; readonly namespace: string; readonly annotations?: Record<string, string>; readonly labels?: Record<string, string> };
  readonly spec: Record<string, unknown>;
}

export function containerResources(r: ContainerResources): { requests: Record<string, string>; limits: Record<string, string> } {
  return { requests: { cpu: `${r.cpuMillis}m`, memory: `${r.memoryMiB}Mi` }, limits: { memory: `${r.memoryMiB}Mi` } };
}

/**
 * The Elasticsearch resource: one node set of master+data+ingest nodes. With more than one node,
 * pods are spread over zones (hard constraint) and shard allocation is zone-aware, so a replica
 * never shares a zone with its primary. ECK's default PodDisruptionBudget (one pod at a time,
 * only while the cluster is green) is kept.
 * https://www.elastic.co/guide/en/cloud-on-k8s/current/k8s-advanced-node-scheduling.html
 */
export function elasticsearchSpec(cfg: LoggingSettings, poolLabels: Readonly<Record<string, string>>): CustomObject {
  const n = LOGGING_NAMES;
  const es = cfg.elasticsearch;
  const zoned = es.nodes > 1;
  const podLabels = { "elasticsearch.k8s.elastic.co/cluster-name": n.elasticsearch, "elasticsearch.k8s.elastic.co/statefulset-name": `${n.elasticsearch}-es-${n.nodeSet}` };
  return {
    metadata: {
      name: n.elasticsearch,
      namespace: n.namespace,
      // ECK copies these node labels into pod annotations, read below through the downward API.
      ...(zoned ? { annotations: { "eck.k8s.elastic.co/downward-node-labels": ZONE_LABEL } } : {}),
    },
    spec: {
      version: cfg.stackVersion,
      auth: { fileRealm: [{ secretName: n.filebeatUserSecret }, { secretName: n.filebeatSetupSecret }], roles: [{ secretName: n.filebeatRolesSecret }] },
      // cert-manager's certificate from the logging CA (Logging's PrivateCa), so clients in other namespaces
      // can trust it. https://www.elastic.co/docs/deploy-manage/security/k8s-https-settings
      http: { tls: { certificate: { secretName: LOGGING_TLS_NAMES.elasticsearchCertificate } } },
      nodeSets: [
        {
          name: n.nodeSet,
          count: es.nodes,
          config: {
            "node.roles": ["master", "data", "ingest"],
            // No privileged sysctl init container (the policy pack forbids it): mmap stays off, at some
            // search speed. https://www.elastic.co/guide/en/cloud-on-k8s/current/k8s-virtual-memory.html
            "node.store.allow_mmap": false,
            ...(zoned ? { "node.attr.zone": "${ZONE}", "cluster.routing.allocation.awareness.attributes": "k8s_node_name,zone" } : {}),
          },
          podTemplate: {
            spec: {
              nodeSelector: { role: poolLabels.role },
              containers: [
                {
                  name: "elasticsearch",
                  env: [
                    { name: "ES_JAVA_OPTS", value: `-Xms${es.heapMiB}m -Xmx${es.heapMiB}m` },
                    ...(zoned ? [{ name: "ZONE", valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${ZONE_LABEL}']` } } }] : []),
                  ],
                  resources: containerResources(es.resources),
                },
              ],
              ...(zoned ? { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: ZONE_LABEL, whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: podLabels } }] } : {}),
            },
          },
          volumeClaimTemplates: [
            {
              metadata: { name: n.dataVolume },
              spec: { accessModes: ["ReadWriteOnce"], storageClassName: n.storageClass, resources: { requests: { storage: `${es.storageGiB}Gi` } } },
            },
          ],
        },
      ],
    },
  };
}

/** Kibana on the same pool, connected to the cluster by reference (ECK wires user, CA and URL). */
export function kibanaSpec(cfg: LoggingSettings, poolLabels: Readonly<Record<string, string>>): CustomObject {
  const n = LOGGING_NAMES;
  const podLabels = { "kibana.k8s.elastic.co/name": n.kibana };
  return {
    metadata: { name: n.kibana, namespace: n.namespace },
    spec: {
      version: cfg.stackVersion,
      count: cfg.kibana.replicas,
      elasticsearchRef: { name: n.elasticsearch },
      podTemplate: {
        spec: {
          nodeSelector: { role: poolLabels.role },
          containers: [{ name: "kibana", resources: containerResources(cfg.kibana.resources) }],
          ...(cfg.kibana.replicas > 1 ? { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: ZONE_LABEL, whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: podLabels } }] } : {}),
        },
      },
    },
  };
}
