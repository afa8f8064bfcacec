import { RULES } from "../policy/rules";
import { PolicyInput, evaluatePolicies } from "./support/policy";
import * as f from "./support/policyFixtures";
import { patch, replace, res } from "./support/policyFixtures";

/**
 * Every rule against hand-made resources: each violating case makes that rule, and only that rule,
 * fire; each compliant case passes every rule (so a rule that fires on everything is caught).
 */
interface Cases {
  /** Sets that pass every rule and include a resource this rule applies to. */
  readonly good: readonly (readonly PolicyInput[])[];
  /** Sets that violate this rule only. */
  readonly bad: readonly (readonly PolicyInput[])[];
  /** Sets of types the rule declares itself not applicable to. */
  readonly exempt?: readonly (readonly PolicyInput[])[];
}

const { TAGS } = f;
const at = (v: unknown, ...path: string[]): unknown => path.reduce<unknown>((o, k) => (typeof o === "object" && o !== null ? (o as Record<string, unknown>)[k] : undefined), v);
const dbSet = [f.password, f.pgParams, f.primaryDb, f.rdsBackupReplication];
const db = (changes: Record<string, unknown>): PolicyInput[] => replace(dbSet, patch(f.primaryDb, changes));
const cacheSet = [f.redisToken, f.redis];
const cache = (changes: Record<string, unknown>): PolicyInput[] => replace(cacheSet, patch(f.redis, changes));
const mqSet = [f.mqPassword, f.rabbitBroker];
const mq = (changes: Record<string, unknown>): PolicyInput[] => replace(mqSet, patch(f.rabbitBroker, changes));
const cluster = (vpcConfig: Record<string, unknown>): PolicyInput[] => [patch(f.cluster, { vpcConfig: { subnetIds: ["subnet-a"], endpointPrivateAccess: true, ...vpcConfig } })];
const edge = (r: PolicyInput): PolicyInput[] => replace(f.edgeSet, r);
const pod = (changes: Record<string, unknown>): PolicyInput[] => [f.deploymentWith({ ...f.podSpec, ...changes })];
const container = (changes: Record<string, unknown>): PolicyInput[] => pod({ containers: [f.containerWith(changes)] });
/** A root log shipper as the logging area builds it; `changes` patch its metadata, container or mounts. */
const rootShipper = (meta: { name?: string; namespace?: string } = {}, containerChanges: Record<string, unknown> = {}): PolicyInput[] => {
  const mounts = [{ name: "pods", mountPath: "/var/log/pods", readOnly: true }, { name: "data", mountPath: "/usr/share/filebeat/data" }];
  const shipper = f.containerWith({ name: "filebeat", securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } }, volumeMounts: mounts, ...containerChanges });
  return [
    patch(f.daemonSet, {
      metadata: { name: meta.name ?? "filebeat", namespace: meta.namespace ?? "node-agents" },
      spec: {
        selector: { matchLabels: { app: "filebeat" } },
        template: {
          metadata: { labels: { app: "filebeat" } },
          spec: {
            securityContext: { runAsUser: 0, runAsNonRoot: false },
            containers: [shipper],
            volumes: [{ name: "pods", hostPath: { path: "/var/log/pods" } }, { name: "data", hostPath: { path: "/var/lib/filebeat-data" } }],
          },
        },
      },
    }),
  ];
};
/** A Secrets Manager connection secret of a PostgreSQL database (verify-full unless `changes` say otherwise). */
const pgSecret = (changes: Record<string, unknown>): PolicyInput =>
  res("aws:secretsmanager/secretVersion:SecretVersion", "ts-connection", { secretId: "arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:ts", secretString: JSON.stringify({ engine: "postgres", host: "timeseries-pooler-rw.timeseries.svc.cluster.local", port: 5432, sslmode: "verify-full", ...changes }) });
const listener = (changes: Record<string, unknown>): PolicyInput[] => edge(patch(f.httpsListener, changes));
const worldIngress = (changes: Record<string, unknown>): PolicyInput[] => edge(patch(f.httpsIn, changes));

/** The Cluster of the CNPG fixture set with `spec` fields replaced. */
const cnpg = (specChanges: Record<string, unknown>): PolicyInput[] => {
  const spec = { ...(f.cnpgCluster.inputs.spec as Record<string, unknown>), ...specChanges };
  return replace(f.cnpgSet, patch(f.cnpgCluster, { spec }));
};
const cnpgPg = (pg: Record<string, unknown>): Record<string, unknown> => ({ postgresql: { ...((f.cnpgCluster.inputs.spec as Record<string, Record<string, unknown>>).postgresql), ...pg } });

const CASES: Record<string, Cases> = {
  "cnpg-cluster-ha": {
    good: [f.cnpgSet],
    exempt: [[f.cnpgScheduledBackup]],
    bad: [cnpg({ instances: 1 }), cnpg({ affinity: { podAntiAffinityType: "preferred", topologyKey: "topology.kubernetes.io/zone" } }), cnpg(cnpgPg({ synchronous: undefined }))],
  },
  "cnpg-cluster-tls-only": {
    good: [f.cnpgSet],
    exempt: [[f.cnpgScheduledBackup]],
    bad: [cnpg(cnpgPg({ pg_hba: ["hostssl all all all scram-sha-256"] })), cnpg(cnpgPg({ pg_hba: ["host all all all scram-sha-256", "hostnossl all all all reject"] }))],
  },
  "cnpg-cluster-backup": {
    good: [f.cnpgSet],
    bad: [[f.cnpgCluster], cnpg({ plugins: [] }), [f.cnpgCluster, patch(f.cnpgScheduledBackup, { metadata: { name: "other", namespace: "elsewhere" } })]],
  },
  "rds-storage-encrypted": { good: [dbSet, [f.replicaDb]], bad: [db({ storageEncrypted: undefined }), db({ storageEncrypted: false })] },
  "rds-not-publicly-accessible": { good: [dbSet], bad: [db({ publiclyAccessible: true })] },
  "rds-force-ssl": {
    good: [dbSet, [patch(f.pgParams, { family: "mysql8.0", parameters: [] })]],
    bad: [db({ parameterGroupName: undefined }), replace(dbSet, patch(f.pgParams, { parameters: [{ name: "rds.force_ssl", value: "0" }] })), replace(dbSet, patch(f.pgParams, { parameters: [] }))],
  },
  "rds-multi-az": { good: [dbSet, [f.replicaDb]], bad: [db({ multiAz: false }), db({ multiAz: undefined })] },
  "rds-deletion-protection": { good: [dbSet, [f.replicaDb]], bad: [db({ deletionProtection: undefined })] },
  "rds-automated-backups": { good: [dbSet, [f.replicaDb]], bad: [db({ backupRetentionPeriod: 1 }), db({ backupRetentionPeriod: undefined })] },
  "rds-auto-minor-version-upgrade": { good: [dbSet, db({ autoMinorVersionUpgrade: true })], bad: [db({ autoMinorVersionUpgrade: false })] },
  "rds-proxy-require-tls": { good: [[f.rdsProxy]], bad: [[patch(f.rdsProxy, { requireTls: false })], [patch(f.rdsProxy, { requireTls: undefined })]] },
  "mq-broker-not-public": {
    good: [mqSet],
    bad: [mq({ publiclyAccessible: true }), mq({ publiclyAccessible: undefined })],
  },
  "mq-broker-general-logs": { good: [mqSet], bad: [mq({ logs: { general: false } }), mq({ logs: undefined })] },
  "mq-broker-auto-minor-version-upgrade": { good: [mqSet], bad: [mq({ autoMinorVersionUpgrade: false })] },
  "mq-rabbitmq-cluster-deployment": {
    good: [mqSet, [f.mqPassword, f.activeBroker]],
    bad: [mq({ deploymentMode: "SINGLE_INSTANCE", subnetIds: ["subnet-a"] }), mq({ deploymentMode: undefined })],
  },
  "mq-broker-customer-managed-key": {
    // RabbitMQ is exempt (Amazon MQ rejects encryptionOptions for it); ActiveMQ must name a customer key.
    good: [mqSet, [f.mqPassword, f.activeBroker]],
    bad: [
      [f.mqPassword, patch(f.activeBroker, { encryptionOptions: { useAwsOwnedKey: true } })],
      [f.mqPassword, patch(f.activeBroker, { encryptionOptions: undefined })],
      [f.mqPassword, patch(f.activeBroker, { encryptionOptions: { useAwsOwnedKey: false } })],
    ],
  },
  "ssm-securestring-customer-managed-key": {
    good: [
      [f.configKey, f.secureParam],
      [f.configKey, patch(f.secureParam, { type: "String", keyId: undefined })],
      [{ ...f.secureParam, propertyDependencies: {}, dependencies: [] }],
    ],
    bad: [[f.configKey, patch(f.secureParam, { keyId: undefined })], [{ ...patch(f.secureParam, { keyId: "alias/aws/ssm" }), propertyDependencies: {}, dependencies: [] }]],
  },
  "elasticache-at-rest-encryption": { good: [cacheSet], bad: [cache({ atRestEncryptionEnabled: undefined })] },
  "elasticache-transit-encryption": {
    good: [cacheSet, cache({ transitEncryptionMode: "required" })],
    bad: [cache({ transitEncryptionEnabled: false }), cache({ transitEncryptionMode: "preferred" })],
  },
  "elasticache-private-subnet-group": { good: [cacheSet], bad: [cache({ subnetGroupName: undefined })] },
  "elasticache-automatic-failover": { good: [cacheSet], bad: [cache({ automaticFailoverEnabled: false }), cache({ multiAzEnabled: undefined })] },
  "elasticache-automatic-backups": { good: [cacheSet], bad: [cache({ snapshotRetentionLimit: 0 })] },
  "s3-sse-kms": {
    good: [f.s3Set, replace(f.s3Set, { ...f.albLogsSse, urn: f.bucketSse.urn })],
    bad: [
      replace(f.s3Set, { ...patch(f.albLogsSse, { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "k" }, bucketKeyEnabled: true }] }), urn: f.bucketSse.urn }),
      replace(f.s3Set, patch(f.bucketSse, { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }] })),
      replace(f.s3Set, patch(f.bucketSse, { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" }, bucketKeyEnabled: true }] })),
      replace(f.s3Set, patch(f.bucketSse, { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "k" } }] })),
    ],
  },
  "s3-public-access-block": { good: [f.s3Set], bad: [replace(f.s3Set, patch(f.bucketPab, { restrictPublicBuckets: false })), replace(f.s3Set, patch(f.bucketPab, { blockPublicPolicy: undefined }))] },
  "s3-tls-only-policy": {
    good: [f.s3Set, replace(f.s3Set, patch(f.bucketPolicy, { policy: JSON.parse(f.TLS_ONLY_POLICY) }))],
    bad: [
      replace(f.s3Set, patch(f.bucketPolicy, { policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "s3:GetObject", Resource: "*" }] }) })),
      replace(f.s3Set, patch(f.bucketPolicy, { policy: f.TLS_ONLY_POLICY.replace('"Deny"', '"Allow"') })),
    ],
  },
  "s3-versioning-enabled": { good: [f.s3Set], bad: [replace(f.s3Set, patch(f.bucketVersioning, { versioningConfiguration: { status: "Suspended" } }))] },
  "s3-no-public-acl": {
    good: [f.s3Set],
    bad: [replace(f.s3Set, patch(f.bucketAcl, { acl: "public-read" })), replace(f.s3Set, patch(f.bucket, { acl: "public-read-write", tags: TAGS }))],
  },
  "s3-bucket-has-public-access-block": { good: [f.s3Set], bad: [f.s3Set.filter((r) => r !== f.bucketPab)] },
  "s3-bucket-has-kms-encryption": { good: [f.s3Set], bad: [f.s3Set.filter((r) => r !== f.bucketSse)] },
  "s3-bucket-has-tls-only-policy": { good: [f.s3Set], bad: [f.s3Set.filter((r) => r !== f.bucketPolicy)] },
  "ebs-encrypted": {
    good: [[f.volume], [f.instance], [f.launchTemplate]],
    bad: [
      [patch(f.volume, { encrypted: false })],
      [patch(f.instance, { rootBlockDevice: { volumeSize: 30 } })],
      [patch(f.instance, { ebsBlockDevices: [{ deviceName: "/dev/xvdb", volumeSize: 50 }] })],
      [patch(f.launchTemplate, { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "false" } }] })],
      [patch(f.launchTemplate, { blockDeviceMappings: undefined })],
    ],
  },
  "kms-key-rotation": { good: [[f.kmsKey]], exempt: [[f.signingKey]], bad: [[patch(f.kmsKey, { enableKeyRotation: false })], [patch(f.kmsKey, { enableKeyRotation: undefined })]] },
  "backup-vault-cmk": { good: [f.vaultSet], bad: [replace(f.vaultSet, patch(f.vault, { kmsKeyArn: undefined }))] },
  "log-group-kms": { good: [[f.logGroup]], bad: [[patch(f.logGroup, { kmsKeyId: undefined })]] },
  "log-group-retention": { good: [[f.logGroup], [patch(f.logGroup, { retentionInDays: undefined })], [patch(f.logGroup, { retentionInDays: 731 })]], bad: [[patch(f.logGroup, { retentionInDays: 30 })]] },
  "sg-world-ingress-web-ports-only": {
    good: [f.edgeSet, worldIngress({ fromPort: 80, toPort: 80 }), worldIngress({ ipProtocol: "6", fromPort: 443, toPort: 443 })],
    bad: [
      // A range that starts at a web port but reaches further opens more than the web port.
      worldIngress({ fromPort: 80, toPort: 8080 }),
      worldIngress({ fromPort: 443, toPort: 444 }),
      worldIngress({ fromPort: 79, toPort: 80 }),
      [res("aws:ec2/securityGroupRule:SecurityGroupRule", "range80", { type: "ingress", securityGroupId: "sg", protocol: "tcp", fromPort: 80, toPort: 81, cidrBlocks: ["0.0.0.0/0"] })],
      [res("aws:ec2/securityGroup:SecurityGroup", "range443", { vpcId: "vpc", ingress: [{ protocol: "tcp", fromPort: 443, toPort: 65535, cidrBlocks: ["0.0.0.0/0"] }], tags: TAGS })],
      worldIngress({ fromPort: 22, toPort: 22 }),
      worldIngress({ fromPort: 0, toPort: 65535 }),
      worldIngress({ ipProtocol: "-1", fromPort: undefined, toPort: undefined }),
      worldIngress({ ipProtocol: "udp" }),
      edge(patch(f.httpIn6, { fromPort: 3389, toPort: 3389 })),
      [res("aws:ec2/securityGroupRule:SecurityGroupRule", "legacy", { type: "ingress", securityGroupId: "sg", protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: ["10.0.0.0/8", "0.0.0.0/0"] })],
      [res("aws:ec2/securityGroup:SecurityGroup", "inline", { vpcId: "vpc", ingress: [{ protocol: "tcp", fromPort: 6379, toPort: 6379, ipv6CidrBlocks: ["::/0"] }], tags: TAGS })],
    ],
  },
  "sg-world-ingress-alb-only": {
    good: [f.edgeSet, f.edgeSet.filter((r) => r !== f.alb && r !== f.httpListener && r !== f.httpsListener)],
    bad: [
      [...f.edgeSet, res("aws:ec2/instance:Instance", "exposed", { ...f.instance.inputs, vpcSecurityGroupIds: ["sg-frontend-id"] }, { vpcSecurityGroupIds: [f.frontendSg] })],
      [...f.edgeSet, res("aws:lb/loadBalancer:LoadBalancer", "nlb", { loadBalancerType: "network", subnets: ["subnet-a"], securityGroups: ["sg-frontend-id"], tags: TAGS }, { securityGroups: [f.frontendSg] })],
    ],
  },
  "ec2-instance-imdsv2": {
    good: [[f.instance]],
    bad: [[patch(f.instance, { metadataOptions: { httpTokens: "optional" } })], [patch(f.instance, { metadataOptions: undefined })]],
  },
  "launch-template-imdsv2": {
    good: [[f.launchTemplate]],
    bad: [[patch(f.launchTemplate, { metadataOptions: { httpPutResponseHopLimit: 1 } })], [patch(f.launchTemplate, { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 } })]],
  },
  "ec2-instance-no-public-ip": { good: [[f.instance]], bad: [[patch(f.instance, { associatePublicIpAddress: true })], [patch(f.instance, { associatePublicIpAddress: undefined })]] },
  "launch-template-no-public-ip": { good: [[f.launchTemplate]], bad: [[patch(f.launchTemplate, { networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "true" }] })]] },
  "alb-http-redirects-to-https": {
    good: [f.edgeSet],
    bad: [edge(patch(f.httpListener, { defaultActions: [{ type: "forward", targetGroupArn: "tg-arn" }] })), edge(patch(f.httpListener, { protocol: undefined, defaultActions: [{ type: "redirect", redirect: { protocol: "HTTP", port: "8080", statusCode: "HTTP_302" } }] }))],
  },
  "lb-tls-listener-policy": {
    good: [f.edgeSet, listener({ sslPolicy: "ELBSecurityPolicy-TLS13-1-3-2021-06" })],
    bad: [listener({ sslPolicy: undefined }), listener({ sslPolicy: "ELBSecurityPolicy-2016-08" }), listener({ certificateArn: undefined })],
  },
  "alb-drop-invalid-headers": { good: [f.edgeSet], bad: [edge(patch(f.alb, { dropInvalidHeaderFields: undefined })), edge(patch(f.alb, { loadBalancerType: undefined, dropInvalidHeaderFields: false }))] },
  "vpc-flow-logs": { good: [f.edgeSet], bad: [f.edgeSet.filter((r) => r !== f.flowLog)] },
  "eks-secrets-encryption": {
    good: [[f.cluster]],
    bad: [[patch(f.cluster, { encryptionConfig: undefined })], [patch(f.cluster, { encryptionConfig: { resources: [], provider: { keyArn: "k" } } })], [patch(f.cluster, { encryptionConfig: { resources: ["secrets"], provider: {} } })]],
  },
  "eks-public-endpoint-restricted": {
    good: [[f.cluster], cluster({ endpointPublicAccess: false })],
    bad: [cluster({ endpointPublicAccess: true }), cluster({}), cluster({ endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24", "0.0.0.0/0"] })],
  },
  "eks-private-endpoint-enabled": { good: [[f.cluster]], bad: [cluster({ endpointPrivateAccess: false, endpointPublicAccess: false }), [patch(f.cluster, { vpcConfig: { subnetIds: ["a"], endpointPublicAccess: false } })]] },
  "eks-control-plane-logging": { good: [[f.cluster]], bad: [[patch(f.cluster, { enabledClusterLogTypes: ["api", "authenticator"] })], [patch(f.cluster, { enabledClusterLogTypes: undefined })]] },
  "eks-node-group-no-ssh": { good: [[f.nodeGroup]], bad: [[patch(f.nodeGroup, { remoteAccess: { ec2SshKey: "ops" } })]] },
  "k8s-namespace-pod-security": {
    good: [[f.namespace, f.denyAllIn("apps")], [patch(f.namespace, { metadata: { name: "node-agents", labels: { "pod-security.kubernetes.io/enforce": "privileged" } } }), f.denyAllIn("node-agents")]],
    bad: [
      [patch(f.namespace, { metadata: { name: "apps" } }), f.denyAllIn("apps")],
      [patch(f.namespace, { metadata: { name: "apps", labels: { "pod-security.kubernetes.io/enforce": "latest" } } }), f.denyAllIn("apps")],
      // A second privileged namespace (as logging and istio-system once were).
      [patch(f.namespace, { metadata: { name: "logging", labels: { "pod-security.kubernetes.io/enforce": "privileged" } } }), f.denyAllIn("logging")],
    ],
  },
  "k8s-namespace-default-deny": {
    good: [
      [f.namespace, f.denyAllIn("apps")],
      // One policy per direction (as trading-api has it), beside allows that select some pods.
      [
        f.namespace,
        patch(f.denyAllIn("apps"), { spec: { podSelector: {}, policyTypes: ["Ingress"] } }),
        res("kubernetes:networking.k8s.io/v1:NetworkPolicy", "apps-deny-egress", { metadata: { name: "default-deny-egress", namespace: "apps" }, spec: { podSelector: {}, policyTypes: ["Egress"] } }),
        res("kubernetes:networking.k8s.io/v1:NetworkPolicy", "apps-allow", { metadata: { name: "allow", namespace: "apps" }, spec: { podSelector: { matchLabels: { app: "api" } }, policyTypes: ["Ingress"], ingress: [{ ports: [{ port: 8080 }] }] } }),
      ],
    ],
    bad: [
      [f.namespace],
      // The deny is in another namespace; only ingress is denied; an empty egress rule allows everything.
      [f.namespace, f.denyAllIn("other")],
      [f.namespace, patch(f.denyAllIn("apps"), { spec: { podSelector: {}, policyTypes: ["Ingress"] } })],
      [f.namespace, patch(f.denyAllIn("apps"), { spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"], egress: [{}] } })],
      [f.namespace, patch(f.denyAllIn("apps"), { spec: { podSelector: { matchLabels: { app: "api" } }, policyTypes: ["Ingress", "Egress"] } })],
      replace(f.processingSet, patch(f.processingDenyAll, { spec: { podSelector: {}, policyTypes: ["Ingress"] } })),
    ],
  },
  "k8s-resource-requests-limits": {
    good: [[f.deployment], [f.job], [f.daemonSet]],
    bad: [container({ resources: { requests: { cpu: "1" }, limits: { memory: "1Gi" } } }), container({ resources: undefined }), pod({ initContainers: [{ name: "init", image: "busybox:1" }] })],
  },
  "k8s-no-privileged-containers": { good: [[f.deployment]], bad: [container({ securityContext: { privileged: true } })] },
  "k8s-no-host-namespaces": { good: [[f.deployment]], bad: [pod({ hostNetwork: true }), pod({ hostPID: true })] },
  "k8s-run-as-non-root": {
    good: [[f.deployment], pod({ securityContext: {}, containers: [f.containerWith({ securityContext: { runAsNonRoot: true } })] }), rootShipper()],
    bad: [
      pod({ securityContext: undefined }),
      container({ securityContext: { runAsNonRoot: false } }),
      pod({ securityContext: { runAsNonRoot: true, runAsUser: 0 } }),
      // The exemption is for the named DaemonSet only, and only while it stays locked down.
      rootShipper({ name: "fluent-bit" }),
      rootShipper({ namespace: "default" }),
      // Where it ran before it joined the node agents.
      rootShipper({ namespace: "logging" }),
      rootShipper({}, { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["NET_RAW"] } } }),
      rootShipper({}, { securityContext: { allowPrivilegeEscalation: true, capabilities: { drop: ["ALL"] } } }),
      rootShipper({}, { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"], add: ["DAC_READ_SEARCH"] } } }),
      rootShipper({}, { volumeMounts: [{ name: "pods", mountPath: "/var/log/pods" }] }),
    ],
  },
  "k8s-probes": { good: [[f.deployment], [f.job]], bad: [container({ livenessProbe: undefined }), container({ readinessProbe: undefined })] },
  "spark-jobs-on-data-pool": {
    good: [[f.sparkAppWith()], [f.scheduledSparkAppWith()], [f.sparkAppWith({ executor: { tolerations: [{ key: "workload", operator: "Exists", effect: "NoSchedule" }] } })]],
    exempt: [[f.flinkDeploymentWith({ upgradeMode: "savepoint" })], [f.deployment]],
    bad: [
      [f.sparkAppWith({ driver: { nodeSelector: undefined } })],
      [f.sparkAppWith({ executor: { tolerations: [] } })],
      [f.sparkAppWith({ driver: { nodeSelector: { role: "general" } } })],
      [f.scheduledSparkAppWith({ tolerations: [{ key: "workload", operator: "Equal", value: "other", effect: "NoSchedule" }] })],
    ],
  },
  "flink-savepoint-upgrades": {
    good: [[f.flinkDeploymentWith({ upgradeMode: "savepoint" })], [f.flinkDeploymentWith({ upgradeMode: "last-state" })], [f.flinkDeploymentWith(undefined)], [f.flinkDeploymentWith({ upgradeMode: "stateless" }, { "entasis.io/stateless-upgrade": "true" })]],
    exempt: [[f.sparkAppWith()]],
    bad: [[f.flinkDeploymentWith({ upgradeMode: "stateless" })], [f.flinkDeploymentWith({ jarURI: "local:///opt/flink/usrlib/job.jar" })], [f.flinkDeploymentWith({ upgradeMode: "stateless" }, { "entasis.io/stateless-upgrade": "false" })]],
  },
  "processing-namespace-guardrails": {
    good: [f.processingSet],
    exempt: [[f.deployment]],
    bad: [
      f.processingSet.filter((r) => r !== f.processingQuota),
      f.processingSet.filter((r) => r !== f.processingLimits),
      replace(f.processingSet, patch(f.processingBinding, { spec: { policyName: "p", validationActions: ["Deny"], matchResources: { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "default" } } } } })),
    ],
  },
  "collector-has-pdb": {
    good: [f.collectorSet],
    exempt: [[f.deployment]],
    bad: [
      f.collectorSet.filter((r) => r !== f.collectorPdb),
      // A PDB that selects some other pods.
      replace(f.collectorSet, patch(f.collectorPdb, { spec: { maxUnavailable: 1, selector: { matchLabels: { app: "trading-api" } } } })),
    ],
  },
  "collector-egress-not-world-open": {
    good: [f.collectorSet],
    exempt: [[f.deployment]],
    bad: [
      // 0.0.0.0/0 on 443 with the metadata service reachable.
      replace(f.collectorSet, patch(f.collectorEgress, { spec: { podSelector: { matchLabels: { app: "collector-feed" } }, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 443 }] }] } })),
      // Everywhere, every port.
      replace(f.collectorSet, patch(f.collectorEgress, { spec: { podSelector: { matchLabels: { app: "collector-feed" } }, policyTypes: ["Egress"], egress: [{}] } })),
      // The world on every port, metadata service excepted.
      replace(f.collectorSet, patch(f.collectorEgress, { spec: { podSelector: { matchLabels: { app: "collector-feed" } }, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["169.254.169.254/32"] } }] }] } })),
      // No default-deny egress in the namespace.
      replace(f.collectorSet, patch(f.collectorDenyAll, { spec: { podSelector: {}, policyTypes: ["Ingress"] } })),
    ],
  },
  "mesh-namespace-strict": {
    good: [f.meshSet, f.meshSet.filter((r) => r !== f.meshPortException)],
    exempt: [[f.deployment]],
    bad: [
      replace(f.meshSet, patch(f.meshStrict, { spec: { mtls: { mode: "PERMISSIVE" } } })),
      f.meshSet.filter((r) => r !== f.meshStrict),
      // A whole workload relaxed (not just a port).
      replace(f.meshSet, patch(f.meshPortException, { spec: { selector: { matchLabels: { app: "trading-api" } }, mtls: { mode: "PERMISSIVE" } } })),
    ],
  },
  "gpu-workloads-on-gpu-pool": {
    good: [[f.servingRuntime], [f.inferenceService], [f.workflowTemplate]],
    exempt: [[f.deployment]],
    bad: [
      // A runtime that requests a GPU but does not pin the GPU pool.
      [patch(f.servingRuntime, { spec: { ...(f.servingRuntime.inputs.spec as object), nodeSelector: { role: "general" } } })],
      // An InferenceService that requests a GPU without tolerating the GPU taint.
      [patch(f.inferenceService, { spec: { predictor: { ...(at(f.inferenceService.inputs, "spec", "predictor") as object), tolerations: [] } } })],
      // A workflow step with a GPU request and no placement at all.
      [patch(f.workflowTemplate, { spec: { entrypoint: "train", templates: [{ name: "train", container: { image: "x", resources: { limits: { "nvidia.com/gpu": "1" } } } }] } })],
      // A GPU request that differs from its limit.
      [patch(f.servingRuntime, { spec: { ...(f.servingRuntime.inputs.spec as object), containers: [{ name: "kserve-container", image: "x", resources: { requests: { "nvidia.com/gpu": "2" }, limits: { "nvidia.com/gpu": "1" } } }] } })],
    ],
  },
  "inference-service-ha": {
    good: [[f.inferenceService]],
    exempt: [[f.servingRuntime], [f.workflowTemplate]],
    bad: [
      [patch(f.inferenceService, { spec: { predictor: { ...(at(f.inferenceService.inputs, "spec", "predictor") as object), minReplicas: 1 } } })],
      [patch(f.inferenceService, { spec: { predictor: { ...(at(f.inferenceService.inputs, "spec", "predictor") as object), topologySpreadConstraints: undefined } } })],
    ],
  },
  "no-plaintext-credentials": {
    good: [dbSet, cacheSet, [patch(f.primaryDb, { password: undefined, manageMasterUserPassword: true, parameterGroupName: "db-params-name" }), f.rdsBackupReplication]],
    bad: [
      [f.pgParams, patch(f.primaryDb, { password: "hunter2-but-longer" }), f.rdsBackupReplication].map((r) => (r.urn === f.primaryDb.urn ? { ...r, propertyDependencies: { parameterGroupName: [f.pgParams.urn] } } : r)),
      [{ ...f.redis, propertyDependencies: {} }],
      [{ ...f.rabbitBroker, propertyDependencies: {} }],
    ],
  },
  "postgres-connection-verify-full": {
    // The time-series connection secret as consumers.ts writes it, the RDS one, the config store's URL;
    // a secret that names no sslmode (a credential record, the RDS master secret) is not judged.
    good: [
      [pgSecret({ sslrootcert: "/etc/timeseries-ca/ca.crt" })],
      [pgSecret({ auth: "iam" })],
      [f.configKey, f.secureParam],
      [patch(pgSecret({}), { secretString: JSON.stringify({ engine: "postgres", username: "master", password: "x" }) })],
    ],
    exempt: [[f.password]],
    bad: [
      [pgSecret({ sslmode: "require" })],
      [pgSecret({ sslmode: "prefer" })],
      [pgSecret({ sslmode: "disable" })],
      [pgSecret({ sslmode: "verify-ca" })],
      [pgSecret({ sslmode: null })],
      [patch(pgSecret({}), { secretString: JSON.stringify({ host: "h", sslmode: "require" }) })],
      [f.configKey, patch(f.secureParam, { value: "postgresql://trading_api@db:5432/entasis?sslmode=require" })],
      [f.configKey, patch(f.secureParam, { value: "postgres://trading_api@db:5432/entasis" })],
    ],
  },
  "generated-credential-rotation": {
    // No keepers (every stack without entasis:secretRotation), or only the rotation generation.
    good: [[f.password], [patch(f.password, { keepers: { rotation: "1" } })], [patch(f.redisToken, { keepers: { rotation: "12" } })]],
    exempt: [[f.pgParams]],
    bad: [
      // Tied to another resource's value: rotates whenever it changes.
      [patch(f.password, { keepers: { host: "db.example.internal" } })],
      [patch(f.mqPassword, { keepers: { rotation: "1", image: "curlimages/curl:8.11.1" } })],
      // Not a generation.
      [patch(f.redisToken, { keepers: { rotation: "latest" } })],
      [patch(f.password, { keepers: { rotation: "0" } })],
    ],
  },
  "dr-cross-region-copy": {
    good: [
      dbSet,
      [f.replicaDb],
      f.s3Set,
      [f.backupPlan],
      // A plan of hourly points only (kept a day) serves local mistakes and needs no copy.
      [patch(f.backupPlan, { rules: (f.backupPlan.inputs.rules as Record<string, unknown>[]).slice(0, 1) })],
      // The ALB's access logs are diagnostics; a replication destination is itself the copy.
      f.s3Set.filter((r) => r !== f.bucketReplication).map((r) => (r.urn === f.bucket.urn ? { ...r, name: "object-storage-access-logs" } : r)),
      [...f.s3Set.filter((r) => r !== f.bucketReplication), { ...f.bucketReplication, propertyDependencies: { rules: [f.bucket.urn] } }, f.bucketObjectLock],
    ],
    bad: [
      dbSet.filter((r) => r !== f.rdsBackupReplication),
      f.s3Set.filter((r) => r !== f.bucketReplication),
      [patch(f.backupPlan, { rules: (f.backupPlan.inputs.rules as Record<string, unknown>[]).map((r) => ({ ...r, copyActions: undefined })) })],
    ],
  },
  "kms-key-deletion-guarded": {
    good: [[f.kmsKey], [f.signingKey]],
    bad: [
      [patch(f.kmsKey, { policy: undefined })],
      // The root statement alone: anyone with kms:* may delete the key.
      [patch(f.kmsKey, { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "kms:*", Resource: "*" }] }) })],
      // A deny without an exception locks out the break-glass role too; one missing DisableKey leaves disabling open.
      [patch(f.kmsKey, { policy: JSON.stringify({ Statement: [{ Effect: "Deny", Principal: { AWS: "*" }, Action: ["kms:ScheduleKeyDeletion", "kms:DisableKey"], Resource: "*" }] }) })],
      [patch(f.kmsKey, { policy: f.GUARDED_KEY_POLICY.replace('"kms:ScheduleKeyDeletion","kms:DisableKey"', '"kms:ScheduleKeyDeletion"') })],
    ],
  },
  "iam-service-trust-source-account": {
    good: [[f.serviceRole]],
    exempt: [[f.irsaRole]],
    bad: [
      [patch(f.serviceRole, { assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole" }] }) })],
      [patch(f.serviceRole, { assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: ["ec2.amazonaws.com"] }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceVpc": "vpc-1" } } }] }) })],
    ],
  },
  "iam-no-unconditioned-write-on-star": {
    good: [
      [f.irsaRole, f.scopedRolePolicy],
      // A service's role (not a pod's) is out of this rule's reach, e.g. CodeBuild's documented ENI actions.
      [f.irsaRole, f.scopedRolePolicy, f.serviceRole, res("aws:iam/rolePolicy:RolePolicy", "runner-vpc", { role: "flow-logs-role", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: ["ec2:CreateNetworkInterface"], Resource: "*" }] }) }, { role: [f.serviceRole] })],
    ],
    bad: [
      // Velero as it was: any snapshot in the account could be deleted.
      [f.irsaRole, patch(f.scopedRolePolicy, { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: ["ec2:DescribeSnapshots", "ec2:DeleteSnapshot"], Resource: "*" }] }) })],
      // The published load balancer controller policy's edge rewrites, attached as a managed policy.
      [
        f.irsaRole,
        res("aws:iam/policy:Policy", "lb", { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: ["ec2:AuthorizeSecurityGroupIngress", "elasticloadbalancing:CreateListener"], Resource: ["*"] }] }), tags: TAGS }),
        res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "lb-attach", { role: "velero-role", policyArn: "arn:aws:iam::123456789012:policy/lb" }, { role: [f.irsaRole], policyArn: [res("aws:iam/policy:Policy", "lb", {})] }),
      ],
    ],
  },
  "guardduty-eks-protection": {
    good: [f.detectorSet],
    bad: [
      replace(f.detectorSet, patch(f.detector, { enable: false })),
      f.detectorSet.filter((r) => r !== f.eksAuditLogs),
      replace(f.detectorSet, patch(f.runtimeMonitoring, { status: "DISABLED" })),
      replace(f.detectorSet, patch(f.runtimeMonitoring, { additionalConfigurations: [] })),
    ],
  },
  "k8s-secret-no-admin-credential": {
    good: [[f.appSecret], [res("kubernetes:core/v1:Secret", "grafana-admin", { metadata: { name: "grafana-admin", namespace: "monitoring" }, stringData: { "admin-user": "admin", "admin-password": "[secret]" } })]],
    bad: [
      // The RDS master password the role Job once read from a Secret.
      [res("kubernetes:core/v1:Secret", "db-master", { metadata: { name: "postgres-master", namespace: "db-bootstrap" }, stringData: { password: "[secret]" } })],
      [patch(f.appSecret, { stringData: { username: "trading_api", password: "[secret]", MASTER_PASSWORD: "[secret]" } })],
      [patch(f.appSecret, { data: { "admin-password": "W3NlY3JldF0=" } })],
      [res("kubernetes:core/v1:Secret", "mq-provisioner", { metadata: { name: "mq-provisioner", namespace: "messaging" }, stringData: { RABBITMQ_ADMIN_PASS: "[secret]" } })],
    ],
  },
  "cloudtrail-log-file-validation": {
    good: [[f.trail]],
    bad: [[patch(f.trail, { enableLogFileValidation: false })], [patch(f.trail, { enableLogFileValidation: undefined })], [patch(f.trail, { isMultiRegionTrail: false })], [patch(f.trail, { kmsKeyId: undefined })]],
  },
  "backup-vault-locked": {
    good: [f.vaultSet],
    bad: [
      f.vaultSet.filter((r) => r !== f.vaultLock),
      replace(f.vaultSet, patch(f.vaultLock, { changeableForDays: undefined })),
      f.vaultSet.filter((r) => r !== f.vaultPolicy),
    ],
  },
  "dr-bucket-object-lock": {
    good: [[...f.s3Set, f.bucketObjectLock].map((r) => (r.urn === f.bucketReplication.urn ? { ...r, propertyDependencies: { ...r.propertyDependencies, rules: [f.bucket.urn] } } : r))],
    bad: [
      f.s3Set.map((r) => (r.urn === f.bucketReplication.urn ? { ...r, propertyDependencies: { ...r.propertyDependencies, rules: [f.bucket.urn] } } : r)),
      [...f.s3Set, patch(f.bucketObjectLock, { rule: { defaultRetention: { mode: "GOVERNANCE", days: 7 } } })].map((r) => (r.urn === f.bucketReplication.urn ? { ...r, propertyDependencies: { ...r.propertyDependencies, rules: [f.bucket.urn] } } : r)),
    ],
  },
  "aws-required-tags": {
    good: [[f.kmsKey], f.s3Set],
    exempt: [[f.bucketPab, f.password]],
    bad: [[patch(f.kmsKey, { tags: { Environment: "prod", Owner: "platform" } })], replace(f.vaultSet, patch(f.vault, { tags: undefined })), [patch(f.logGroup, { tags: { ...TAGS, Owner: "" } })]],
  },
};

describe("policy rules on violating and compliant resources", () => {
  it("has a violating and a compliant case for every rule, and cases only for rules that exist", () => {
    const names = RULES.map((r) => r.name);
    expect(Object.keys(CASES).sort()).toEqual([...names].sort());
    for (const c of Object.values(CASES)) {
      expect(c.good.length).toBeGreaterThan(0);
      expect(c.bad.length).toBeGreaterThan(0);
    }
  });

  describe.each(RULES.map((r) => [r.name] as const))("%s", (name) => {
    const cases = CASES[name];

    it("fires, alone, on every violating case", async () => {
      for (const [i, set] of cases.bad.entries()) {
        const { findings, cannotRun } = await evaluatePolicies(RULES, set);
        expect(cannotRun).toEqual([]);
        expect({ case: i, fired: [...new Set(findings.map((x) => x.policy))] }).toEqual({ case: i, fired: [name] });
        for (const finding of findings) expect(finding.level).toBe("mandatory");
      }
    });

    it("passes every compliant case, and applies to it", async () => {
      for (const [i, set] of cases.good.entries()) {
        const { findings, cannotRun, applied } = await evaluatePolicies(RULES, set);
        expect({ case: i, findings, cannotRun }).toEqual({ case: i, findings: [], cannotRun: [] });
        expect({ case: i, applied: (applied[name] ?? 0) > 0 }).toEqual({ case: i, applied: true });
      }
      for (const [i, set] of (cases.exempt ?? []).entries()) {
        const { findings, applied } = await evaluatePolicies(RULES, set);
        expect({ exempt: i, findings, applied: applied[name] ?? 0 }).toEqual({ exempt: i, findings: [], applied: 0 });
      }
    });
  });
});
