import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { IrsaRole } from "../cluster/irsaRole";
import { WorkloadIdentityArgs, workloadRole } from "../security/workloadIdentity";
import { CollectorNames, collectorLabels } from "./names";

/** One market-data feed and the collector Deployment that reads it (the image is the app team's). */
export interface CollectorFeed {
  /** What the feed is, for humans (dashboards, IAM descriptions). */
  readonly description: string;
  /** Container image with a registry host and a tag or digest. */
  readonly image: string;
  /** Pods; two or more spread over zones. */
  readonly replicas: number;
  readonly resources: {
    readonly requests: { readonly cpu: string; readonly memory: string };
    readonly limits: { readonly cpu: string; readonly memory: string };
  };
  /** Where the collector connects: a host name (written to its configuration tree) and the TCP ports its egress policy opens. */
  readonly target: { readonly host: string; readonly ports: readonly number[] };
  /** Port of `/metrics` and the `/healthz` probe endpoint. */
  readonly metricsPort: number;
  /** Seconds without a published message after which the feed counts as stale (alert). */
  readonly staleAfterSeconds: number;
}

/** What a collector may read: its own config tree, broker user secret and time-series role secret. */
export interface CollectorAccess {
  /** IAM statements reading `/entasis/<env>/config/<app>` (from the config store); empty when the store is off. */
  readonly configStatements: readonly pulumi.Input<aws.iam.PolicyStatement>[];
  /** `/entasis/<env>/config/<app>`; undefined when the config store is off. */
  readonly configPath?: pulumi.Input<string>;
  /** ARN of its broker user's secret; undefined when the broker is off. */
  readonly brokerSecretArn?: pulumi.Input<string>;
  /** ARN of its TimescaleDB role's connection secret. */
  readonly timeseriesSecretArn: pulumi.Input<string>;
  /** The data tier's KMS key that encrypts both secrets. */
  readonly secretsKeyArn: pulumi.Input<string>;
}

export interface CollectorArgs extends WorkloadIdentityArgs {
  /** Namespace (an Output of the Namespace, so everything waits for it). */
  readonly namespace: pulumi.Input<string>;
  /** The namespace's name, for the IRSA trust policy. */
  readonly namespaceName: string;
  readonly names: CollectorNames;
  readonly feed: CollectorFeed;
  readonly access: CollectorAccess;
  /** Node labels of the general pool. */
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** The general pool's node group and CoreDNS (`cluster.scheduledOn(pool)`). */
  readonly scheduledAfter: readonly pulumi.Resource[];
  /** What must exist before the pods start (the broker user provisioner, the database role). Default none. */
  readonly readyAfter?: readonly pulumi.Input<pulumi.Resource>[];
  /**
   * The time-series CA in the namespace: the Secret whose `key` (ca.crt) is mounted read-only at
   * `path` in `directory`, the connection secret's `sslrootcert`. No default.
   */
  readonly timeseriesCa: { readonly secretName: string; readonly directory: string; readonly key: string; readonly path: string };
}

const ZONE_KEY = "topology.kubernetes.io/zone";

/**
 * One collector: its service account and IRSA role (reads only its own configuration tree, broker
 * user secret and time-series role secret), its Deployment on the general pool spread over zones,
 * and a PodDisruptionBudget that lets a drain take one pod at a time.
 */
export class Collector extends pulumi.ComponentResource {
  public readonly role: IrsaRole;
  public readonly serviceAccount: k8s.core.v1.ServiceAccount;
  public readonly deployment: k8s.apps.v1.Deployment;
  public readonly pdb: k8s.policy.v1.PodDisruptionBudget;

  constructor(name: string, args: CollectorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:collectors:Collector", name, {}, opts);
    const n = args.names;
    const labels = collectorLabels(n);
    const k8sOpts = { parent: this, provider: args.provider };
    const a = args.access;

    const secretArns = [a.timeseriesSecretArn, ...(a.brokerSecretArn !== undefined ? [a.brokerSecretArn] : [])];
    this.role = workloadRole(
      `${name}-irsa`,
      args,
      {
        namespace: args.namespaceName,
        serviceAccount: n.app,
        purpose: `${n.app} (IRSA): ${args.feed.description}`,
        inlinePolicies: {
          own: {
            Version: "2012-10-17",
            Statement: [
              ...a.configStatements,
              { Sid: "ReadOwnSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], Resource: secretArns },
              { Sid: "DecryptViaSecretsManager", Effect: "Allow", Action: "kms:Decrypt", Resource: a.secretsKeyArn, Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${args.region}.amazonaws.com` } } },
            ],
          },
        },
      },
      this,
    );

    this.serviceAccount = new k8s.core.v1.ServiceAccount(
      `${name}-sa`,
      { metadata: { name: n.app, namespace: args.namespace, labels, annotations: { "eks.amazonaws.com/role-arn": this.role.arn } }, automountServiceAccountToken: false },
      k8sOpts,
    );

    const f = args.feed;
    const env: k8s.types.input.core.v1.EnvVar[] = [
      { name: "FEED", value: n.feed },
      { name: "AWS_REGION", value: args.region },
      { name: "METRICS_PORT", value: String(f.metricsPort) },
      { name: "TARGET_HOST", value: f.target.host },
      { name: "TARGET_PORTS", value: f.target.ports.join(",") },
      { name: "MQ_EXCHANGE", value: n.exchange },
      { name: "MQ_QUEUE", value: n.queue },
      { name: "TIMESERIES_SCHEMA", value: n.schema },
      // JSON with host (PgBouncer), port, dbname, username, password, sslmode (verify-full) and
      // sslrootcert: components/timeseries/consumers.ts. libpq also reads the two PG* variables.
      { name: "TIMESERIES_SECRET_ARN", value: a.timeseriesSecretArn },
      { name: "PGSSLMODE", value: "verify-full" },
      { name: "PGSSLROOTCERT", value: args.timeseriesCa.path },
      ...(a.brokerSecretArn !== undefined ? [{ name: "MQ_CONNECTION_SECRET_ARN", value: a.brokerSecretArn }] : []),
      ...(a.configPath !== undefined ? [{ name: "CONFIG_PATH", value: a.configPath }] : []),
    ];

    this.deployment = new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        metadata: { name: n.app, namespace: args.namespace, labels },
        spec: {
          replicas: f.replicas,
          selector: { matchLabels: { ...labels } },
          strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
          template: {
            metadata: { labels: { ...labels } },
            spec: {
              serviceAccountName: n.app,
              automountServiceAccountToken: false,
              nodeSelector: { ...args.nodeSelector },
              securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: "RuntimeDefault" } },
              topologySpreadConstraints: [
                { maxSkew: 1, topologyKey: ZONE_KEY, whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { ...labels } } },
                { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { ...labels } } },
              ],
              containers: [
                {
                  name: "collector",
                  image: f.image,
                  ports: [{ name: "metrics", containerPort: f.metricsPort, protocol: "TCP" }],
                  env,
                  resources: { requests: { ...f.resources.requests }, limits: { ...f.resources.limits } },
                  livenessProbe: { httpGet: { path: "/healthz", port: "metrics" }, initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
                  readinessProbe: { httpGet: { path: "/healthz", port: "metrics" }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 2 },
                  securityContext: { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                  volumeMounts: [
                    { name: "tmp", mountPath: "/tmp" },
                    { name: "timeseries-ca", mountPath: args.timeseriesCa.directory, readOnly: true },
                  ],
                },
              ],
              volumes: [
                { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
                // ca.crt alone: the bundle's client key stays out of the pod.
                { name: "timeseries-ca", secret: { secretName: args.timeseriesCa.secretName, items: [{ key: args.timeseriesCa.key, path: args.timeseriesCa.key }] } },
              ],
            },
          },
        },
      },
      { ...k8sOpts, dependsOn: [this.serviceAccount, ...args.scheduledAfter, ...(args.readyAfter ?? [])] },
    );

    // One pod at a time: a drain never takes a feed down while two or more replicas run.
    this.pdb = new k8s.policy.v1.PodDisruptionBudget(
      `${name}-pdb`,
      { metadata: { name: n.app, namespace: args.namespace, labels }, spec: { maxUnavailable: 1, selector: { matchLabels: { ...labels } } } },
      k8sOpts,
    );

    this.registerOutputs({ roleArn: this.role.arn });
  }
}
