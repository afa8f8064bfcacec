import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CHARTS, ChartPin, helmWaitOptions } from "../../lib/helmCharts";
import { Tags } from "../tags";
import { IrsaRole, OidcIssuer } from "./irsaRole";
import { KubernetesTaint, PoolDescription } from "./nodePool";

export interface SystemChartsArgs extends OidcIssuer {
  readonly namePrefix: string;
  readonly clusterName: pulumi.Input<string>;
  readonly region: string;
  readonly provider: k8s.Provider;
  /** The untainted pool the cluster-wide services run on. */
  readonly systemPool: PoolDescription;
  /** Pools with NVIDIA GPUs on AL2023 (Bottlerocket's NVIDIA AMI ships its own device plugin). Default none. */
  readonly gpuPools?: readonly PoolDescription[];
  /** Default 1; 2 or more adds a PodDisruptionBudget. */
  readonly metricsServerReplicas?: number;
  /**
   * What every release waits for: the system pool's node group and CoreDNS (`cluster.scheduledOn`
   * of the system pool). The NVIDIA device plugin waits for these too, never for the GPU pools.
   */
  readonly scheduledAfter: readonly pulumi.Resource[];
  readonly tags: Tags;
}

const NAMESPACE = "kube-system";
const AUTOSCALER_SA = "cluster-autoscaler";

function release(chart: ChartPin): Pick<k8s.helm.v3.ReleaseArgs, "chart" | "version" | "repositoryOpts" | "namespace" | "cleanupOnFail" | "timeout" | "waitForJobs"> {
  return { chart: chart.chart, version: chart.version, repositoryOpts: { repo: chart.repo }, namespace: NAMESPACE, cleanupOnFail: true, ...helmWaitOptions(chart) };
}

/**
 * Cluster-level services every pool needs: the cluster autoscaler (with its IRSA role, so the
 * pools really move between min and max), metrics-server (for HPA) and, when there are GPU
 * pools, the NVIDIA device plugin on those pools only.
 */
export class SystemCharts extends pulumi.ComponentResource {
  public readonly autoscalerRole: IrsaRole;
  public readonly clusterAutoscaler: k8s.helm.v3.Release;
  public readonly metricsServer: k8s.helm.v3.Release;
  public readonly nvidiaDevicePlugin?: k8s.helm.v3.Release;

  constructor(name: string, args: SystemChartsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:cluster:SystemCharts", name, {}, opts);
    const replicas = args.metricsServerReplicas ?? 1;
    const gpuPools = args.gpuPools ?? [];
    // On the releases, not on this component: the autoscaler's IAM role need not wait for nodes.
    const k8sOpts = { parent: this, provider: args.provider, dependsOn: [...args.scheduledAfter] };
    const onSystemPool = { nodeSelector: { role: args.systemPool.labels.role } };

    // The autoscaler's documented policy ("Full Cluster Autoscaler Features Policy"), with the
    // write actions limited to Auto Scaling groups tagged for this cluster, as its README
    // recommends. EKS tags every managed node group's ASG with k8s.io/cluster-autoscaler/<cluster>.
    // eks:DescribeNodegroup lets it learn labels and taints of pools at zero nodes (scale from zero).
    // https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/cloudprovider/aws/README.md#iam-policy
    const ownedTag = pulumi.interpolate`aws:ResourceTag/k8s.io/cluster-autoscaler/${args.clusterName}`;
    this.autoscalerRole = new IrsaRole(
      `${name}-autoscaler`,
      {
        namePrefix: args.namePrefix,
        oidcProviderArn: args.oidcProviderArn,
        issuerHostPath: args.issuerHostPath,
        namespace: NAMESPACE,
        serviceAccount: AUTOSCALER_SA,
        description: `${args.namePrefix} cluster-autoscaler (IRSA)`,
        inlinePolicies: {
          "cluster-autoscaler": ownedTag.apply((tagKey): aws.iam.PolicyDocument => ({
            Version: "2012-10-17",
            Statement: [
              {
                Sid: "Discover",
                Effect: "Allow",
                Action: [
                  "autoscaling:DescribeAutoScalingGroups",
                  "autoscaling:DescribeAutoScalingInstances",
                  "autoscaling:DescribeLaunchConfigurations",
                  "autoscaling:DescribeScalingActivities",
                  "ec2:DescribeImages",
                  "ec2:DescribeInstanceTypes",
                  "ec2:DescribeLaunchTemplateVersions",
                  "ec2:GetInstanceTypesFromInstanceRequirements",
                  "eks:DescribeNodegroup",
                ],
                Resource: "*",
              },
              {
                Sid: "ScaleOwnGroups",
                Effect: "Allow",
                Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
                Resource: "*",
                // The tag must exist; its value is EKS's business.
                Condition: { Null: { [tagKey]: "false" } },
              },
            ],
          })),
        },
        tags: args.tags,
      },
      { parent: this },
    );

    this.clusterAutoscaler = new k8s.helm.v3.Release(
      `${name}-cluster-autoscaler`,
      {
        ...release(CHARTS.clusterAutoscaler),
        name: "cluster-autoscaler",
        values: {
          cloudProvider: "aws",
          awsRegion: args.region,
          autoDiscovery: { clusterName: args.clusterName },
          fullnameOverride: "cluster-autoscaler",
          rbac: { serviceAccount: { create: true, name: AUTOSCALER_SA, annotations: { "eks.amazonaws.com/role-arn": this.autoscalerRole.arn } } },
          extraArgs: {
            logtostderr: true,
            stderrthreshold: "info",
            v: 4,
            // Pools differ on purpose; pick the one that wastes least for the pending pods.
            expander: "least-waste",
            // metrics-server and others use emptyDir scratch space; without this the general
            // pool would never scale down.
            "skip-nodes-with-local-storage": false,
            // Zonal pools have one node group per zone: scale them evenly, so a zone keeps room
            // for the pods whose volumes live there. The AWS provider already ignores the labels
            // that differ between such groups (eks.amazonaws.com/nodegroup, the zone).
            // https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/FAQ.md#im-running-cluster-with-nodes-in-multiple-zones-for-ha-purposes-is-that-supported-by-cluster-autoscaler
            "balance-similar-node-groups": true,
          },
          ...onSystemPool,
        },
      },
      k8sOpts,
    );

    this.metricsServer = new k8s.helm.v3.Release(
      `${name}-metrics-server`,
      {
        ...release(CHARTS.metricsServer),
        name: "metrics-server",
        values: {
          replicas,
          podDisruptionBudget: replicas > 1 ? { enabled: true, minAvailable: 1 } : { enabled: false },
          ...onSystemPool,
        },
      },
      k8sOpts,
    );

    if (gpuPools.length > 0) {
      // A per-node agent: with no GPU node joined yet its DaemonSet has nothing to schedule and the
      // install succeeds; pods start as GPU nodes join. So it waits for the system pool like the
      // other charts and never for the GPU pools, whose node groups a quota can block for good.
      // The chart's default affinity wants node-feature-discovery labels, which nothing here sets;
      // select the GPU pools by their role label instead and tolerate exactly their taints.
      // Lists replace the chart's defaults wholesale, so CriticalAddonsOnly is kept explicitly.
      const tolerations = [
        { key: "CriticalAddonsOnly", operator: "Exists" },
        ...uniqueTolerations(gpuPools.flatMap((p) => p.taints)),
      ];
      this.nvidiaDevicePlugin = new k8s.helm.v3.Release(
        `${name}-nvidia-device-plugin`,
        {
          ...release(CHARTS.nvidiaDevicePlugin),
          name: "nvidia-device-plugin",
          values: {
            affinity: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [{ matchExpressions: [{ key: "role", operator: "In", values: gpuPools.map((p) => p.labels.role) }] }],
                },
              },
            },
            tolerations,
          },
        },
        k8sOpts,
      );
    }

    this.registerOutputs({ autoscalerRoleArn: this.autoscalerRole.arn });
  }
}

function uniqueTolerations(taints: readonly KubernetesTaint[]): { key: string; operator: "Exists"; effect: string }[] {
  const seen = new Map<string, { key: string; operator: "Exists"; effect: string }>();
  for (const t of taints) seen.set(`${t.key}:${t.effect}`, { key: t.key, operator: "Exists", effect: t.effect });
  return [...seen.values()];
}
