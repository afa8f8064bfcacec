import * as pulumi from "@pulumi/pulumi";
import { GPU_RESOURCE, Toleration } from "./placement";

/** A namespaced custom object as the API server takes it (what k8s.apiextensions.CustomResource accepts). */
export type CustomObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  spec: Record<string, unknown>;
};

/** `s3://<bucket>/<key>`, plain when the bucket name is (tests), an Output when it is not yet known. */
export function s3Uri(bucket: pulumi.Input<string>, key: string): pulumi.Input<string> {
  return typeof bucket === "string" ? `s3://${bucket}/${key}` : pulumi.interpolate`s3://${bucket}/${key}`;
}

/**
 * Kubernetes objects of model serving as plain data: the platform's Triton runtime and the example
 * InferenceService app teams copy. Pure functions, so tests schema-check them against the KServe
 * CRDs even when config leaves the example off.
 */

/**
 * NVIDIA Triton, pinned. 25.10 supports compute capability 7.5 and later, so the T4 of g4dn.
 * https://docs.nvidia.com/deeplearning/triton-inference-server/release-notes/rel-25-10.html
 */
export const TRITON_IMAGE = "nvcr.io/nvidia/tritonserver:25.10-py3";
export const TRITON_RUNTIME = "triton";
/** Ports of KServe's Triton runtime: HTTP (v2 REST) 8080, gRPC 9000, metrics 8002. */
export const TRITON_PORTS = { http: 8080, grpc: 9000, metrics: 8002 } as const;
/** Service account of inference pods (IRSA: read the model bucket). */
export const INFERENCE_SERVICE_ACCOUNT = "kserve-models";
export const EXAMPLE_INFERENCE_SERVICE = "example-triton";

/**
 * In-cluster URL of an InferenceService in Standard (raw Deployment) mode with ingress creation off:
 * KServe's predictor Service `<name>-predictor`, port 80 to the runtime's HTTP port.
 */
export function inferenceUrl(name: string, namespace: string): string {
  return `http://${name}-predictor.${namespace}.svc.cluster.local`;
}

export interface GpuPodPlacement {
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
}

export interface TritonRuntimeArgs {
  readonly namespace: string;
  readonly placement: GpuPodPlacement;
  readonly gpus: number;
  readonly cpuMillis: number;
  readonly memoryMiB: number;
}

/**
 * The Triton ServingRuntime, after KServe's own `kserve-tritonserver` (config/runtimes/
 * kserve-tritonserver.yaml at v0.20.0: args, ports, protocols, formats), with the platform's GPU
 * limit and placement: every pod of the runtime lands on the GPU pool and holds its GPUs.
 */
export function tritonServingRuntime(a: TritonRuntimeArgs): CustomObject {
  const memory = `${a.memoryMiB}Mi`;
  return {
    apiVersion: "serving.kserve.io/v1alpha1",
    kind: "ServingRuntime",
    metadata: { name: TRITON_RUNTIME, namespace: a.namespace, annotations: { "serving.kserve.io/server-type": "tritonserver" } },
    spec: {
      annotations: { "prometheus.kserve.io/port": String(TRITON_PORTS.metrics), "prometheus.kserve.io/path": "/metrics" },
      supportedModelFormats: [
        { name: "tensorrt", version: "8", autoSelect: true, priority: 1 },
        { name: "tensorflow", version: "2", autoSelect: true, priority: 1 },
        { name: "onnx", version: "1", autoSelect: true, priority: 1 },
        { name: "pytorch", version: "1" },
        { name: "triton", version: "2", autoSelect: true, priority: 1 },
      ],
      protocolVersions: ["v2", "grpc-v2"],
      nodeSelector: { ...a.placement.nodeSelector },
      tolerations: a.placement.tolerations.map((t) => ({ ...t })),
      containers: [
        {
          name: "kserve-container",
          image: TRITON_IMAGE,
          args: [
            "tritonserver",
            "--model-store=/mnt/models",
            `--grpc-port=${TRITON_PORTS.grpc}`,
            `--http-port=${TRITON_PORTS.http}`,
            "--allow-grpc=true",
            "--allow-http=true",
            `--metrics-port=${TRITON_PORTS.metrics}`,
          ],
          // https://docs.nvidia.com/deeplearning/triton-inference-server/user-guide/docs/customization_guide/deploy.html#run-as-a-non-root-user
          securityContext: { runAsUser: 1000, runAsNonRoot: true, allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } },
          resources: {
            requests: { cpu: `${a.cpuMillis}m`, memory, [GPU_RESOURCE]: String(a.gpus) },
            // Extended resources cannot be overcommitted: request and limit must be equal.
            limits: { memory, [GPU_RESOURCE]: String(a.gpus) },
          },
        },
      ],
    },
  };
}

export interface ExampleInferenceServiceArgs {
  readonly namespace: string;
  readonly modelBucket: pulumi.Input<string>;
  readonly placement: GpuPodPlacement;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly gpus: number;
}

/** Pods of an InferenceService's predictor (labels KServe puts on them). */
export function predictorPodLabels(name: string): Record<string, string> {
  return { "serving.kserve.io/inferenceservice": name, component: "predictor" };
}

/**
 * Example InferenceService on the Triton runtime: an ONNX model from the model bucket (published
 * by the example WorkflowTemplate), HPA between the configured bounds, spread across zones.
 */
export function exampleInferenceService(a: ExampleInferenceServiceArgs): CustomObject {
  return {
    apiVersion: "serving.kserve.io/v1beta1",
    kind: "InferenceService",
    metadata: {
      name: EXAMPLE_INFERENCE_SERVICE,
      namespace: a.namespace,
      // Standard mode: a Deployment, Service and HPA, no Knative. https://kserve.github.io/website/docs/admin-guide/kubernetes-deployment
      annotations: { "serving.kserve.io/deploymentMode": "Standard", "serving.kserve.io/autoscalerClass": "hpa" },
    },
    spec: {
      predictor: {
        serviceAccountName: INFERENCE_SERVICE_ACCOUNT,
        minReplicas: a.minReplicas,
        maxReplicas: a.maxReplicas,
        scaleMetric: "cpu",
        scaleTarget: 70,
        nodeSelector: { ...a.placement.nodeSelector },
        tolerations: a.placement.tolerations.map((t) => ({ ...t })),
        topologySpreadConstraints: [
          { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: predictorPodLabels(EXAMPLE_INFERENCE_SERVICE) } },
        ],
        model: {
          modelFormat: { name: "onnx" },
          runtime: TRITON_RUNTIME,
          protocolVersion: "v2",
          storageUri: s3Uri(a.modelBucket, EXAMPLE_MODEL_PREFIX),
          resources: { limits: { [GPU_RESOURCE]: String(a.gpus) }, requests: { [GPU_RESOURCE]: String(a.gpus) } },
        },
      },
    },
  };
}

/** Where the example pipeline publishes and the example InferenceService loads (a Triton model repository). */
export const EXAMPLE_MODEL_PREFIX = "example/triton-repository";

/** One pod of the predictor may be evicted at a time (drains, node upgrades), never two. */
export function inferencePdb(name: string, namespace: string): { apiVersion: "policy/v1"; kind: "PodDisruptionBudget"; metadata: { name: string; namespace: string }; spec: { maxUnavailable: number; selector: { matchLabels: Record<string, string> } } } {
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name: `${name}-predictor`, namespace },
    spec: { maxUnavailable: 1, selector: { matchLabels: predictorPodLabels(name) } },
  };
}
