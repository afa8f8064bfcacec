import type { Cluster } from "../components/cluster/cluster";
import type { BackupPolicy } from "../components/backup/backupPolicy";
import type { ClusterBackup } from "../components/backup/clusterBackup";
import type { Bastion } from "../components/network/bastion";
import type { Network } from "../components/network/network";
import type { Logging } from "../components/observability/logging";
import type { SecurityGroups } from "../components/network/securityGroups";
import type { Monitoring } from "../components/observability/monitoring";
import type { CertManager } from "../components/certmanager/certManager";
import type { StackConfig } from "./config";
import type { DataTier } from "./data";
import type { SleepSchedule } from "../components/schedule/sleepSchedule";
import type { DatabaseRoles } from "../components/data/databaseRoles";
import type { EdgeTier } from "./edge";
import type { RunnerLink } from "./runner";
import type { RunnerPeering } from "../components/deploy/runnerPeering";
import type { PreviewAccess } from "../components/deploy/previewAccess";
import type { TimeseriesTier } from "./timeseries";
import type { ProcessingTier } from "./processing";
import type { AiTier } from "./ai";
import type { DisasterRecovery } from "../components/backup/disasterRecovery";
import type { MessagingTier } from "./messaging";
import type { ConfigStore } from "../components/config/configStore";
import type { LoadTest } from "../components/loadtest/loadTest";
import type { Collectors } from "../components/collectors/collectors";
import type { MeshTier } from "./mesh";
import type { MeshNamespace } from "../components/mesh/meshNamespace";
import type { AuditTrail } from "../components/security/auditTrail";
import type { FailoverDns } from "../components/edge/failoverDns";
import type { ReplicationSources } from "./failover";

/** Everything the stack built, for outputs and for the areas that build on each other. */
export interface Platform {
  readonly config: StackConfig;
  readonly network: Network;
  readonly securityGroups: SecurityGroups;
  readonly bastion?: Bastion;
  readonly data: DataTier;
  readonly cluster: Cluster;
  /**
   * The consumers' PostgreSQL roles, created by a Job in the cluster before any workload connects;
   * absent on a failover standby that is not promoted (its read-only replica has the primary's roles).
   */
  readonly databaseRoles?: DatabaseRoles;
  readonly logging: Logging;
  readonly monitoring: Monitoring;
  /** cert-manager: webhook certificates for the operators that need them. */
  readonly certManager: CertManager;
  readonly backup: BackupPolicy;
  /** Velero; absent when entasis:backup.velero.enabled is false. */
  readonly clusterBackup?: ClusterBackup;
  /** Cross-region copies; absent when entasis:backup.drRegion is unset (dev). */
  readonly disasterRecovery?: DisasterRecovery;
  readonly edge: EdgeTier;
  /** The in-VPC runners' path to the cluster; absent when the API endpoint is public and no bootstrap stack is set. */
  readonly runner?: { readonly link: RunnerLink; readonly peering: RunnerPeering; readonly previewAccess: PreviewAccess };
  /** TimescaleDB on CloudNativePG: market data and candles. */
  readonly timeseries: TimeseriesTier;
  /** Spark (batch) and Flink (streams) on the data-processing pool. */
  readonly processing: ProcessingTier;
  /** Model serving, GPU observability and training pipelines on the ai-inference pool; absent when entasis:ai.enabled is false. */
  readonly ai?: AiTier;
  /** Amazon MQ for RabbitMQ; absent when entasis:messaging.enabled is false. */
  readonly messaging?: MessagingTier;
  /** SSM Parameter Store configuration; absent when entasis:configStore.enabled is false. */
  readonly configStore?: ConfigStore;
  /** Locust against trading-api through the ALB; absent when entasis:loadTest.enabled is false. */
  readonly loadTest?: LoadTest;
  /** The spec's data-collection layer; absent when entasis:collectors is off or has no feed. */
  readonly collectors?: Collectors;
  /** Istio ambient; absent when entasis:mesh.enabled is false. */
  readonly mesh?: MeshTier;
  /** Per enrolled namespace: peer authentication, authorization policies, HBONE policy. */
  readonly meshNamespaces: Readonly<Record<string, MeshNamespace>>;
  /** CloudTrail and GuardDuty; absent unless entasis:audit.provider is `platform`. */
  readonly audit?: AuditTrail;
  /** Node pools to zero and PostgreSQL stopped outside working hours; absent unless entasis:sleep is set. */
  readonly sleep?: SleepSchedule;
  /** This stack's side of the Route 53 failover records; absent unless entasis:failover is set. */
  readonly failoverDns?: FailoverDns;
  /** A standby's replication sources, read from the primary stack's outputs; absent otherwise. */
  readonly replicationSources?: ReplicationSources;
}

