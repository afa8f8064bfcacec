// Generated from PlatformOutputs in entasis-infra's stacks/outputs.ts by `npm run contract:update`; do not edit.
// The Entasis platform's stack outputs as a StackReference returns them (docs/outputs.md explains each).
// No imports: an app team copies this file into its own repository (examples/app-team/README.md).

export interface PlatformOutputs {
  readonly environment: string;
  readonly region: string;
  readonly vpcId: string;
  readonly vpcCidr: string;
  readonly availabilityZones: readonly string[];
  readonly publicSubnetIds: string[];
  readonly privateSubnetIds: string[];
  readonly databaseSubnetIds: string[];
  readonly natGatewayIds: string[];
  readonly egressIps: string[];
  /** null unless entasis:failover is set (docs/failover.md). */
  readonly failover: {
    readonly role: string;
    readonly promoted: boolean | null;
    readonly apiHost: string;
    readonly websocketHost: string;
    readonly healthCheckId: string | null;
    readonly replicationSources: {
      readonly postgresArn: string;
      readonly timeseriesArchive: { readonly bucket: string; readonly bucketArn: string; readonly keyArn: string; readonly region: string; readonly serverName: string };
      readonly bucketCopies: Readonly<Record<string, { readonly bucket: string; readonly bucketArn: string; readonly keyArn: string }>>;
    } | null;
  } | null;
  readonly securityGroupIds: Readonly<Record<string, string>>;
  readonly dbSubnetGroupName: string;
  readonly cacheSubnetGroupName: string;
  /** null when the bastion is disabled: an output never disappears with a config switch. */
  readonly bastionInstanceId: string | null;
  /** Data tier: endpoints, bucket names and secret ARNs only; credentials stay in Secrets Manager. */
  readonly database: {
    readonly writerEndpoint: string;
    readonly readerEndpoint: string;
    readonly replicaEndpoints: Readonly<Record<string, string>>;
    /** null when RDS Proxy is off (dev). */
    readonly proxyEndpoint: string | null;
    readonly port: number;
    readonly name: string;
    readonly masterSecretArn: string;
    readonly consumerSecretArns: Readonly<Record<string, string>>;
  };
  readonly redis: { readonly primaryEndpoint: string; readonly readerEndpoint: string; readonly port: number; readonly authSecretArn: string };
  readonly buckets: { readonly marketData: string; readonly accessLogs: string };
  readonly clusterName: string;
  readonly clusterEndpoint: string;
  readonly oidcProviderArn: string;
  /** Secret. */
  readonly kubeconfig: string;
  /** Node pools by name: their labels and taints (for nodeSelectors and tolerations). */
  readonly nodePools: Readonly<Record<string, { readonly labels: Readonly<Record<string, string>>; readonly taints: readonly { key: string; value?: string; effect: string }[] }>>;
  /** Logging: in-cluster addresses only (TLS with ECK's self-signed CA). */
  readonly logging: { readonly kibanaUrl: string; readonly elasticsearchService: string };
  readonly grafanaUrl: string;
  readonly grafanaAdminSecret: string;
  readonly backupVaultName: string;
  readonly backupVaultArn: string;
  /** null when Velero is disabled. */
  readonly veleroBucket: string | null;
  readonly albDnsName: string;
  readonly targetGroupArn: string;
  readonly tradingApi: { readonly namespace: string; readonly service: string; readonly roleArn: string };
  /** TimescaleDB (CloudNativePG): in-cluster endpoints, databases, connection secrets, backup bucket. */
  readonly timeseries: {
    readonly namespace: string;
    readonly poolerEndpoint: string;
    readonly rwEndpoint: string;
    readonly roEndpoint: string;
    readonly port: number;
    readonly databases: Readonly<Record<string, string>>;
    readonly consumerSecretArns: Readonly<Record<string, string>>;
    readonly backupBucket: string;
    /** The CA clients verify the server with: its ClusterIssuer, the bundle Secret and key in a client namespace, and where the connection secrets expect it mounted. */
    readonly tls: { readonly issuer: string; readonly caSecret: string; readonly caKey: string; readonly sslrootcert: string };
  };
  /** Processing layer: where app teams submit Spark and Flink jobs, and with which identity. */
  readonly processing: {
    readonly spark: {
      readonly jobNamespace: string;
      readonly operatorNamespace: string;
      readonly serviceAccount: string;
      readonly roleArn: string;
      readonly eventLogBucket: string;
      readonly historyServerUrl: string;
    };
    readonly flink: {
      readonly jobNamespace: string;
      readonly operatorNamespace: string;
      readonly serviceAccount: string;
      readonly roleArn: string;
      readonly stateBucket: string;
    };
    readonly placement: { readonly nodeSelector: Readonly<Record<string, string>>; readonly tolerations: readonly { key: string; operator: string; value?: string; effect: string }[] };
  };
  /** AI layer: where models are served from and pipelines run; null when entasis:ai.enabled is false. */
  readonly ai: {
    readonly modelBucket: string;
    readonly artifactBucket: string;
    readonly serving: { readonly namespace: string; readonly serviceAccount: string; readonly runtime: string; readonly urlPattern: string };
    readonly pipelines: { readonly namespace: string; readonly workflowServiceAccount: string; readonly serverServiceAccount: string; readonly serverPortForward: string };
  } | null;
  readonly websocket: { readonly path: string; readonly targetGroupArn: string; readonly idleTimeoutSeconds: number };
  /** null when entasis:configStore.enabled is false. */
  readonly configStore: {
    readonly prefixes: Readonly<Record<string, string>>;
    readonly kmsKeyArn: string;
    readonly readPolicyArns: Readonly<Record<string, string>>;
  } | null;
  /** null when entasis:messaging.enabled is false. */
  readonly messaging: {
    readonly amqpsEndpoint: string;
    readonly managementUrl: string;
    readonly port: number;
    readonly adminSecretArn: string;
    readonly userSecretArns: Readonly<Record<string, string>>;
  } | null;
  /** null when entasis:collectors is off or has no feed. */
  readonly collectors: {
    readonly namespace: string;
    /** The NAT gateways' EIPs: the addresses the exchanges and feeds see, for their allow-lists. */
    readonly egressIps: string[];
    readonly feeds: Readonly<
      Record<
        string,
        {
          readonly deployment: string;
          readonly serviceAccount: string;
          readonly roleArn: string;
          readonly image: string;
          readonly metricsPort: number;
          /** null when the configuration store is off. */
          readonly configPath: string | null;
          /** secretArn null when the broker is off. */
          readonly broker: { readonly vhost: string; readonly exchange: string; readonly queue: string; readonly user: string; readonly secretArn: string | null };
          readonly timeseries: { readonly database: string; readonly schema: string; readonly user: string; readonly secretArn: string | null };
        }
      >
    >;
  } | null;
}

/** Names of the platform's outputs. */
export type PlatformOutputName = keyof PlatformOutputs;
