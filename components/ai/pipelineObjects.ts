import * as pulumi from "@pulumi/pulumi";
import { GPU_RESOURCE } from "./placement";
import { CustomObject, EXAMPLE_MODEL_PREFIX, GpuPodPlacement } from "./servingObjects";

/** Service account of every workflow pod (IRSA: artifact bucket read-write, model bucket publish). */
export const WORKFLOW_SERVICE_ACCOUNT = "argo-workflow";
/** Service account of the Argo server (IRSA: read artifacts and archived logs for the UI). */
export const SERVER_SERVICE_ACCOUNT = "argo-server";
/** Argo server Service: `<release>-server`, port 2746. */
export const ARGO_RELEASE = "argo-workflows";
export const ARGO_SERVER_SERVICE = `${ARGO_RELEASE}-server`;
export const ARGO_SERVER_PORT = 2746;
export const EXAMPLE_WORKFLOW_TEMPLATE = "train-and-publish";

/** Images of the example, pinned. The NGC PyTorch container has torch and onnx for the export. */
export const EXAMPLE_IMAGES = { prepare: "python:3.12-slim", train: "nvcr.io/nvidia/pytorch:25.10-py3", publish: "busybox:1.37" } as const;

export interface TrainAndPublishArgs {
  readonly namespace: string;
  readonly region: string;
  /** Model bucket the publish step writes the Triton model repository to. */
  readonly modelBucket: pulumi.Input<string>;
  /** The GPU pool (train) and the data-processing pool (prepare). */
  readonly gpu: GpuPodPlacement;
  readonly data: GpuPodPlacement;
  readonly trainingGpus: number;
  readonly ttlSeconds: number;
}

const requests = (cpu: string, memory: string) => ({ requests: { cpu, memory }, limits: { memory } });
const nonRoot = { runAsNonRoot: true, runAsUser: 1000, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } };

const PREPARE = `import json, os, random
os.makedirs("/tmp/dataset", exist_ok=True)
rows = [[random.random() for _ in range(4)] for _ in range(1024)]
json.dump({"x": rows, "y": [sum(r) for r in rows]}, open("/tmp/dataset/train.json", "w"))`;

const TRAIN = `import json, os, torch
d = json.load(open("/tmp/dataset/train.json"))
x, y = torch.tensor(d["x"]).cuda(), torch.tensor(d["y"]).unsqueeze(1).cuda()
model = torch.nn.Linear(4, 1).cuda()
opt = torch.optim.SGD(model.parameters(), lr=0.1)
for _ in range(200):
    opt.zero_grad(); loss = torch.nn.functional.mse_loss(model(x), y); loss.backward(); opt.step()
out = "/tmp/model-repository/example/1"
os.makedirs(out, exist_ok=True)
torch.onnx.export(model.cpu(), torch.zeros(1, 4), f"{out}/model.onnx", input_names=["input"], output_names=["output"], dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
open("/tmp/model-repository/example/config.pbtxt", "w").write('name: "example"\\nbackend: "onnxruntime"\\nmax_batch_size: 64\\n')`;

/**
 * Example WorkflowTemplate: prepare a dataset on the data-processing pool, train on a GPU of the
 * ai-inference pool, publish the Triton model repository to the model bucket (the example
 * InferenceService's storageUri). Intermediate artifacts go to the default artifact repository
 * (the artifact bucket); logs are archived there too.
 */
export function trainAndPublishTemplate(a: TrainAndPublishArgs): CustomObject {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "WorkflowTemplate",
    metadata: { name: EXAMPLE_WORKFLOW_TEMPLATE, namespace: a.namespace },
    spec: {
      entrypoint: "main",
      serviceAccountName: WORKFLOW_SERVICE_ACCOUNT,
      archiveLogs: true,
      ttlStrategy: { secondsAfterCompletion: a.ttlSeconds },
      podGC: { strategy: "OnPodSuccess" },
      securityContext: { runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000 },
      templates: [
        {
          name: "main",
          steps: [
            [{ name: "prepare", template: "prepare" }],
            [{ name: "train", template: "train", arguments: { artifacts: [{ name: "dataset", from: "{{steps.prepare.outputs.artifacts.dataset}}" }] } }],
            [{ name: "publish", template: "publish", arguments: { artifacts: [{ name: "model", from: "{{steps.train.outputs.artifacts.model}}" }] } }],
          ],
        },
        {
          name: "prepare",
          // CPU and memory work: the data-processing pool (its role label and taint).
          nodeSelector: { ...a.data.nodeSelector },
          tolerations: a.data.tolerations.map((t) => ({ ...t })),
          script: { image: EXAMPLE_IMAGES.prepare, command: ["python"], source: PREPARE, resources: requests("500m", "1Gi"), securityContext: nonRoot },
          outputs: { artifacts: [{ name: "dataset", path: "/tmp/dataset" }] },
        },
        {
          name: "train",
          // GPU work: the ai-inference pool, with the GPUs it needs as request and limit.
          nodeSelector: { ...a.gpu.nodeSelector },
          tolerations: a.gpu.tolerations.map((t) => ({ ...t })),
          inputs: { artifacts: [{ name: "dataset", path: "/tmp/dataset" }] },
          script: {
            image: EXAMPLE_IMAGES.train,
            command: ["python"],
            source: TRAIN,
            resources: { requests: { cpu: "1", memory: "4Gi", [GPU_RESOURCE]: String(a.trainingGpus) }, limits: { memory: "8Gi", [GPU_RESOURCE]: String(a.trainingGpus) } },
            securityContext: nonRoot,
          },
          outputs: { artifacts: [{ name: "model", path: "/tmp/model-repository" }] },
        },
        {
          name: "publish",
          inputs: { artifacts: [{ name: "model", path: "/tmp/model-repository" }] },
          container: { image: EXAMPLE_IMAGES.publish, command: ["ls", "-R", "/tmp/model-repository"], resources: requests("50m", "64Mi"), securityContext: nonRoot },
          outputs: {
            artifacts: [
              {
                name: "published",
                path: "/tmp/model-repository",
                // Unpacked, so Triton reads <model>/config.pbtxt and <model>/1/model.onnx directly.
                archive: { none: {} },
                s3: { bucket: a.modelBucket, key: EXAMPLE_MODEL_PREFIX, endpoint: `s3.${a.region}.amazonaws.com`, region: a.region, useSDKCreds: true },
              },
            ],
          },
        },
      ],
    },
  };
}
