/** Requests of one container; the memory request is also its limit (no overcommit for the JVM). */
export interface ContainerResources {
  /** CPU request in millicores. */
  readonly cpuMillis: number;
  /** Memory request and limit in MiB. */
  readonly memoryMiB: number;
}

/** The logging stack's settings (`entasis:logging`, validated by stacks/schema/logging.ts). */
export interface LoggingSettings {
  /** Elastic Stack version of Elasticsearch, Kibana and Filebeat. Default 9.5.4. */
  readonly stackVersion: string;
  /** Days a log document is kept (ILM delete phase). Default 7 (dev) / 30 (prod). */
  readonly retentionDays: number;
  readonly elasticsearch: {
    /** master+data nodes. Default 1 (dev) / 3 (prod, one per zone). */
    readonly nodes: number;
    /** gp3 volume per node, GiB. Default 20 (dev) / 200 (prod). */
    readonly storageGiB: number;
    /** JVM heap (-Xms = -Xmx), MiB. Default 512 (dev) / 4096 (prod). */
    readonly heapMiB: number;
    /** Default 250m/1536Mi (dev) / 1000m/8192Mi (prod). */
    readonly resources: ContainerResources;
    /** Reclaim policy of the data volumes' StorageClass. Default Delete (dev) / Retain (prod). */
    readonly reclaimPolicy: "Delete" | "Retain";
  };
  readonly kibana: {
    /** Default 1 (dev) / 2 (prod). */
    readonly replicas: number;
    /** Default 100m/1024Mi (dev) / 500m/2048Mi (prod). */
    readonly resources: ContainerResources;
  };
  readonly filebeat: {
    /** Per node. Default 50m/200Mi (dev) / 100m/400Mi (prod). */
    readonly resources: ContainerResources;
  };
}
