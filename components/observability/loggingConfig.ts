import * as yaml from "js-yaml";

/**
 * Pure builders of the text the logging stack is configured with: the Filebeat config, the ILM
 * policy Filebeat installs, and the file-realm role of its Elasticsearch user. Kept apart from the
 * component so tests can parse exactly what reaches the cluster.
 */

/** Where the DaemonSet mounts things; the config refers to these paths. */
export const FILEBEAT_PATHS = {
  configDir: "/etc/filebeat",
  configFile: "filebeat.yml",
  ilmPolicyFile: "ilm-policy.json",
  caDir: "/usr/share/filebeat/certs",
  dataDir: "/usr/share/filebeat/data",
} as const;

/** Filebeat's HTTP endpoint: the kubelet probes it, so it listens on the pod IP. */
export const FILEBEAT_HTTP_PORT = 5066;

/** The spec's input (seed 004), verbatim: every container log of the node, with Kubernetes metadata. */
export const SPEC_FILEBEAT_INPUT = {
  type: "container",
  paths: ["/var/log/containers/*.log"],
  processors: [
    {
      add_kubernetes_metadata: {
        host: "${NODE_NAME}",
        matchers: [{ logs_path: { logs_path: "/var/log/containers/" } }],
      },
    },
  ],
} as const;

export interface FilebeatConfigArgs {
  /** `https://<es>-es-http.<ns>.svc:9200`. */
  readonly elasticsearchUrl: string;
  /** Name of the ILM policy Filebeat creates and attaches to its data stream. */
  readonly ilmPolicyName: string;
  /** Replicas of every log index: 0 on a single node (else the cluster stays yellow). */
  readonly indexReplicas: number;
  /**
   * `setup`: the one-shot Job that installs the index template and the ILM policy with the setup
   * credential. `publish` (default): the DaemonSet, which only writes, so its credential on every
   * node cannot change templates or lifecycle policies or delete indices.
   */
  readonly mode?: "setup" | "publish";
}

/** The Filebeat config document (before YAML rendering). */
export function filebeatConfig(args: FilebeatConfigArgs): Record<string, unknown> {
  return {
    filebeat: { inputs: [SPEC_FILEBEAT_INPUT] },
    output: {
      elasticsearch: {
        hosts: [args.elasticsearchUrl],
        // Filled from the filebeat user's Secret by the DaemonSet's env.
        username: "${ES_USERNAME}",
        password: "${ES_PASSWORD}",
        ssl: { certificate_authorities: [`${FILEBEAT_PATHS.caDir}/ca.crt`], verification_mode: "full" },
      },
    },
    // Retention: the setup Job installs this policy (overwrite keeps it equal to the config) and
    // attaches it to the data stream's template; the publishing DaemonSet loads neither and skips
    // the policy check (its role has no read on ILM policies' management).
    // https://www.elastic.co/docs/reference/beats/filebeat/ilm
    // https://www.elastic.co/docs/reference/beats/filebeat/configuration-template
    setup:
      args.mode === "setup"
        ? {
            ilm: {
              enabled: true,
              policy_name: args.ilmPolicyName,
              policy_file: `${FILEBEAT_PATHS.configDir}/${FILEBEAT_PATHS.ilmPolicyFile}`,
              overwrite: true,
            },
            template: { settings: { index: { number_of_replicas: args.indexReplicas } } },
          }
        : { ilm: { enabled: true, policy_name: args.ilmPolicyName, check_exists: false }, template: { enabled: false } },
    path: { data: FILEBEAT_PATHS.dataDir },
    http: { enabled: true, host: "0.0.0.0", port: FILEBEAT_HTTP_PORT },
    logging: { level: "info", to_stderr: true },
  };
}

/** The config file the setup Job reads, beside the DaemonSet's in the ConfigMap. */
export const FILEBEAT_SETUP_CONFIG_FILE = "filebeat-setup.yml";

/** The config file text that goes into the ConfigMap. */
export function renderFilebeatConfig(args: FilebeatConfigArgs): string {
  return yaml.dump(filebeatConfig(args), { lineWidth: -1, noRefs: true });
}

/**
 * ILM policy: roll the data stream's backing index over daily (or at 50 GB per primary shard),
 * delete it `retentionDays` after rollover. So a document lives between retentionDays and
 * retentionDays + 1 days.
 * https://www.elastic.co/guide/en/elasticsearch/reference/current/ilm-put-lifecycle.html
 */
export function ilmPolicy(retentionDays: number): Record<string, unknown> {
  return {
    policy: {
      phases: {
        hot: { min_age: "0ms", actions: { rollover: { max_age: "1d", max_primary_shard_size: "50gb" } } },
        delete: { min_age: `${retentionDays}d`, actions: { delete: {} } },
      },
    },
  };
}

/** Name of the Elasticsearch role and user Filebeat ships with (file realm, managed by ECK). */
export const FILEBEAT_ROLE = "entasis_filebeat_writer";
export const FILEBEAT_USER = "entasis_filebeat";
/** The setup credential: index template and ILM policy, used only by the one-shot setup Job. */
export const FILEBEAT_SETUP_ROLE = "entasis_filebeat_setup";
export const FILEBEAT_SETUP_USER = "entasis_filebeat_setup";

/**
 * Beats' documented publishing and setup roles, split and limited to filebeat-* indices: the
 * DaemonSet on every node may only append documents (create_doc; auto_configure creates the data
 * stream on the first write), the setup Job alone manages templates, lifecycle policies and indices.
 * https://www.elastic.co/guide/en/beats/filebeat/current/feature-roles.html
 * https://www.elastic.co/docs/reference/elasticsearch/security-privileges
 */
export function filebeatRoles(): string {
  return yaml.dump(
    {
      [FILEBEAT_ROLE]: {
        cluster: ["monitor", "read_pipeline"],
        indices: [{ names: ["filebeat-*"], privileges: ["create_doc", "view_index_metadata", "auto_configure"] }],
      },
      [FILEBEAT_SETUP_ROLE]: {
        cluster: ["monitor", "manage_ilm", "manage_index_templates"],
        indices: [{ names: ["filebeat-*"], privileges: ["manage"] }],
      },
    },
    { lineWidth: -1 },
  );
}
