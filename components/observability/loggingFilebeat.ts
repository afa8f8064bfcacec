import * as crypto from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ContainerResources } from "./loggingSettings";
import { FILEBEAT_HTTP_PORT, FILEBEAT_PATHS, FILEBEAT_SETUP_CONFIG_FILE, ilmPolicy, renderFilebeatConfig } from "./loggingConfig";
import { containerResources } from "./loggingStack";
import { NamespaceFlows } from "../security/namespaceFlows";
import { rotationAnnotation } from "../../lib/secretRotation";

export interface FilebeatDaemonSetArgs {
  /** The node agents' `privileged` namespace the DaemonSet runs in (hostPath, root). No default. */
  readonly namespace: string;
  /** Its Namespace resource (the flows wait for it). No default. */
  readonly namespaceResource: pulumi.Resource;
  /** Elasticsearch's namespace, where the setup Job runs with its credential. No default. */
  readonly setupNamespace: string;
  /** Elasticsearch's pods (labels) and HTTP port, which Filebeat's egress admits. No default. */
  readonly elasticsearch: { readonly pods: Readonly<Record<string, string>>; readonly port: number };
  /** Same version as Elasticsearch (Beats must not be newer than the cluster). */
  readonly stackVersion: string;
  readonly elasticsearchUrl: string;
  /** Secret whose `ca.crt` is the CA of Elasticsearch's HTTP layer, in both namespaces. */
  readonly caSecret: string;
  /** basic-auth Secret (`username`, `password`) of Filebeat's Elasticsearch user, in `namespace`: writes only. */
  readonly userSecret: string;
  /** basic-auth Secret of the setup user (index template, ILM policy), in `setupNamespace`: read by the setup Job alone. */
  readonly setupSecret: string;
  /** Node labels of the untainted system pool the setup Job runs on. */
  readonly systemPoolLabels: Readonly<Record<string, string>>;
  /** What the setup Job waits for besides the pool: Elasticsearch, the setup user's Secret and CA. Default none. */
  readonly setupAfter?: readonly pulumi.Resource[];
  /** Rotation generation of its credential: in the pod template, so a rotation rolls the DaemonSet. Default none. */
  readonly credentialGeneration?: number;
  /** What the DaemonSet waits for besides the pool and the Job: its credential and CA in its namespace. Default none. */
  readonly agentAfter?: readonly pulumi.Resource[];
  readonly retentionDays: number;
  /** Replicas of each log index. */
  readonly indexReplicas: number;
  readonly resources: ContainerResources;
  readonly provider: k8s.Provider;
  /**
   * What the DaemonSet waits for: the system pool's node group and CoreDNS. It runs on every node,
   * but its rollout only counts nodes that have joined, so other pools never hold it back.
   */
  readonly scheduledAfter: readonly pulumi.Resource[];
}

/** The names the policy pack's narrow root exemption refers to (policy/rules/kubernetes.ts). */
export const FILEBEAT_NAME = "filebeat";
/** The one-shot Job that installs the index template and the ILM policy (its pods' name label). */
export const FILEBEAT_SETUP_NAME = "filebeat-setup";
export const ILM_POLICY_NAME = "entasis-logs";

/**
 * Filebeat on every node, tolerating every taint: reads the node's container logs read-only from
 * hostPath and ships them to Elasticsearch. The registry (read offsets) lives on the node, so a
 * restarted pod resumes where it stopped instead of re-shipping or skipping logs.
 *
 * The DaemonSet is a node agent and runs in the agents' `privileged` namespace with its write-only
 * credential and the CA; the setup Job and its stronger credential stay in Elasticsearch's
 * namespace, which therefore admits no host access at all.
 */
export class FilebeatDaemonSet extends pulumi.ComponentResource {
  public readonly daemonSet: k8s.apps.v1.DaemonSet;
  /** filebeat.yml, beside the DaemonSet. */
  public readonly configMap: k8s.core.v1.ConfigMap;
  /** The setup Job's config and the ILM policy, beside the Job. */
  public readonly setupConfigMap: k8s.core.v1.ConfigMap;
  /** Filebeat's own traffic in the agents' namespace: Elasticsearch and the Kubernetes API. */
  public readonly flows: NamespaceFlows;
  /** Installs the index template and the ILM policy with the setup credential; the DaemonSet waits for it. */
  public readonly setupJob: k8s.batch.v1.Job;

  constructor(name: string, args: FilebeatDaemonSetArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:observability:FilebeatDaemonSet", name, {}, opts);
    const k8sOpts = { parent: this, provider: args.provider };
    const labels = { "app.kubernetes.io/name": FILEBEAT_NAME, "app.kubernetes.io/part-of": "entasis-logging", "app.kubernetes.io/managed-by": "pulumi" };
    const selector = { "app.kubernetes.io/name": FILEBEAT_NAME };
    const metadata = { name: FILEBEAT_NAME, namespace: args.namespace, labels };

    const serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-service-account`, { metadata }, k8sOpts);
    // add_kubernetes_metadata looks up pods and their owners (ReplicaSet -> Deployment, Job -> CronJob),
    // namespaces and nodes. https://www.elastic.co/docs/reference/beats/filebeat/add-kubernetes-metadata
    const clusterRole = new k8s.rbac.v1.ClusterRole(
      `${name}-cluster-role`,
      {
        metadata: { name: FILEBEAT_NAME, labels },
        rules: [
          { apiGroups: [""], resources: ["pods", "namespaces", "nodes"], verbs: ["get", "list", "watch"] },
          { apiGroups: ["apps"], resources: ["replicasets"], verbs: ["get", "list", "watch"] },
          { apiGroups: ["batch"], resources: ["jobs"], verbs: ["get", "list", "watch"] },
        ],
      },
      k8sOpts,
    );
    const binding = new k8s.rbac.v1.ClusterRoleBinding(
      `${name}-cluster-role-binding`,
      {
        metadata: { name: FILEBEAT_NAME, labels },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: clusterRole.metadata.name },
        subjects: [{ kind: "ServiceAccount", name: serviceAccount.metadata.name, namespace: args.namespace }],
      },
      k8sOpts,
    );

    const configData = {
      [FILEBEAT_PATHS.configFile]: renderFilebeatConfig({ elasticsearchUrl: args.elasticsearchUrl, ilmPolicyName: ILM_POLICY_NAME, indexReplicas: args.indexReplicas }),
    };
    const setupData = {
      [FILEBEAT_SETUP_CONFIG_FILE]: renderFilebeatConfig({ elasticsearchUrl: args.elasticsearchUrl, ilmPolicyName: ILM_POLICY_NAME, indexReplicas: args.indexReplicas, mode: "setup" }),
      [FILEBEAT_PATHS.ilmPolicyFile]: JSON.stringify(ilmPolicy(args.retentionDays), null, 2),
    };
    this.configMap = new k8s.core.v1.ConfigMap(`${name}-config`, { metadata: { name: `${FILEBEAT_NAME}-config`, namespace: args.namespace, labels }, data: configData }, k8sOpts);
    this.setupConfigMap = new k8s.core.v1.ConfigMap(`${name}-setup-config`, { metadata: { name: `${FILEBEAT_SETUP_NAME}-config`, namespace: args.setupNamespace, labels }, data: setupData }, k8sOpts);

    // The agents' namespace denies everything but DNS and Prometheus: Filebeat adds its own way out.
    this.flows = new NamespaceFlows(
      `${name}-flows`,
      {
        provider: args.provider,
        namespace: args.namespace,
        namespaceResource: args.namespaceResource,
        egress: {
          "filebeat-elasticsearch": { podLabels: selector, peers: [{ namespace: args.setupNamespace, podLabels: args.elasticsearch.pods }], ports: [args.elasticsearch.port], why: "Filebeat ships logs to Elasticsearch's HTTP layer" },
          // add_kubernetes_metadata watches pods, namespaces and nodes (the API server's ENIs, 443).
          "filebeat-kubernetes-api": { podLabels: selector, peers: [{ cidrs: ["0.0.0.0/0"] }], ports: [443], why: "Filebeat reads pod metadata from the Kubernetes API" },
        },
      },
      { parent: this },
    );

    // Template and ILM policy first, with the setup credential, on the system pool; a changed
    // config (retention, replicas) changes the pod template, so the Job is replaced and runs again.
    // https://www.elastic.co/docs/reference/beats/filebeat/command-line-options#setup-command
    const configHash = hashOf(JSON.stringify({ ...configData, ...setupData }));
    const setupLabels = { ...labels, "app.kubernetes.io/name": FILEBEAT_SETUP_NAME };
    this.setupJob = new k8s.batch.v1.Job(
      `${name}-setup`,
      {
        metadata: { name: FILEBEAT_SETUP_NAME, namespace: args.setupNamespace, labels: setupLabels },
        spec: {
          // Elasticsearch is created just before and becomes reachable minutes later (the custom
          // resource is not awaited): the Job retries with the kubelet's back-off (at most 6 min
          // apart) instead of failing the first `pulumi up`.
          backoffLimit: 10,
          template: {
            metadata: { labels: setupLabels, annotations: { "entasis.dev/config-hash": configHash } },
            spec: {
              restartPolicy: "OnFailure",
              automountServiceAccountToken: false,
              nodeSelector: { ...args.systemPoolLabels },
              // The image's own user; fsGroup makes the 0640 config files (root-owned, as Filebeat's
              // strict.perms wants) readable to it. https://www.elastic.co/docs/reference/beats/libbeat/config-file-permissions
              securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } },
              containers: [
                {
                  name: FILEBEAT_SETUP_NAME,
                  image: `docker.elastic.co/beats/filebeat:${args.stackVersion}`,
                  args: ["setup", "--index-management", "-c", `${FILEBEAT_PATHS.configDir}/${FILEBEAT_SETUP_CONFIG_FILE}`, "-e"],
                  env: [
                    { name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
                    { name: "ES_USERNAME", valueFrom: { secretKeyRef: { name: args.setupSecret, key: "username" } } },
                    { name: "ES_PASSWORD", valueFrom: { secretKeyRef: { name: args.setupSecret, key: "password" } } },
                  ],
                  resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
                  securityContext: { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                  volumeMounts: [
                    { name: "config", mountPath: FILEBEAT_PATHS.configDir, readOnly: true },
                    { name: "es-ca", mountPath: FILEBEAT_PATHS.caDir, readOnly: true },
                    { name: "data", mountPath: FILEBEAT_PATHS.dataDir },
                  ],
                },
              ],
              volumes: [
                { name: "config", configMap: { name: this.setupConfigMap.metadata.name, defaultMode: 0o640 } },
                { name: "es-ca", secret: { secretName: args.caSecret, items: [{ key: "ca.crt", path: "ca.crt" }] } },
                { name: "data", emptyDir: {} },
              ],
            },
          },
        },
      },
      { ...k8sOpts, dependsOn: [...(args.setupAfter ?? []), ...args.scheduledAfter], customTimeouts: { create: "40m", update: "40m" } },
    );

    const probe = { httpGet: { path: "/", port: FILEBEAT_HTTP_PORT }, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 3 };
    this.daemonSet = new k8s.apps.v1.DaemonSet(
      `${name}-daemonset`,
      {
        metadata,
        spec: {
          selector: { matchLabels: selector },
          updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
          template: {
            metadata: {
              labels,
              // A config change rolls the pods (Filebeat does not reload its main config file), and so
              // does a rotated credential (read from the environment at start).
              annotations: { "entasis.dev/config-hash": configHash, ...rotationAnnotation(args.credentialGeneration) },
            },
            spec: {
              serviceAccountName: FILEBEAT_NAME,
              terminationGracePeriodSeconds: 30,
              // Every node, whatever its taints (GPU, data-processing, and any added later).
              tolerations: [{ operator: "Exists" }],
              // On EKS AL2023 the files under /var/log/pods are root:root 0640: only uid 0 can read
              // them. Root, but with no capabilities, no privilege escalation, a read-only root
              // filesystem and read-only log mounts; the policy pack exempts exactly this DaemonSet.
              securityContext: { runAsUser: 0, runAsGroup: 0, runAsNonRoot: false, seccompProfile: { type: "RuntimeDefault" } },
              containers: [
                {
                  name: FILEBEAT_NAME,
                  image: `docker.elastic.co/beats/filebeat:${args.stackVersion}`,
                  args: ["-c", `${FILEBEAT_PATHS.configDir}/${FILEBEAT_PATHS.configFile}`, "-e"],
                  env: [
                    { name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
                    { name: "ES_USERNAME", valueFrom: { secretKeyRef: { name: args.userSecret, key: "username" } } },
                    { name: "ES_PASSWORD", valueFrom: { secretKeyRef: { name: args.userSecret, key: "password" } } },
                  ],
                  ports: [{ name: "http", containerPort: FILEBEAT_HTTP_PORT }],
                  resources: containerResources(args.resources),
                  securityContext: { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                  livenessProbe: { ...probe, initialDelaySeconds: 30 },
                  readinessProbe: { ...probe, initialDelaySeconds: 5 },
                  volumeMounts: [
                    { name: "config", mountPath: FILEBEAT_PATHS.configDir, readOnly: true },
                    { name: "es-ca", mountPath: FILEBEAT_PATHS.caDir, readOnly: true },
                    { name: "data", mountPath: FILEBEAT_PATHS.dataDir },
                    // /var/log/containers holds symlinks into /var/log/pods: both are needed.
                    { name: "varlogcontainers", mountPath: "/var/log/containers", readOnly: true },
                    { name: "varlogpods", mountPath: "/var/log/pods", readOnly: true },
                  ],
                },
              ],
              volumes: [
                // Filebeat refuses a config file writable by others (strict.perms).
                { name: "config", configMap: { name: this.configMap.metadata.name, defaultMode: 0o640 } },
                { name: "es-ca", secret: { secretName: args.caSecret, items: [{ key: "ca.crt", path: "ca.crt" }] } },
                { name: "data", hostPath: { path: "/var/lib/filebeat-data", type: "DirectoryOrCreate" } },
                { name: "varlogcontainers", hostPath: { path: "/var/log/containers", type: "Directory" } },
                { name: "varlogpods", hostPath: { path: "/var/log/pods", type: "Directory" } },
              ],
            },
          },
        },
      },
      {
        ...k8sOpts,
        dependsOn: [serviceAccount, binding, this.setupJob, this.flows, ...(args.agentAfter ?? []), ...args.scheduledAfter],
        // A replacement (a new namespace, as when it left `logging`) must not overlap the old
        // DaemonSet: both would share the registry on the node, which Filebeat locks
        // (`path.data` holds filebeat.lock), so the new pods could never become ready while the old
        // ones ran. The old one goes first; the registry carries the offsets across.
        deleteBeforeReplace: true,
      },
    );

    this.registerOutputs({});
  }
}

/** Short stable digest for the pod annotation. */
function hashOf(text: string): string {
  return crypto.createHash("sha256").update(text).digest("hex").slice(0, 16);
}
