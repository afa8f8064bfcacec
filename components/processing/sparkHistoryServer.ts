import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CURL_IMAGE, S3A_JARS, SPARK_IMAGE, SPARK_UID } from "../../lib/helmCharts";
import { S3A_IRSA_PROVIDER } from "./examples";

export interface SparkHistoryServerArgs {
  readonly provider: k8s.Provider;
  readonly namespace: pulumi.Input<string>;
  /** Service account name; its IRSA role may read the event-log bucket only. */
  readonly serviceAccount: string;
  readonly roleArn: pulumi.Input<string>;
  /** `s3a://<bucket>/event-logs/`. */
  readonly logDirectory: pulumi.Input<string>;
  readonly region: string;
  /** Node labels of the pool it runs on (the system pool). */
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** What its pod needs first: the pool's node group and CoreDNS (`cluster.scheduledOn(pool)`). */
  readonly scheduledAfter: readonly pulumi.Resource[];
}

export const HISTORY_SERVER = "spark-history-server";
export const HISTORY_PORT = 18080;
const JARS_DIR = "/opt/spark/extra-jars";

/**
 * The Spark History Server: one Deployment on the system pool that lists and replays the event
 * logs every Spark job writes to the event-log bucket. The official image lacks the S3A connector,
 * so an init container fetches the two jars of Spark 3.5.7's Hadoop from Maven Central into an
 * emptyDir (SPARK_DAEMON_CLASSPATH). It runs as the image's non-root `spark` user with a read-only
 * root filesystem. https://spark.apache.org/docs/3.5.7/monitoring.html#viewing-after-the-fact
 */
export class SparkHistoryServer extends pulumi.ComponentResource {
  public readonly serviceAccount: k8s.core.v1.ServiceAccount;
  public readonly deployment: k8s.apps.v1.Deployment;
  public readonly service: k8s.core.v1.Service;
  /** In-cluster URL of the UI. */
  public readonly url: pulumi.Output<string>;

  constructor(name: string, args: SparkHistoryServerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:processing:SparkHistoryServer", name, {}, opts);
    const k8sOpts = { parent: this, provider: args.provider };
    const labels = { app: HISTORY_SERVER };

    this.serviceAccount = new k8s.core.v1.ServiceAccount(
      `${name}-sa`,
      { metadata: { name: args.serviceAccount, namespace: args.namespace, annotations: { "eks.amazonaws.com/role-arn": args.roleArn } } },
      k8sOpts,
    );

    const historyOpts = pulumi.interpolate`-Dspark.history.fs.logDirectory=${args.logDirectory} -Dspark.history.fs.cleaner.enabled=false -Dspark.hadoop.fs.s3a.aws.credentials.provider=${S3A_IRSA_PROVIDER} -Dspark.hadoop.fs.s3a.endpoint.region=${args.region} -Dspark.history.ui.port=${HISTORY_PORT}`;
    const restricted = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: SPARK_UID, capabilities: { drop: ["ALL"] } };
    const probe = (initialDelaySeconds: number) => ({ httpGet: { path: "/", port: HISTORY_PORT }, initialDelaySeconds, periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 4 });

    this.deployment = new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        metadata: { name: HISTORY_SERVER, namespace: args.namespace, labels },
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              serviceAccountName: args.serviceAccount,
              nodeSelector: { ...args.nodeSelector },
              securityContext: { runAsNonRoot: true, runAsUser: SPARK_UID, runAsGroup: SPARK_UID, fsGroup: SPARK_UID, seccompProfile: { type: "RuntimeDefault" } },
              initContainers: [
                {
                  name: "s3a-jars",
                  image: CURL_IMAGE,
                  command: ["sh", "-ec", S3A_JARS.map((j) => `curl -fsSL --retry 5 -o ${JARS_DIR}/${j.name} ${j.url}`).join("\n")],
                  volumeMounts: [{ name: "jars", mountPath: JARS_DIR }],
                  resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } },
                  securityContext: restricted,
                },
              ],
              containers: [
                {
                  name: "history-server",
                  image: SPARK_IMAGE,
                  command: ["/opt/spark/bin/spark-class", "org.apache.spark.deploy.history.HistoryServer"],
                  env: [
                    { name: "SPARK_HISTORY_OPTS", value: historyOpts },
                    { name: "SPARK_DAEMON_CLASSPATH", value: `${JARS_DIR}/*` },
                    { name: "SPARK_DAEMON_MEMORY", value: "1g" },
                    { name: "SPARK_NO_DAEMONIZE", value: "true" },
                  ],
                  ports: [{ name: "http", containerPort: HISTORY_PORT }],
                  readinessProbe: probe(20),
                  livenessProbe: probe(60),
                  resources: { requests: { cpu: "250m", memory: "1536Mi" }, limits: { memory: "2Gi" } },
                  securityContext: restricted,
                  volumeMounts: [
                    { name: "jars", mountPath: JARS_DIR, readOnly: true },
                    { name: "tmp", mountPath: "/tmp" },
                  ],
                },
              ],
              volumes: [
                { name: "jars", emptyDir: { sizeLimit: "512Mi" } },
                { name: "tmp", emptyDir: { sizeLimit: "2Gi" } },
              ],
            },
          },
        },
      },
      { ...k8sOpts, dependsOn: [this.serviceAccount, ...args.scheduledAfter] },
    );

    this.service = new k8s.core.v1.Service(
      `${name}-service`,
      { metadata: { name: HISTORY_SERVER, namespace: args.namespace, labels }, spec: { selector: labels, ports: [{ name: "http", port: HISTORY_PORT, targetPort: HISTORY_PORT }] } },
      k8sOpts,
    );
    this.url = pulumi.interpolate`http://${HISTORY_SERVER}.${args.namespace}.svc.cluster.local:${HISTORY_PORT}`;
    this.registerOutputs({ url: this.url });
  }
}
