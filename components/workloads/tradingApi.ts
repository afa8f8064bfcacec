import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { IrsaRole, OidcIssuer } from "../cluster/irsaRole";
import { AwsScope } from "../scope";
import { Tags } from "../tags";
import { ApiNetworkPolicies } from "./networkPolicies";
import { TradingApiSettings } from "./workloadSettings";

export const APP = "trading-api";
export const APP_LABELS = { app: APP } as const;
/** Namespace label that turns on the load balancer controller's pod readiness gate injection. */
export const READINESS_GATE_LABEL = "elbv2.k8s.aws/pod-readiness-gate-inject";

export interface TradingApiArgs extends AwsScope, OidcIssuer {
  /** Validated `entasis:workloads` config. */
  readonly config: TradingApiSettings;
  /** Image to run (from config or the pushed build). */
  readonly image: pulumi.Input<string>;
  readonly provider: k8s.Provider;
  /** Node labels of the pool the pods run on (the spec: general). */
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** The app's connection secret (data tier) and what reading it and connecting needs. */
  readonly database: {
    readonly connectionSecretArn: pulumi.Input<string>;
    readonly redisAuthSecretArn: pulumi.Input<string>;
    readonly secretsKeyArn: pulumi.Input<string>;
    readonly username: string;
    /** Resource IDs of every endpoint the app may connect to, keyed by endpoint (`db-...` of the primary and each replica, `prx-...` of the proxy): targets of rds-db:connect. */
    readonly dbUserResourceIds: Readonly<Record<string, pulumi.Input<string>>>;
  };
  /** What must exist before the pods start, e.g. the database roles Job (pods are ready only once they can log in). Default none. */
  readonly databaseReady?: pulumi.Input<pulumi.Resource>[];
  /** Target groups to bind the Service to, keyed by a stable name (alb, nlb). */
  readonly targetGroupArns: Readonly<Record<string, pulumi.Input<string>>>;
  /** Seconds a target drains after deregistration; pods stay up at least that long. */
  readonly deregistrationDelaySeconds: number;
  /** CIDRs the load balancers reach pods from (ALB in public subnets, internal NLB in private ones). */
  readonly loadBalancerCidrs: readonly string[];
  /** Database subnets' CIDRs (PostgreSQL, RDS Proxy, Redis). */
  readonly databaseCidrs: readonly string[];
  /** More statements for the IRSA role's policy (the message queue's and the config store's read access). Default none. */
  readonly additionalStatements?: readonly pulumi.Input<aws.iam.PolicyStatement>[];
  /** More container environment variables (e.g. MQ_CONNECTION_SECRET_ARN, CONFIG_PATH). Default none. */
  readonly extraEnv?: Readonly<Record<string, pulumi.Input<string>>>;
  /** Controllers the custom objects need (LB controller for TargetGroupBinding, VPA for its CRD). */
  readonly crdsFrom: pulumi.Input<pulumi.Resource>[];
  /** What the pods wait for: the general pool's node group and CoreDNS (`cluster.scheduledOn(pool)`). */
  readonly scheduledAfter: readonly pulumi.Resource[];
  /**
   * Releases whose admission webhooks mutate these pods: the load balancer controller injects the
   * readiness gates into pods of a namespace labelled for it, and a pod created while its webhook is
   * down (failurePolicy Ignore) silently gets none. The Deployment waits for them.
   */
  readonly podAdmission: readonly pulumi.Resource[];
  /** Extra namespace labels (the mesh's enrolment label). Default none. */
  readonly namespaceLabels?: Readonly<Record<string, string>>;
  /** What the namespace waits for (the mesh's node agents, before the namespace enrols). Default none. */
  readonly namespaceAfter?: readonly pulumi.Resource[];
  readonly tags: Tags;
}

/**
 * The spec's trading-api: Deployment, Service, ServiceAccount with an IRSA role, PDB, HPA on CPU,
 * VPA on memory, TargetGroupBindings to the load balancers, and its network policies.
 */
export class TradingApi extends pulumi.ComponentResource {
  public readonly namespace: k8s.core.v1.Namespace;
  public readonly namespaceName: pulumi.Output<string>;
  public readonly serviceAccount: k8s.core.v1.ServiceAccount;
  public readonly role: IrsaRole;
  public readonly deployment: k8s.apps.v1.Deployment;
  public readonly service: k8s.core.v1.Service;
  public readonly serviceName: pulumi.Output<string>;
  public readonly pdb: k8s.policy.v1.PodDisruptionBudget;
  public readonly hpa: k8s.autoscaling.v2.HorizontalPodAutoscaler;
  public readonly vpa: k8s.apiextensions.CustomResource;
  public readonly targetGroupBindings: Readonly<Record<string, k8s.apiextensions.CustomResource>>;
  public readonly networkPolicies: ApiNetworkPolicies;

  constructor(name: string, args: TradingApiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:workloads:TradingApi", name, {}, opts);
    const cfg = args.config;
    const ns = cfg.namespace;
    const k8sOpts = { parent: this, provider: args.provider };

    // The load balancer controller injects a readiness gate into pods of labelled namespaces: a new
    // pod turns Ready only once its target is healthy in the target group, so a rollout never
    // removes old pods while the new ones are still `initial` in the ALB.
    // https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/deploy/pod_readiness_gate/
    this.namespace = new k8s.core.v1.Namespace(
      `${name}-ns`,
      { metadata: { name: ns, labels: { "kubernetes.io/metadata.name": ns, "pod-security.kubernetes.io/enforce": "restricted", [READINESS_GATE_LABEL]: "enabled", ...(args.namespaceLabels ?? {}) } } },
      { ...k8sOpts, dependsOn: [...(args.namespaceAfter ?? [])] },
    );
    this.namespaceName = this.namespace.metadata.name;
    const inNs = { ...k8sOpts, dependsOn: [this.namespace] };

    // The app reads its connection secret at start-up and connects with IAM tokens; nothing secret
    // is mounted. https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.IAMPolicy.html
    const db = args.database;
    this.role = new IrsaRole(
      `${name}-irsa`,
      {
        namePrefix: args.namePrefix,
        oidcProviderArn: args.oidcProviderArn,
        issuerHostPath: args.issuerHostPath,
        namespace: ns,
        serviceAccount: APP,
        description: `${args.namePrefix} trading-api (IRSA)`,
        inlinePolicies: {
          "connection-secrets": {
            Version: "2012-10-17",
            Statement: [
              { Sid: "ReadOwnSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], Resource: [db.connectionSecretArn, db.redisAuthSecretArn] },
              // The secrets are encrypted with the data tier's key: decrypt only through Secrets Manager.
              { Sid: "DecryptViaSecretsManager", Effect: "Allow", Action: "kms:Decrypt", Resource: db.secretsKeyArn, Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${args.region}.amazonaws.com` } } },
              {
                Sid: "ConnectAsOwnUser",
                Effect: "Allow",
                Action: "rds-db:connect",
                Resource: Object.values(db.dbUserResourceIds).map((id) => pulumi.interpolate`arn:${args.partition}:rds-db:${args.region}:${args.accountId}:dbuser:${id}/${db.username}`),
              },
              ...(args.additionalStatements ?? []),
            ],
          },
        },
        tags: args.tags,
      },
      { parent: this },
    );

    this.serviceAccount = new k8s.core.v1.ServiceAccount(
      `${name}-sa`,
      { metadata: { name: APP, namespace: ns, labels: APP_LABELS, annotations: { "eks.amazonaws.com/role-arn": this.role.arn } }, automountServiceAccountToken: false },
      inNs,
    );

    const http = cfg.ports.http;
    const metrics = cfg.ports.metrics;
    this.service = new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: { name: APP, namespace: ns, labels: APP_LABELS },
        spec: {
          type: "ClusterIP",
          selector: APP_LABELS,
          ports: [
            { name: "http", port: http, targetPort: "http", protocol: "TCP" },
            { name: "metrics", port: metrics, targetPort: "metrics", protocol: "TCP" },
          ],
        },
      },
      inNs,
    );
    this.serviceName = this.service.metadata.name;

    // Before the Deployment: the readiness gate is injected when a pod is created, for the
    // bindings that select it at that moment (the controller doc: create the Service objects
    // before the pods).
    const bindings: Record<string, k8s.apiextensions.CustomResource> = {};
    for (const [key, targetGroupARN] of Object.entries(args.targetGroupArns)) {
      bindings[key] = new k8s.apiextensions.CustomResource(
        `${name}-tgb-${key}`,
        {
          apiVersion: "elbv2.k8s.aws/v1beta1",
          kind: "TargetGroupBinding",
          metadata: { name: `${APP}-${key}`, namespace: ns, labels: APP_LABELS },
          // No `networking`: the nodes' security group already allows 8080 from the frontend group
          // (components/network/securityGroups.ts), so the controller need not edit security groups.
          spec: { serviceRef: { name: APP, port: http }, targetGroupARN, targetType: "ip" },
        },
        // The controller's webhook rejects any change of spec.targetGroupARN ("TargetGroupBinding
        // update may not change these fields"), so a new target group replaces the binding; the
        // name is fixed, so the old one goes first.
        // https://github.com/kubernetes-sigs/aws-load-balancer-controller/issues/2764
        { ...inNs, dependsOn: [this.namespace, this.service, ...args.crdsFrom], replaceOnChanges: ["spec.targetGroupARN"], deleteBeforeReplace: true },
      );
    }
    this.targetGroupBindings = bindings;

    this.deployment = new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        metadata: { name: APP, namespace: ns, labels: APP_LABELS },
        spec: {
          replicas: cfg.replicas,
          selector: { matchLabels: APP_LABELS },
          strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
          template: {
            metadata: {
              labels: APP_LABELS,
              annotations: { "prometheus.io/scrape": "true", "prometheus.io/port": String(metrics), "prometheus.io/path": "/metrics" },
            },
            spec: {
              serviceAccountName: APP,
              // IRSA's token is projected by the EKS pod identity webhook; the app needs no Kubernetes API token.
              automountServiceAccountToken: false,
              nodeSelector: { ...args.nodeSelector },
              // Pods outlive the target group's draining, so in-flight requests finish.
              terminationGracePeriodSeconds: args.deregistrationDelaySeconds + 30,
              securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: "RuntimeDefault" } },
              topologySpreadConstraints: [
                { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: APP_LABELS } },
                { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: APP_LABELS } },
              ],
              containers: [
                {
                  name: APP,
                  image: args.image,
                  ports: [
                    { name: "http", containerPort: http, protocol: "TCP" },
                    { name: "metrics", containerPort: metrics, protocol: "TCP" },
                  ],
                  env: [
                    { name: "PORT", value: String(http) },
                    { name: "METRICS_PORT", value: String(metrics) },
                    { name: "AWS_REGION", value: args.region },
                    // JSON with host, port, dbname, username, readerHost, proxyHost, redis*: see components/data/connectionSecrets.ts.
                    { name: "DB_CONNECTION_SECRET_ARN", value: db.connectionSecretArn },
                    ...Object.entries(args.extraEnv ?? {}).map(([envName, value]) => ({ name: envName, value })),
                  ],
                  resources: { requests: { ...cfg.resources.requests }, limits: { ...cfg.resources.limits } },
                  livenessProbe: { httpGet: { path: "/health", port: "http" }, initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
                  readinessProbe: { httpGet: { path: "/health/ready", port: "http" }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 2 },
                  // The controller deregisters a terminating pod asynchronously; keep serving until
                  // the ALB has stopped sending new requests.
                  // https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/deploy/pod_readiness_gate/
                  lifecycle: { preStop: { sleep: { seconds: 15 } } },
                  securityContext: { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                  volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                },
              ],
              volumes: [{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }],
            },
          },
        },
      },
      { ...inNs, dependsOn: [this.namespace, this.serviceAccount, ...Object.values(this.targetGroupBindings), ...(args.databaseReady ?? []), ...args.scheduledAfter, ...args.podAdmission], ignoreChanges: ["spec.replicas"] },
    );

    this.pdb = new k8s.policy.v1.PodDisruptionBudget(
      `${name}-pdb`,
      { metadata: { name: APP, namespace: ns, labels: APP_LABELS }, spec: { minAvailable: cfg.pdbMinAvailable, selector: { matchLabels: APP_LABELS } } },
      inNs,
    );

    // The spec's HPA (004 "Horizontal Scaling").
    this.hpa = new k8s.autoscaling.v2.HorizontalPodAutoscaler(
      `${name}-hpa`,
      {
        metadata: { name: `${APP}-hpa`, namespace: ns, labels: APP_LABELS },
        spec: {
          scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: APP },
          minReplicas: cfg.hpa.minReplicas,
          maxReplicas: cfg.hpa.maxReplicas,
          metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: cfg.hpa.cpuUtilization } } }],
        },
      },
      inNs,
    );

    // The spec's VPA (004 "Vertical Scaling"), restricted to memory. The HPA computes CPU
    // utilization against the CPU request; if the VPA also moved that request, each would undo the
    // other (VPA raises the request -> utilization drops -> HPA scales in -> load per pod rises...).
    // The VPA docs warn against VPA and HPA on the same resource:
    // https://github.com/kubernetes/autoscaler/tree/master/vertical-pod-autoscaler#known-limitations
    this.vpa = new k8s.apiextensions.CustomResource(
      `${name}-vpa`,
      {
        apiVersion: "autoscaling.k8s.io/v1",
        kind: "VerticalPodAutoscaler",
        metadata: { name: `${APP}-vpa`, namespace: ns, labels: APP_LABELS },
        spec: {
          targetRef: { apiVersion: "apps/v1", kind: "Deployment", name: APP },
          updatePolicy: { updateMode: cfg.vpa.updateMode },
          resourcePolicy: {
            containerPolicies: [
              {
                containerName: APP,
                controlledResources: ["memory"],
                controlledValues: "RequestsAndLimits",
                minAllowed: { memory: cfg.vpa.minMemory },
                maxAllowed: { memory: cfg.vpa.maxMemory },
              },
            ],
          },
        },
      },
      { ...inNs, dependsOn: [this.namespace, ...args.crdsFrom] },
    );

    this.networkPolicies = new ApiNetworkPolicies(
      `${name}-netpol`,
      { namespace: ns, httpPort: http, metricsPort: metrics, loadBalancerCidrs: args.loadBalancerCidrs, databaseCidrs: args.databaseCidrs, provider: args.provider },
      { parent: this, dependsOn: [this.namespace] },
    );

    this.registerOutputs({ namespace: this.namespaceName, service: this.serviceName, roleArn: this.role.arn });
  }
}
