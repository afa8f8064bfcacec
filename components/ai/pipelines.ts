import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CHARTS, chartSource, helmWaitOptions } from "../../lib/helmCharts";
import { IrsaRole } from "../cluster/irsaRole";
import { PoolDescription } from "../cluster/nodePool";
import { bucketAccess } from "./modelStore";
import { ARGO_RELEASE, SERVER_SERVICE_ACCOUNT, WORKFLOW_SERVICE_ACCOUNT, trainAndPublishTemplate } from "./pipelineObjects";
import { AiComponentArgs, placementOn } from "./placement";
import { workloadRole } from "../security/workloadIdentity";

/** `region` is the buckets' (S3 endpoint of the artifact repository). */
export interface PipelinesArgs extends AiComponentArgs {
  /** The pool CPU/memory-heavy data steps may target (GPU steps target gpuPool). No default. */
  readonly dataPool: PoolDescription;
  /** Default artifact repository (name) and its ARN for IAM. */
  readonly artifactBucketName: pulumi.Output<string>;
  /** ARN of the artifact bucket. */
  readonly artifactBucketArn: pulumi.Output<string>;
  /** KMS key of both buckets. */
  readonly keyArn: pulumi.Output<string>;
  /** Hours a finished workflow stays in the cluster before the controller deletes it. */
  readonly workflowTtlHours: number;
  /** Controller and server replicas; 2+ adds PodDisruptionBudgets. */
  readonly replicas: number;
  /** nvidia.com/gpu of the example's training step. */
  readonly trainingGpus: number;
}

const RESOURCES = { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "512Mi" } };

/**
 * Argo Workflows in its own namespace, namespaced (`singleNamespace`: Roles, not ClusterRoles, and
 * only this namespace's workflows). Artifacts and step logs go to the KMS-encrypted artifact bucket
 * with the pods' IRSA credentials (`useSDKCreds`, no static keys). The server is a ClusterIP
 * Service with no ingress and `client` auth (callers present their own Kubernetes token).
 *
 * Retention without a database: finished workflows are deleted from the cluster after
 * `workflowTtlHours` (ttlStrategy in the controller's workflowDefaults), while their logs and
 * artifacts stay in S3 for the bucket's lifecycle (`artifactRetentionDays`). The workflow archive
 * (persistence) is off: it needs PostgreSQL or MySQL, and the platform's RDS instance belongs to
 * the trading data tier. https://argo-workflows.readthedocs.io/en/latest/workflow-archive/
 *
 * CRDs: `crds.full: false` renders the minimal CRDs as chart templates. The full ones are applied
 * by a hook Job that downloads them from raw.githubusercontent.com, which a first deploy without
 * egress to GitHub cannot do. Objects are still validated against the full schemas in the tests.
 */
export class Pipelines extends pulumi.ComponentResource {
  public readonly namespace: k8s.core.v1.Namespace;
  public readonly workflowRole: IrsaRole;
  public readonly serverRole: IrsaRole;
  public readonly release: k8s.helm.v3.Release;
  public readonly exampleTemplate?: k8s.apiextensions.CustomResource;

  constructor(name: string, args: PipelinesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:ai:Pipelines", name, {}, opts);
    const k8sOpts = { parent: this, provider: args.provider };
    const ns = args.namespace;
    const system = { role: args.systemPool.labels.role ?? args.systemPool.name };

    this.namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      { metadata: { name: ns, labels: { "pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/warn": "restricted" } } },
      k8sOpts,
    );

    const irsa = (key: string, serviceAccount: string, purpose: string, policy: aws.iam.PolicyDocument): IrsaRole =>
      workloadRole(`${name}-${key}`, args, { namespace: ns, serviceAccount, purpose, inlinePolicies: { buckets: policy } }, this);
    this.workflowRole = irsa(
      "workflow",
      WORKFLOW_SERVICE_ACCOUNT,
      "Argo workflow pods: artifacts and model publishing",
      bucketAccess([args.artifactBucketArn, args.modelBucketArn], args.keyArn, args.region, true),
    );
    this.serverRole = irsa("server", SERVER_SERVICE_ACCOUNT, "Argo server: read artifacts and logs", bucketAccess([args.artifactBucketArn], args.keyArn, args.region, false));

    const ha = { replicas: args.replicas, pdb: { enabled: args.replicas > 1, minAvailable: 1 } };
    const roleAnnotation = (role: IrsaRole) => ({ "eks.amazonaws.com/role-arn": role.arn });
    this.release = new k8s.helm.v3.Release(
      `${name}-argo-workflows`,
      {
        ...chartSource(CHARTS.argoWorkflows),
        name: ARGO_RELEASE,
        namespace: ns,
        cleanupOnFail: true,
        ...helmWaitOptions(CHARTS.argoWorkflows),
        values: {
          crds: { install: true, full: false, keep: true },
          singleNamespace: true,
          workflow: { serviceAccount: { create: true, name: WORKFLOW_SERVICE_ACCOUNT, annotations: roleAnnotation(this.workflowRole) }, rbac: { create: true } },
          controller: {
            ...ha,
            nodeSelector: system,
            resources: RESOURCES,
            workflowNamespaces: [ns],
            workflowDefaults: {
              spec: {
                serviceAccountName: WORKFLOW_SERVICE_ACCOUNT,
                ttlStrategy: { secondsAfterCompletion: args.workflowTtlHours * 3600 },
                podGC: { strategy: "OnPodSuccess" },
              },
            },
          },
          server: {
            ...ha,
            nodeSelector: system,
            resources: RESOURCES,
            serviceType: "ClusterIP",
            ingress: { enabled: false },
            authModes: ["client"],
            serviceAccount: { create: true, name: SERVER_SERVICE_ACCOUNT, annotations: roleAnnotation(this.serverRole) },
          },
          useStaticCredentials: false,
          artifactRepository: {
            archiveLogs: true,
            // Default bucket encryption (SSE-KMS with the area's key) applies to every object.
            s3: {
              bucket: args.artifactBucketName,
              endpoint: `s3.${args.region}.amazonaws.com`,
              region: args.region,
              insecure: false,
              useSDKCreds: true,
              keyFormat: "{{workflow.namespace}}/{{workflow.name}}/{{pod.name}}",
            },
          },
        },
      },
      { ...k8sOpts, dependsOn: [this.namespace, ...args.systemScheduledAfter] },
    );

    if (args.example) {
      this.exampleTemplate = new k8s.apiextensions.CustomResource(
        `${name}-example`,
        trainAndPublishTemplate({
          namespace: ns,
          region: args.region,
          modelBucket: args.modelBucketName,
          gpu: placementOn(args.gpuPool),
          data: placementOn(args.dataPool),
          trainingGpus: args.trainingGpus,
          ttlSeconds: args.workflowTtlHours * 3600,
        }),
        { ...k8sOpts, dependsOn: [this.release, this.namespace] },
      );
    }

    this.registerOutputs({ namespace: ns, workflowServiceAccount: WORKFLOW_SERVICE_ACCOUNT });
  }
}
