import * as pulumi from "@pulumi/pulumi";
import { INFERENCE_SERVICE_ACCOUNT } from "../components/ai/servingObjects";
import { ARGO_SERVER_SERVICE, ARGO_SERVER_PORT, SERVER_SERVICE_ACCOUNT, WORKFLOW_SERVICE_ACCOUNT } from "../components/ai/pipelineObjects";
import { AMQPS_PORT } from "../components/messaging/broker";
import { GRAFANA_ADMIN_SECRET } from "../components/observability/monitoring";
import { FLINK_JOB_SERVICE_ACCOUNT } from "../components/processing/flink";
import { SPARK_JOB_SERVICE_ACCOUNT } from "../components/processing/spark";
import { Platform } from "./platformResult";
import { collectorsOutput } from "./collectorOutputs";
import { failoverOutput } from "./failoverOutputs";
import { TIMESERIES_CA_MOUNT, TIMESERIES_TLS_NAMES } from "../components/timeseries/timeseriesTls";

/** Stack outputs: the contract app teams build on. Never remove or rename one without a migration. */
export interface PlatformOutputs {
  readonly environment: string;
  readonly region: string;
  readonly vpcId: pulumi.Output<string>;
  readonly vpcCidr: string;
  readonly availabilityZones: readonly string[];
  readonly publicSubnetIds: pulumi.Output<string>[];
  readonly privateSubnetIds: pulumi.Output<string>[];
  readonly databaseSubnetIds: pulumi.Output<string>[];
  readonly natGatewayIds: pulumi.Output<string>[];
  readonly egressIps: pulumi.Output<string>[];
  /** null unless entasis:failover is set (docs/failover.md). */
  readonly failover: {
    readonly role: string;
    readonly promoted: boolean | null;
    readonly apiHost: string;
    readonly websocketHost: string;
    readonly healthCheckId: pulumi.Output<string> | null;
    readonly replicationSources: {
      readonly postgresArn: pulumi.Output<string>;
      readonly timeseriesArchive: { readonly bucket: pulumi.Output<string>; readonly bucketArn: pulumi.Output<string>; readonly keyArn: pulumi.Output<string>; readonly region: string; readonly serverName: string };
      readonly bucketCopies: Readonly<Record<string, { readonly bucket: pulumi.Output<string>; readonly bucketArn: pulumi.Output<string>; readonly keyArn: pulumi.Output<string> }>>;
    } | null;
  } | null;
  readonly securityGroupIds: Readonly<Record<string, pulumi.Output<string>>>;
  readonly dbSubnetGroupName: pulumi.Output<string>;
  readonly cacheSubnetGroupName: pulumi.Output<string>;
  /** null when the bastion is disabled: an output never disappears with a config switch. */
  readonly bastionInstanceId: pulumi.Output<string> | null;
  /** Data tier: endpoints, bucket names and secret ARNs only; credentials stay in Secrets Manager. */
  readonly database: {
    readonly writerEndpoint: pulumi.Output<string>;
    readonly readerEndpoint: pulumi.Output<string>;
    readonly replicaEndpoints: Readonly<Record<string, pulumi.Output<string>>>;
    /** null when RDS Proxy is off (dev). */
    readonly proxyEndpoint: pulumi.Output<string> | null;
    readonly port: pulumi.Output<number>;
    readonly name: string;
    readonly masterSecretArn: pulumi.Output<string>;
    readonly consumerSecretArns: Readonly<Record<string, pulumi.Output<string>>>;
  };
  readonly redis: { readonly primaryEndpoint: pulumi.Output<string>; readonly readerEndpoint: pulumi.Output<string>; readonly port: pulumi.Output<number>; readonly authSecretArn: pulumi.Output<string> };
  readonly buckets: { readonly marketData: pulumi.Output<string>; readonly accessLogs: pulumi.Output<string> };
  readonly clusterName: pulumi.Output<string>;
  readonly clusterEndpoint: pulumi.Output<string>;
  readonly oidcProviderArn: pulumi.Output<string>;
  /** Secret. */
  readonly kubeconfig: pulumi.Output<string>;
  /** Node pools by name: their labels and taints (for nodeSelectors and tolerations). */
  readonly nodePools: Readonly<Record<string, { readonly labels: Readonly<Record<string, string>>; readonly taints: readonly { key: string; value?: string; effect: string }[] }>>;
  /** Logging: in-cluster addresses only (TLS with ECK's self-signed CA). */
  readonly logging: { readonly kibanaUrl: string; readonly elasticsearchService: string };
  readonly grafanaUrl: string;
  readonly grafanaAdminSecret: string;
  readonly backupVaultName: pulumi.Output<string>;
  readonly backupVaultArn: pulumi.Output<string>;
  /** null when Velero is disabled. */
  readonly veleroBucket: pulumi.Output<string> | null;
  readonly albDnsName: pulumi.Output<string>;
  readonly targetGroupArn: pulumi.Output<string>;
  readonly tradingApi: { readonly namespace: pulumi.Output<string>; readonly service: pulumi.Output<string>; readonly roleArn: pulumi.Output<string> };
  /** TimescaleDB (CloudNativePG): in-cluster endpoints, databases, connection secrets, backup bucket. */
  readonly timeseries: {
    readonly namespace: string;
    readonly poolerEndpoint: string;
    readonly rwEndpoint: string;
    readonly roEndpoint: string;
    readonly port: number;
    readonly databases: Readonly<Record<string, string>>;
    readonly consumerSecretArns: Readonly<Record<string, pulumi.Output<string>>>;
    readonly backupBucket: pulumi.Output<string>;
    /** The CA clients verify the server with: its ClusterIssuer, the bundle Secret and key in a client namespace, and where the connection secrets expect it mounted. */
    readonly tls: { readonly issuer: string; readonly caSecret: string; readonly caKey: string; readonly sslrootcert: string };
  };
  /** Processing layer: where app teams submit Spark and Flink jobs, and with which identity. */
  readonly processing: {
    readonly spark: {
      readonly jobNamespace: string;
      readonly operatorNamespace: string;
      readonly serviceAccount: string;
      readonly roleArn: pulumi.Output<string>;
      readonly eventLogBucket: pulumi.Output<string>;
      readonly historyServerUrl: pulumi.Output<string>;
    };
    readonly flink: {
      readonly jobNamespace: string;
      readonly operatorNamespace: string;
      readonly serviceAccount: string;
      readonly roleArn: pulumi.Output<string>;
      readonly stateBucket: pulumi.Output<string>;
    };
    readonly placement: { readonly nodeSelector: Readonly<Record<string, string>>; readonly tolerations: readonly { key: string; operator: string; value?: string; effect: string }[] };
  };
  /** AI layer: where models are served from and pipelines run; null when entasis:ai.enabled is false. */
  readonly ai: {
    readonly modelBucket: pulumi.Output<string>;
    readonly artifactBucket: pulumi.Output<string>;
    readonly serving: { readonly namespace: string; readonly serviceAccount: string; readonly runtime: string; readonly urlPattern: string };
    readonly pipelines: { readonly namespace: string; readonly workflowServiceAccount: string; readonly serverServiceAccount: string; readonly serverPortForward: string };
  } | null;
  readonly websocket: { readonly path: string; readonly targetGroupArn: pulumi.Output<string>; readonly idleTimeoutSeconds: number };
  /** null when entasis:configStore.enabled is false. */
  readonly configStore: {
    readonly prefixes: Readonly<Record<string, string>>;
    readonly kmsKeyArn: pulumi.Output<string>;
    readonly readPolicyArns: Readonly<Record<string, pulumi.Output<string>>>;
  } | null;
  /** null when entasis:messaging.enabled is false. */
  readonly messaging: {
    readonly amqpsEndpoint: pulumi.Output<string>;
    readonly managementUrl: pulumi.Output<string>;
    readonly port: number;
    readonly adminSecretArn: pulumi.Output<string>;
    readonly userSecretArns: Readonly<Record<string, pulumi.Output<string>>>;
  } | null;
  /** null when entasis:collectors is off or has no feed. */
  readonly collectors: {
    readonly namespace: string;
    /** The NAT gateways' EIPs: the addresses the exchanges and feeds see, for their allow-lists. */
    readonly egressIps: pulumi.Output<string>[];
    readonly feeds: Readonly<
      Record<
        string,
        {
          readonly deployment: string;
          readonly serviceAccount: string;
          readonly roleArn: pulumi.Output<string>;
          readonly image: string;
          readonly metricsPort: number;
          /** null when the configuration store is off. */
          readonly configPath: string | null;
          /** secretArn null when the broker is off. */
          readonly broker: { readonly vhost: string; readonly exchange: string; readonly queue: string; readonly user: string; readonly secretArn: pulumi.Output<string> | null };
          readonly timeseries: { readonly database: string; readonly schema: string; readonly user: string; readonly secretArn: pulumi.Output<string> | null };
        }
      >
    >;
  } | null;
}


export function platformOutputs(p: Platform): PlatformOutputs {
  return {
    environment: p.config.environment,
    region: p.config.region,
    vpcId: p.network.vpcId,
    vpcCidr: p.config.network.cidr,
    availabilityZones: p.config.network.availabilityZones,
    publicSubnetIds: p.network.publicSubnetIds,
    privateSubnetIds: p.network.privateSubnetIds,
    databaseSubnetIds: p.network.databaseSubnetIds,
    natGatewayIds: Object.values(p.network.natGateways).map((n) => n.id),
    egressIps: p.config.network.availabilityZones.filter((az) => az in p.network.natEips).map((az) => p.network.natEips[az].publicIp),
    failover: failoverOutput(p),
    securityGroupIds: p.securityGroups.ids,
    dbSubnetGroupName: p.network.dbSubnetGroup.name,
    cacheSubnetGroupName: p.network.cacheSubnetGroup.name,
    bastionInstanceId: p.bastion?.instance.id ?? null,
    database: {
      writerEndpoint: p.data.postgres.address,
      readerEndpoint: p.data.postgres.readerAddress,
      replicaEndpoints: Object.fromEntries(Object.entries(p.data.postgres.replicas).map(([k, r]) => [k, r.address])),
      proxyEndpoint: p.data.proxy?.endpoint ?? null,
      port: p.data.postgres.port,
      name: p.config.data.postgres.databaseName,
      masterSecretArn: p.data.postgres.masterSecret.arn,
      consumerSecretArns: p.data.connectionSecrets.arns,
    },
    redis: { primaryEndpoint: p.data.redis.primaryEndpoint, readerEndpoint: p.data.redis.readerEndpoint, port: p.data.redis.port, authSecretArn: p.data.redis.authSecret.arn },
    buckets: { marketData: p.data.objectStorage.marketDataBucketName, accessLogs: p.data.objectStorage.accessLogsBucketName },
    clusterName: p.cluster.clusterName,
    clusterEndpoint: p.cluster.endpoint,
    oidcProviderArn: p.cluster.oidcProviderArn,
    kubeconfig: p.cluster.kubeconfig,
    nodePools: Object.fromEntries(Object.entries(p.cluster.nodePools).map(([n, pool]) => [n, { labels: pool.labels, taints: pool.taints }])),
    logging: { kibanaUrl: p.logging.kibanaUrl, elasticsearchService: p.logging.elasticsearchService },
    grafanaUrl: p.monitoring.grafanaUrl,
    grafanaAdminSecret: GRAFANA_ADMIN_SECRET,
    backupVaultName: p.backup.vaultName,
    backupVaultArn: p.backup.vaultArn,
    veleroBucket: p.clusterBackup?.bucketName ?? null,
    albDnsName: p.edge.loadBalancer.dnsName,
    targetGroupArn: p.edge.loadBalancer.targetGroup.arn,
    tradingApi: { namespace: p.edge.tradingApi.namespaceName, service: p.edge.tradingApi.serviceName, roleArn: p.edge.tradingApi.role.arn },
    timeseries: {
      namespace: p.config.timeseries.namespace,
      poolerEndpoint: p.timeseries.database.endpoints.pooler,
      rwEndpoint: p.timeseries.database.endpoints.rw,
      roEndpoint: p.timeseries.database.endpoints.ro,
      port: p.timeseries.database.endpoints.port,
      databases: Object.fromEntries(Object.entries(p.config.timeseries.consumers).map(([k, c]) => [k, c.database])),
      consumerSecretArns: p.timeseries.database.consumers.arns,
      backupBucket: p.timeseries.backupStore.bucketName,
      tls: { issuer: TIMESERIES_TLS_NAMES.issuer, caSecret: TIMESERIES_TLS_NAMES.caBundle, caKey: TIMESERIES_CA_MOUNT.key, sslrootcert: TIMESERIES_CA_MOUNT.path },
    },
    ai: !p.ai ? null : {
      modelBucket: p.ai.store.modelBucketName,
      artifactBucket: p.ai.store.artifactBucketName,
      serving: { namespace: p.config.ai.serving.namespace, serviceAccount: INFERENCE_SERVICE_ACCOUNT, runtime: p.ai.serving.runtimeName, urlPattern: p.ai.serving.urlPattern },
      pipelines: {
        namespace: p.config.ai.pipelines.namespace,
        workflowServiceAccount: WORKFLOW_SERVICE_ACCOUNT,
        serverServiceAccount: SERVER_SERVICE_ACCOUNT,
        serverPortForward: `kubectl -n ${p.config.ai.pipelines.namespace} port-forward svc/${ARGO_SERVER_SERVICE} ${ARGO_SERVER_PORT}`,
      },
    },
    websocket: { path: p.config.edge.websocket.path, targetGroupArn: p.edge.loadBalancer.wsTargetGroup.arn, idleTimeoutSeconds: p.config.edge.idleTimeoutSeconds },
    configStore: p.configStore
      ? {
          prefixes: p.configStore.prefixes,
          kmsKeyArn: p.configStore.key.arn,
          readPolicyArns: Object.fromEntries(Object.entries(p.configStore.readPolicies).map(([app, policy]) => [app, policy.arn])),
        }
      : null,
    messaging: p.messaging
      ? {
          amqpsEndpoint: p.messaging.broker.amqpsEndpoint,
          managementUrl: p.messaging.broker.managementUrl,
          port: AMQPS_PORT,
          adminSecretArn: p.messaging.broker.adminSecret.arn,
          userSecretArns: Object.fromEntries(Object.entries(p.messaging.broker.userSecrets).map(([app, sec]) => [app, sec.arn])),
        }
      : null,
    processing: processingOutputs(p),
    collectors: collectorsOutput(p),
  };
}

function processingOutputs(p: Platform): PlatformOutputs["processing"] {
  const cfg = p.config.processing;
  const { spark, flink } = p.processing;
  return {
    spark: {
      jobNamespace: cfg.spark.jobNamespace,
      operatorNamespace: cfg.spark.operatorNamespace,
      serviceAccount: SPARK_JOB_SERVICE_ACCOUNT,
      roleArn: spark.jobRole.arn,
      eventLogBucket: spark.eventLogBucketName,
      historyServerUrl: spark.historyServer.url,
    },
    flink: { jobNamespace: cfg.flink.jobNamespace, operatorNamespace: cfg.flink.operatorNamespace, serviceAccount: FLINK_JOB_SERVICE_ACCOUNT, roleArn: flink.jobRole.arn, stateBucket: flink.stateBucketName },
    placement: { nodeSelector: spark.placement.nodeSelector, tolerations: spark.placement.tolerations },
  };
}
