import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { CHARTS, pinnedRelease } from "../../lib/helmCharts";
import { podSecurityLabels } from "../../lib/podSecurity";
import { rotationKeepers } from "../../lib/secretRotation";
import { NamespaceGuard } from "../security/namespaceGuard";
import { loggingEgress, loggingIngress, operatorEgress, operatorIngress } from "./loggingNetwork";
import { LoggingSettings } from "./loggingSettings";
import { Tags } from "../tags";
import { FILEBEAT_ROLE, FILEBEAT_SETUP_ROLE, FILEBEAT_SETUP_USER, FILEBEAT_USER, filebeatRoles } from "./loggingConfig";
import { FilebeatDaemonSet } from "./loggingFilebeat";
import { elasticsearchSpec, kibanaSpec, LOGGING_NAMES } from "./loggingStack";
import { LOGGING_PODS, LOGGING_PORTS } from "./loggingNetwork";
import { LOGGING_TLS_NAMES } from "./loggingTls";
import { PrivateCa } from "../security/privateCa";

export interface LoggingArgs {
  /** Validated `entasis:logging` config. */
  readonly config: LoggingSettings;
  readonly provider: k8s.Provider;
  /**
   * What provisions and deletes the volumes (the EBS CSI add-on). The StorageClasses depend on it,
   * so everything that owns a volume does too, and a destroy deletes those objects (and their
   * volumes) before the driver and the node pools. Default none.
   */
  readonly volumeDriver?: readonly pulumi.Resource[];
  /**
   * Customer key of the volumes the class provisions (the platform's EBS volume key): snapshots under
   * the AWS managed aws/ebs key cannot be shared with another account. No default.
   */
  readonly volumeKeyArn: pulumi.Input<string>;
  /** Labels of the untainted pool the operator, Elasticsearch and Kibana run on. */
  readonly systemPoolLabels: Readonly<Record<string, string>>;
  /** What the operator, Elasticsearch, Kibana and Filebeat wait for: the system pool's node group and CoreDNS (`cluster.scheduledOn`). */
  readonly scheduledAfter: readonly pulumi.Resource[];
  /** Base tags; also put on the EBS volumes the CSI driver creates for Elasticsearch. */
  readonly tags: Tags;
  /** Where the API server calls webhooks from: the private subnets holding the EKS control plane's ENIs. No default. */
  readonly webhookSourceCidrs: readonly string[];
  /** The node agents' `privileged` namespace, where Filebeat runs. No default. */
  readonly nodeAgents: { readonly namespace: string; readonly namespaceResource: pulumi.Resource };
  /**
   * Rotation generation of Filebeat's two file-realm passwords (entasis:secretRotation): a changed
   * number gives them new values (docs/secret-rotation.md). Default none: never rotated, no keepers.
   */
  readonly filebeatPasswordGeneration?: number;
  /** cert-manager, which issues Elasticsearch's HTTP certificate from the logging CA. No default. */
  readonly certManager: {
    readonly release: pulumi.Resource;
    readonly namespace: string;
    readonly selfSignedIssuer: { readonly resource: pulumi.Resource; readonly name: string };
  };
}

/**
 * Container logs of every node, searchable in Kibana: the ECK operator (Helm), an Elasticsearch
 * cluster and Kibana as ECK resources on encrypted gp3 volumes, and Filebeat as a DaemonSet that
 * ships `/var/log/containers/*.log` with Kubernetes metadata and installs the retention policy.
 */
export class Logging extends pulumi.ComponentResource {
  public readonly operator: k8s.helm.v3.Release;
  public readonly elasticsearch: k8s.apiextensions.CustomResource;
  public readonly kibana: k8s.apiextensions.CustomResource;
  public readonly filebeat: FilebeatDaemonSet;
  /** The logging CA, Elasticsearch's HTTP certificate and the CA bundles of its clients. */
  public readonly tls: PrivateCa;
  /** In-cluster Kibana URL (TLS with ECK's self-signed CA). */
  public readonly kibanaUrl: string;
  /** In-cluster Elasticsearch HTTP service, `<name>-es-http.<namespace>.svc`. */
  public readonly elasticsearchService: string;

  constructor(name: string, args: LoggingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:observability:Logging", name, {}, opts);
    const cfg = args.config;
    const n = LOGGING_NAMES;
    const k8sOpts = { parent: this, provider: args.provider };
    const labels = { "app.kubernetes.io/part-of": "entasis-logging", "app.kubernetes.io/managed-by": "pulumi" };

    // The operator: `baseline` (its chart sets no seccomp profile). Elasticsearch and Kibana:
    // `baseline` (ECK sets no seccomp profile either; mmap is off, so no privileged sysctl init
    // container). Filebeat, the one pod that needs the host, runs in the node agents' namespace.
    const operatorNs = new k8s.core.v1.Namespace(`${name}-operator-namespace`, { metadata: { name: n.operatorNamespace, labels: { ...labels, ...podSecurityLabels("baseline") } } }, k8sOpts);
    const ns = new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: n.namespace, labels: { ...labels, ...podSecurityLabels("baseline") } } }, k8sOpts);
    new NamespaceGuard(
      `${name}-operator-guard`,
      { provider: args.provider, namespace: n.operatorNamespace, namespaceResource: operatorNs, ingress: operatorIngress(args.webhookSourceCidrs), egress: operatorEgress(n.namespace) },
      { parent: this },
    );
    new NamespaceGuard(
      `${name}-guard`,
      { provider: args.provider, namespace: n.namespace, namespaceResource: ns, ingress: loggingIngress(n.operatorNamespace, args.nodeAgents.namespace), egress: loggingEgress() },
      { parent: this },
    );

    // Elasticsearch's HTTP certificate from a CA whose bundle can be issued into other namespaces.
    this.tls = new PrivateCa(
      `${name}-tls`,
      {
        provider: args.provider,
        certManagerRelease: args.certManager.release,
        certManagerNamespace: args.certManager.namespace,
        selfSignedIssuer: args.certManager.selfSignedIssuer,
        issuerName: LOGGING_TLS_NAMES.issuer,
        server: {
          role: "elasticsearch",
          namespace: n.namespace,
          namespaceResource: ns,
          services: [`${n.elasticsearch}-es-http`, `${n.elasticsearch}-es-internal-http`],
          secretName: LOGGING_TLS_NAMES.elasticsearchCertificate,
        },
        bundleSecretName: LOGGING_TLS_NAMES.caBundle,
        trustIn: {
          filebeat: { namespace: args.nodeAgents.namespace, namespaceName: args.nodeAgents.namespace, namespaceResource: args.nodeAgents.namespaceResource },
          "filebeat-setup": { namespace: n.namespace, namespaceName: n.namespace, namespaceResource: ns },
        },
      },
      { parent: this },
    );

    // Encrypted gp3 through the EBS CSI add-on; WaitForFirstConsumer so each volume is created in
    // the zone its pod was scheduled to. tagSpecification_N tags the volumes themselves.
    // https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/master/docs/parameters.md
    const tagParameters = Object.fromEntries(Object.entries({ ...args.tags, Name: `entasis-logging-elasticsearch` }).map(([k, v], i) => [`tagSpecification_${i + 1}`, `${k}=${v}`]));
    const storageClass = new k8s.storage.v1.StorageClass(
      `${name}-storage-class`,
      {
        metadata: { name: n.storageClass, labels },
        provisioner: "ebs.csi.aws.com",
        parameters: { type: "gp3", encrypted: "true", kmsKeyId: args.volumeKeyArn, fsType: "ext4", ...tagParameters },
        volumeBindingMode: "WaitForFirstConsumer",
        allowVolumeExpansion: true,
        reclaimPolicy: cfg.elasticsearch.reclaimPolicy,
      },
      { ...k8sOpts, dependsOn: [...(args.volumeDriver ?? [])] },
    );

    this.operator = new k8s.helm.v3.Release(
      `${name}-eck-operator`,
      {
        ...pinnedRelease(CHARTS.eckOperator, "elastic-operator", n.operatorNamespace),
        values: {
          // The CRDs (Elasticsearch, Kibana, ...) come with the eck-operator-crds subchart.
          installCRDs: true,
          // Watch only the logging namespace: nobody else gets an operator-managed cluster by accident.
          managedNamespaces: [n.namespace],
          nodeSelector: { role: args.systemPoolLabels.role },
          resources: { requests: { cpu: "100m", memory: "150Mi" }, limits: { cpu: "1", memory: "1Gi" } },
        },
      },
      // Its validating webhook (ECK kinds only) fails open (webhook.failurePolicy: Ignore, chart default).
      { ...k8sOpts, dependsOn: [operatorNs, ns, ...args.scheduledAfter] },
    );

    // Filebeat's own Elasticsearch user in ECK's file realm: write access to filebeat-* only,
    // instead of handing the `elastic` superuser to a DaemonSet on every node.
    // https://www.elastic.co/guide/en/cloud-on-k8s/current/k8s-users-and-roles.html
    const password = new random.RandomPassword(`${name}-filebeat-password`, { length: 32, special: false, ...rotationKeepers(args.filebeatPasswordGeneration) }, { parent: this });
    const userSecret = new k8s.core.v1.Secret(
      `${name}-filebeat-user`,
      {
        metadata: { name: n.filebeatUserSecret, namespace: n.namespace, labels },
        type: "kubernetes.io/basic-auth",
        stringData: { username: FILEBEAT_USER, password: password.result, roles: FILEBEAT_ROLE },
      },
      { ...k8sOpts, dependsOn: [ns] },
    );
    // The same credential beside the DaemonSet, without the realm's role mapping: the file realm
    // reads its Secrets from Elasticsearch's namespace only.
    const agentSecret = new k8s.core.v1.Secret(
      `${name}-filebeat-agent-credential`,
      {
        metadata: { name: n.filebeatAgentSecret, namespace: args.nodeAgents.namespace, labels },
        type: "kubernetes.io/basic-auth",
        stringData: { username: FILEBEAT_USER, password: password.result },
      },
      { ...k8sOpts, dependsOn: [args.nodeAgents.namespaceResource] },
    );
    // The setup credential (index template, ILM policy) goes to the one-shot setup Job only.
    const setupPassword = new random.RandomPassword(`${name}-filebeat-setup-password`, { length: 32, special: false, ...rotationKeepers(args.filebeatPasswordGeneration) }, { parent: this });
    const setupSecret = new k8s.core.v1.Secret(
      `${name}-filebeat-setup-user`,
      {
        metadata: { name: n.filebeatSetupSecret, namespace: n.namespace, labels },
        type: "kubernetes.io/basic-auth",
        stringData: { username: FILEBEAT_SETUP_USER, password: setupPassword.result, roles: FILEBEAT_SETUP_ROLE },
      },
      { ...k8sOpts, dependsOn: [ns] },
    );
    const rolesSecret = new k8s.core.v1.Secret(
      `${name}-filebeat-roles`,
      { metadata: { name: n.filebeatRolesSecret, namespace: n.namespace, labels }, stringData: { "roles.yml": filebeatRoles() } },
      { ...k8sOpts, dependsOn: [ns] },
    );

    // The operator release installs the CRDs and admits these kinds; the pods they make go to the system pool.
    const crOpts = { ...k8sOpts, dependsOn: [this.operator, storageClass, userSecret, setupSecret, rolesSecret, this.tls.serverCertificate, ...args.scheduledAfter] };
    this.elasticsearch = new k8s.apiextensions.CustomResource(
      `${name}-elasticsearch`,
      {
        apiVersion: "elasticsearch.k8s.elastic.co/v1",
        kind: "Elasticsearch",
        metadata: elasticsearchSpec(cfg, args.systemPoolLabels).metadata,
        spec: elasticsearchSpec(cfg, args.systemPoolLabels).spec,
      },
      crOpts,
    );
    this.kibana = new k8s.apiextensions.CustomResource(
      `${name}-kibana`,
      { apiVersion: "kibana.k8s.elastic.co/v1", kind: "Kibana", metadata: kibanaSpec(cfg, args.systemPoolLabels).metadata, spec: kibanaSpec(cfg, args.systemPoolLabels).spec },
      { ...crOpts, dependsOn: [...crOpts.dependsOn, this.elasticsearch] },
    );

    this.elasticsearchService = `${n.elasticsearch}-es-http.${n.namespace}.svc`;
    this.kibanaUrl = `https://${n.kibana}-kb-http.${n.namespace}.svc:5601`;

    this.filebeat = new FilebeatDaemonSet(
      `${name}-filebeat`,
      {
        namespace: args.nodeAgents.namespace,
        namespaceResource: args.nodeAgents.namespaceResource,
        setupNamespace: n.namespace,
        elasticsearch: { pods: LOGGING_PODS.elasticsearch, port: LOGGING_PORTS.http },
        stackVersion: cfg.stackVersion,
        elasticsearchUrl: `https://${this.elasticsearchService}:${LOGGING_PORTS.http}`,
        // The logging CA, issued into both namespaces (this.tls).
        caSecret: LOGGING_TLS_NAMES.caBundle,
        userSecret: n.filebeatAgentSecret,
        setupSecret: n.filebeatSetupSecret,
        systemPoolLabels: args.systemPoolLabels,
        setupAfter: [this.elasticsearch, userSecret, setupSecret, this.tls.caBundles["filebeat-setup"]],
        agentAfter: [agentSecret, this.tls.caBundles.filebeat],
        credentialGeneration: args.filebeatPasswordGeneration,
        retentionDays: cfg.retentionDays,
        indexReplicas: cfg.elasticsearch.nodes > 1 ? 1 : 0,
        resources: cfg.filebeat.resources,
        provider: args.provider,
        scheduledAfter: args.scheduledAfter,
      },
      { parent: this, dependsOn: [this.elasticsearch, userSecret] },
    );

    this.registerOutputs({ kibanaUrl: this.kibanaUrl, elasticsearchService: this.elasticsearchService });
  }
}
