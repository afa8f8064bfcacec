import type { PlatformOutputs } from "./outputs";

/** How an output is documented for app teams (docs/outputs.md is generated from this). */
export interface OutputDoc {
  /** TypeScript-like type of the value. */
  readonly type: string;
  /** Whether the value is a secret (encrypted in state, masked in the CLI). */
  readonly secret: boolean;
  readonly description: string;
}

/**
 * Documentation of every output. `satisfies` makes the compiler reject an output without a
 * description, and a description of an output that does not exist.
 */
export const OUTPUT_DOCS = {
  environment: { type: "string", secret: false, description: "Environment name (`dev` or `prod`)." },
  region: { type: "string", secret: false, description: "AWS region of every resource in the stack." },
  vpcId: { type: "string", secret: false, description: "ID of the platform VPC." },
  vpcCidr: { type: "string", secret: false, description: "IPv4 CIDR of the VPC." },
  availabilityZones: { type: "string[]", secret: false, description: "AZs in use, in the order of every per-AZ list below." },
  publicSubnetIds: { type: "string[]", secret: false, description: "Public subnets (load balancers, NAT), one per AZ." },
  privateSubnetIds: { type: "string[]", secret: false, description: "Private subnets (EKS nodes and pods), one per AZ." },
  databaseSubnetIds: { type: "string[]", secret: false, description: "Isolated database subnets (no internet route), one per AZ." },
  natGatewayIds: { type: "string[]", secret: false, description: "NAT gateways (one in dev, one per AZ in prod)." },
  egressIps: {
    type: "string[]",
    secret: false,
    description:
      "Public IPv4 addresses all outbound traffic of the private subnets (every node pool: collectors, exchange and data-feed API calls) leaves from: the NAT gateways' Elastic IPs in AZ order (one in dev, one per AZ in prod). Register every one of them in exchange API allow-lists (docs/egress-allowlist.md). They are protected in prod and keyed by AZ, so they never change unless an AZ is deliberately removed.",
  },
  failover: {
    type: "{ role: string; promoted: boolean | null; apiHost, websocketHost: string; healthCheckId: string | null; replicationSources: { postgresArn: string; timeseriesArchive: { bucket, bucketArn, keyArn, region, serverName: string }; bucketCopies: Record<string, { bucket, bucketArn, keyArn: string }> } | null } | null",
    secret: false,
    description:
      "This stack's half of the multi-region pair (docs/failover.md): `role` primary or standby, whether a standby is `promoted`, the public names served through Route 53 failover records, the primary's Route 53 `healthCheckId`, and on the primary the `replicationSources` its standby reads through a StackReference (the RDS primary's ARN, the DR-region copy of the TimescaleDB WAL archive with its key, the DR-region bucket copies with their keys, which the standby's jobs may read). null when entasis:failover is unset.",
  },
  securityGroupIds: { type: "{ frontend, application, database, monitoring: string }", secret: false, description: "Security groups of the spec by role." },
  dbSubnetGroupName: { type: "string", secret: false, description: "RDS DB subnet group on the database subnets." },
  cacheSubnetGroupName: { type: "string", secret: false, description: "ElastiCache subnet group on the database subnets." },
  bastionInstanceId: { type: "string | null", secret: false, description: "Instance ID of the SSM-only bastion (`aws ssm start-session --target <id>`); null when disabled." },
  database: {
    type: "{ writerEndpoint, readerEndpoint: string; replicaEndpoints: Record<string, string>; proxyEndpoint: string | null; port: number; name: string; masterSecretArn: string; consumerSecretArns: Record<string, string> }",
    secret: false,
    description:
      "PostgreSQL: writer (primary), reader (first replica, or the primary when there is none), replicas by name, RDS Proxy (prod; IAM auth, TLS required). Credentials are only in Secrets Manager: one connection secret per consumer (`consumerSecretArns`), the master secret for operators.",
  },
  redis: { type: "{ primaryEndpoint, readerEndpoint: string; port: number; authSecretArn: string }", secret: false, description: "Redis (TLS required): primary and reader endpoints; the AUTH token is in the secret `authSecretArn`. A cache that evicts any key, least recently used first, when memory is full (`maxmemory-policy allkeys-lru`, `entasis:data.redis.maxmemoryPolicy`): give every key a TTL (the spec's 300 s, `entasis:data.redis.defaultTtlSeconds`), treat a miss as normal, and keep nothing here that must not be lost (queues belong in the broker)." },
  clusterName: { type: "string", secret: false, description: "EKS cluster name (`aws eks update-kubeconfig --name <clusterName>`)." },
  clusterEndpoint: { type: "string", secret: false, description: "EKS API endpoint (private; reach it from the VPC or through the bastion unless public CIDRs are configured)." },
  oidcProviderArn: { type: "string", secret: false, description: "IAM OIDC provider of the cluster, for IRSA roles of app teams' service accounts." },
  kubeconfig: { type: "string", secret: true, description: "Kubeconfig (JSON) that authenticates with `aws eks get-token`; secret." },
  nodePools: {
    type: "Record<string, { labels: Record<string, string>; taints: { key, value?, effect }[] }>",
    secret: false,
    description: "Node pools by name with their labels and taints, for nodeSelectors and tolerations (`role: general | ai-inference | data-processing`).",
  },
  logging: {
    type: "{ kibanaUrl, elasticsearchService: string }",
    secret: false,
    description:
      "Logging (ECK): in-cluster Kibana URL and Elasticsearch HTTP service (`https://<service>:9200`; CA in Secret `logs-es-http-certs-public`, admin password in `logs-es-elastic-user`, namespace `logging`). Reach Kibana with `kubectl port-forward -n logging svc/logs-kb-http 5601`.",
  },
  grafanaUrl: {
    type: "string",
    secret: false,
    description: "Grafana's in-cluster URL; from a workstation: `kubectl -n monitoring port-forward svc/kube-prometheus-stack-grafana 3000:80`, then http://localhost:3000.",
  },
  grafanaAdminSecret: { type: "string", secret: false, description: "Kubernetes Secret (namespace `monitoring`) with Grafana's `admin-user` and `admin-password`." },
  buckets: { type: "{ marketData, accessLogs: string }", secret: false, description: "S3 bucket names: raw market data (SSE-KMS) and load-balancer access logs (SSE-S3)." },
  backupVaultName: { type: "string", secret: false, description: "AWS Backup vault (KMS-encrypted; locked in prod) holding the hourly, daily, weekly and monthly recovery points of every resource tagged `backup=true`." },
  backupVaultArn: { type: "string", secret: false, description: "ARN of the AWS Backup vault." },
  veleroBucket: { type: "string | null", secret: false, description: "S3 bucket of Velero's cluster backups (SSE-KMS, versioned); null when Velero is disabled." },
  albDnsName: { type: "string", secret: false, description: "DNS name of the ALB in front of trading-api: internet-facing, or internal (private addresses) when entasis:edge.scheme is internal, as in dev (point your domain's alias record at it)." },
  targetGroupArn: { type: "string", secret: false, description: "ALB target group of trading-api pod IPs (registered by the AWS Load Balancer Controller through a TargetGroupBinding)." },
  tradingApi: { type: "{ namespace, service, roleArn: string }", secret: false, description: "trading-api's Kubernetes namespace and Service, and the IAM role of its service account (IRSA)." },
  timeseries: {
    type: "{ namespace, poolerEndpoint, rwEndpoint, roEndpoint: string; port: number; databases: Record<string, string>; consumerSecretArns: Record<string, string>; backupBucket: string; tls: { issuer, caSecret, caKey, sslrootcert: string } }",
    secret: false,
    description:
      "TimescaleDB on CloudNativePG, in-cluster only (TLS verify-full): PgBouncer (`poolerEndpoint`, transaction pooling, the default), the primary (`rwEndpoint`) and hot standbys (`roEndpoint`); each application's database by consumer name and its Secrets Manager secret (host, port, dbname, username, password, sslmode `verify-full`, sslrootcert, sslrootcertSecret). Pods connect from the namespaces listed in `entasis:timeseries.clientNamespaces` and verify the server against the platform's time-series CA: mount key `tls.caKey` of Secret `tls.caSecret` in your namespace at `tls.sslrootcert` (the platform creates that Secret in the namespaces it creates; in your own namespace create a cert-manager Certificate named and with secretName `tls.caSecret` from ClusterIssuer `tls.issuer`, docs/timeseries-tls.md). `backupBucket` holds the WAL archive and base backups (restore: docs/timeseries-restore.md).",
  },
  processing: {
    type: "{ spark: { jobNamespace, operatorNamespace, serviceAccount, roleArn, eventLogBucket, historyServerUrl: string }; flink: { jobNamespace, operatorNamespace, serviceAccount, roleArn, stateBucket: string }; placement: { nodeSelector: Record<string, string>; tolerations: { key, operator, value?, effect }[] } }",
    secret: false,
    description:
      "Spark and Flink on the data-processing pool. Submit a job: copy the platform's example (`kubectl -n <jobNamespace> get scheduledsparkapplication candle-backfill -o yaml` or flinkdeployment trades-to-candles when enabled; see docs/processing.md), keep `serviceAccount` (IRSA: read market data, write `candles/` (Spark) or `candles-1m/` (Flink), event logs or state) and `placement` (Spark: spec.driver/executor nodeSelector and tolerations; Flink: set by the operator), size within the namespace quota, then `kubectl apply -n <jobNamespace>`. Pods without the placement are rejected at admission. Spark UI: `kubectl -n <operatorNamespace> port-forward svc/spark-history-server 18080`. Flink jobs default to upgradeMode savepoint with checkpoints and savepoints in `stateBucket`.",
  },
  ai: {
    type: "{ modelBucket, artifactBucket: string; serving: { namespace, serviceAccount, runtime, urlPattern: string }; pipelines: { namespace, workflowServiceAccount, serverServiceAccount, serverPortForward: string } } | null",
    secret: false,
    description:
      "AI layer. Buckets (SSE-KMS): models KServe loads (`s3://<modelBucket>/...`) and Argo artifacts/logs. Serving: namespace of InferenceServices, the service account that reads the model bucket (IRSA), the Triton ServingRuntime name, and the in-cluster URL pattern (`<name>` = InferenceService name; v2 REST on port 80). Pipelines: Argo Workflows namespace, the workflow pods' service account (artifacts and model publishing), and how to reach the server (ClusterIP only; `client` auth with your Kubernetes token). null when the AI layer is off (`entasis:ai.enabled: false`).",
  },
  websocket: {
    type: "{ path: string; targetGroupArn: string; idleTimeoutSeconds: number }",
    secret: false,
    description:
      "trading-api's WebSocket API on the same ALB: `wss://<your domain><path>` (and `<path>/*`) goes to its own target group (round robin; open streams drain for entasis:edge.websocket.deregistrationDelaySeconds when a pod stops, then clients must reconnect). The ALB closes a connection idle for `idleTimeoutSeconds`: clients ping more often than that.",
  },
  configStore: {
    type: "{ prefixes: Record<string, string>; kmsKeyArn: string; readPolicyArns: Record<string, string> } | null",
    secret: false,
    description:
      "The spec's etcd configuration in SSM Parameter Store: `prefixes[app]` is the application's `/config/` root (`/entasis/<env>/config/<app>`, keys `database/url` (SecureString), `redis/enabled`, `rabbitmq/url`, `circuit_breakers/rabbitmq/timeout`, ...); read it with GetParametersByPath (recursive, WithDecryption) after attaching `readPolicyArns[app]` to the app's IRSA role. No watch: re-read on a timer (e.g. every 60 s) or on EventBridge Parameter Store change events. null when disabled.",
  },
  messaging: {
    type: "{ amqpsEndpoint, managementUrl: string; port: number; adminSecretArn: string; userSecretArns: Record<string, string> } | null",
    secret: false,
    description:
      "Amazon MQ for RabbitMQ (private, TLS only: `amqps://` on 5671; single instance in dev, three-node cluster across AZs in prod). Each application connects as its own user: `userSecretArns[app]` is a Secrets Manager secret with host, port, vhost, username, password and url (read it with the app's IRSA role). Declare quorum queues (`x-queue-type: quorum`, the default for queues declared without a type on RabbitMQ 4.2): they replicate across the cluster's nodes and survive a node or AZ loss, classic queues do not; Amazon MQ does not support streams. The management UI (`managementUrl`, port 443) is reachable only from the VPC; the administrator secret is for operators. null when disabled.",
  },
  collectors: {
    type: "{ namespace: string; egressIps: string[]; feeds: Record<string, { deployment, serviceAccount, roleArn, image: string; metricsPort: number; configPath: string | null; broker: { vhost, exchange, queue, user: string; secretArn: string | null }; timeseries: { database, schema, user: string; secretArn: string | null } }> } | null",
    secret: false,
    description:
      "The data-collection layer (docs/collectors-and-mesh.md). Per feed: the Deployment and service account the platform runs your image as (its IRSA `roleArn` reads only this feed's `configPath` tree, its broker secret and its TimescaleDB secret), the broker objects it may use (`exchange`, `queue` on `vhost`, as `user`), and its TimescaleDB `schema` in `database` (it owns that schema and nothing else; connect through PgBouncer with the secret's credentials). Serve `/metrics` and `/healthz` on `metricsPort` with collector_messages_published_total, collector_last_publish_timestamp_seconds and collector_reconnects_total. Exchanges must allow-list `egressIps` (the NAT gateways' addresses). null when off.",
  },
} as const satisfies Record<keyof PlatformOutputs, OutputDoc>;
