import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CHARTS, chartSource, helmWaitOptions } from "../../lib/helmCharts";
import { podSecurityLabels } from "../../lib/podSecurity";
import { IrsaRole } from "../cluster/irsaRole";
import { NamespaceGuard } from "../security/namespaceGuard";
import { bucketAccess } from "./modelStore";
import { AiComponentArgs, placementOn } from "./placement";
import { workloadRole } from "../security/workloadIdentity";
import { EXAMPLE_INFERENCE_SERVICE, INFERENCE_SERVICE_ACCOUNT, exampleInferenceService, inferencePdb, inferenceUrl, TRITON_RUNTIME, tritonServingRuntime } from "./servingObjects";

/** Namespace of the KServe controller and webhook (the chart's objects name it). */
export const KSERVE_NAMESPACE = "kserve";

/** `region` is the model bucket's (S3 endpoint of the storage initializer). */
export interface ModelServingArgs extends AiComponentArgs {
  /** The GPU pool's node group and CoreDNS (`cluster.scheduledOn`), for the example's pods. */
  readonly gpuScheduledAfter: readonly pulumi.Resource[];
  /** cert-manager's release: KServe's chart creates an Issuer and Certificate for its webhook. */
  readonly certManagerRelease: pulumi.Resource;
  /** KMS key of the model bucket. */
  readonly modelKeyArn: pulumi.Output<string>;
  /** Autoscaling bounds and GPU limit of every inference pod (validated against the GPU pool). */
  readonly minReplicas: number;
  /** Autoscaling ceiling of the example. */
  readonly maxReplicas: number;
  /** nvidia.com/gpu request and limit of every Triton pod. */
  readonly gpusPerReplica: number;
  /** Triton container CPU request and memory request/limit. */
  readonly resources: { readonly cpuMillis: number; readonly memoryMiB: number };
  /** Where the API server calls webhooks from: the private subnets holding the EKS control plane's ENIs. No default. */
  readonly webhookSourceCidrs: readonly string[];
}

/** KServe's webhook server port (kserve-webhook-server-service targets 9443). */
const KSERVE_WEBHOOK_PORT = 9443;

/**
 * KServe v0.20 in Standard mode (plain Deployments, Services and HPAs; no Knative, no Istio, no
 * Ingress objects): CRDs from their own release first, then the controller and webhook on the system
 * pool, whose serving certificate cert-manager issues. The platform's Triton ServingRuntime puts
 * every inference pod on the GPU pool with its GPU limit; models come from the KMS-encrypted model
 * bucket through the `kserve-models` service account (IRSA; KServe's storage initializer reads
 * s3:// with the pod's web identity). https://kserve.github.io/website/docs/admin-guide/kubernetes-deployment
 */
export class ModelServing extends pulumi.ComponentResource {
  public readonly crdRelease: k8s.helm.v3.Release;
  public readonly release: k8s.helm.v3.Release;
  public readonly namespace: k8s.core.v1.Namespace;
  /** The controller's namespace, created here (not by Helm) so it carries a Pod Security level and NetworkPolicies. */
  public readonly controllerNamespace: k8s.core.v1.Namespace;
  public readonly role: IrsaRole;
  public readonly serviceAccount: k8s.core.v1.ServiceAccount;
  public readonly runtime: k8s.apiextensions.CustomResource;
  public readonly exampleService?: k8s.apiextensions.CustomResource;
  public readonly examplePdb?: k8s.policy.v1.PodDisruptionBudget;
  /** Name of the Triton ServingRuntime InferenceServices name in `predictor.model.runtime`. */
  public readonly runtimeName = TRITON_RUNTIME;
  /** `http://<name>-predictor.<namespace>.svc.cluster.local`. */
  public readonly urlPattern: string;

  constructor(name: string, args: ModelServingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:ai:ModelServing", name, {}, opts);
    const k8sOpts = { parent: this, provider: args.provider };
    const systemSelector = { role: args.systemPool.labels.role ?? args.systemPool.name };
    const s3Endpoint = `s3.${args.region}.amazonaws.com`;

    // The controller only talks to the API server; the API server calls its webhooks. `baseline`:
    // the chart's controller pod sets no seccomp profile.
    this.controllerNamespace = new k8s.core.v1.Namespace(`${name}-controller-namespace`, { metadata: { name: KSERVE_NAMESPACE, labels: podSecurityLabels("baseline") } }, k8sOpts);
    new NamespaceGuard(
      `${name}-controller-guard`,
      {
        provider: args.provider,
        namespace: KSERVE_NAMESPACE,
        namespaceResource: this.controllerNamespace,
        ingress: { webhook: { peers: [{ cidrs: args.webhookSourceCidrs }], ports: [KSERVE_WEBHOOK_PORT], why: "the API server calls KServe's admission webhooks" } },
      },
      { parent: this },
    );

    // kserve-crd renders its CRDs as templates: installed, upgraded and deleted with this release.
    this.crdRelease = new k8s.helm.v3.Release(
      `${name}-crds`,
      { ...chartSource(CHARTS.kserveCrd), name: "kserve-crd", namespace: KSERVE_NAMESPACE, createNamespace: false, cleanupOnFail: true, ...helmWaitOptions(CHARTS.kserveCrd) },
      { ...k8sOpts, dependsOn: [this.controllerNamespace, ...args.systemScheduledAfter] },
    );

    this.release = new k8s.helm.v3.Release(
      `${name}-controller`,
      {
        ...chartSource(CHARTS.kserveResources),
        name: "kserve",
        namespace: KSERVE_NAMESPACE,
        createNamespace: false,
        cleanupOnFail: true,
        // Image pull and the webhook certificate (cert-manager) before the controller is Ready.
        ...helmWaitOptions(CHARTS.kserveResources),
        values: {
          kserve: {
            controller: {
              // "Standard" is v0.20's name for RawDeployment (pkg/constants: LegacyRawDeployment deprecated).
              deploymentMode: "Standard",
              nodeSelector: systemSelector,
              gateway: {
                // No Istio and no ingress controller for inference: Services only, reached in-cluster.
                disableIngressCreation: true,
                disableIstioVirtualHost: true,
                ingressGateway: { enableGatewayApi: false },
              },
            },
            // Defaults of the storage initializer; the service account's annotations say the same.
            storage: { s3: { region: args.region, endpoint: s3Endpoint, useHttps: "1", verifySSL: "1" } },
          },
        },
      },
      { ...k8sOpts, dependsOn: [this.crdRelease, args.certManagerRelease, ...args.systemScheduledAfter] },
    );

    this.namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      {
        metadata: {
          name: args.namespace,
          // KServe's storage-initializer sets no seccomp profile, so `restricted` would reject it;
          // warn at restricted to keep the gap visible.
          labels: { "pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/warn": "restricted" },
        },
      },
      k8sOpts,
    );

    this.role = workloadRole(
      `${name}-models-reader`,
      args,
      {
        namespace: args.namespace,
        serviceAccount: INFERENCE_SERVICE_ACCOUNT,
        purpose: "KServe inference pods: read the model bucket",
        inlinePolicies: { "read-models": bucketAccess([args.modelBucketArn], args.modelKeyArn, args.region, false) },
      },
      this,
    );

    // KServe reads these annotations from the predictor's service account and sets the storage
    // initializer's S3 environment; the role annotation makes the EKS webhook inject the web identity.
    // https://kserve.github.io/website/docs/model-serving/storage/providers/s3
    this.serviceAccount = new k8s.core.v1.ServiceAccount(
      `${name}-service-account`,
      {
        metadata: {
          name: INFERENCE_SERVICE_ACCOUNT,
          namespace: this.namespace.metadata.name,
          annotations: {
            "eks.amazonaws.com/role-arn": this.role.arn,
            "serving.kserve.io/s3-endpoint": s3Endpoint,
            "serving.kserve.io/s3-region": args.region,
            "serving.kserve.io/s3-usehttps": "1",
            "serving.kserve.io/s3-verifyssl": "1",
          },
        },
      },
      k8sOpts,
    );

    const placement = placementOn(args.gpuPool);
    // The ServingRuntime CRD comes with the CRD release; KServe's webhook validates it.
    this.runtime = new k8s.apiextensions.CustomResource(
      `${name}-triton`,
      tritonServingRuntime({ namespace: args.namespace, placement, gpus: args.gpusPerReplica, ...args.resources }),
      { ...k8sOpts, dependsOn: [this.crdRelease, this.release, this.namespace] },
    );

    if (args.example) {
      this.exampleService = new k8s.apiextensions.CustomResource(
        `${name}-example`,
        exampleInferenceService({
          namespace: args.namespace,
          modelBucket: args.modelBucketName,
          placement,
          minReplicas: args.minReplicas,
          maxReplicas: args.maxReplicas,
          gpus: args.gpusPerReplica,
        }),
        { ...k8sOpts, dependsOn: [this.crdRelease, this.release, this.runtime, this.serviceAccount, ...args.gpuScheduledAfter] },
      );
      if (args.minReplicas >= 2) {
        this.examplePdb = new k8s.policy.v1.PodDisruptionBudget(`${name}-example-pdb`, inferencePdb(EXAMPLE_INFERENCE_SERVICE, args.namespace), { ...k8sOpts, dependsOn: [this.namespace] });
      }
    }

    this.urlPattern = inferenceUrl("<name>", args.namespace);
    this.registerOutputs({ namespace: args.namespace, serviceAccount: INFERENCE_SERVICE_ACCOUNT, urlPattern: this.urlPattern });
  }
}
