import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CHARTS, helmWaitOptions } from "../../lib/helmCharts";

export interface VpaControllerArgs {
  readonly provider: k8s.Provider;
  /** Node labels of the pool it runs on (the untainted general pool). */
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** What the release waits for: its pool's node group and CoreDNS (`cluster.scheduledOn(pool)`). */
  readonly scheduledAfter: readonly pulumi.Resource[];
}

/**
 * The Vertical Pod Autoscaler (recommender, updater, admission controller) from Fairwinds' chart,
 * which also installs the VerticalPodAutoscaler CRDs. The recommender reads usage from
 * metrics-server, which the cluster area installs. The chart's own MutatingWebhookConfiguration
 * (registerWebhook: false, the default) points the API server at the admission controller, which
 * sets the recommended requests on pods the updater evicts. That webhook admits every pod of the
 * cluster but fails open (`failurePolicy: Ignore`, 5 s timeout, chart defaults kept): a pod created
 * while it is down starts with its own requests until the updater evicts it, so nothing waits for it.
 * https://github.com/FairwindsOps/charts/tree/master/stable/vpa (templates/webhooks/mutating.yaml)
 */
export class VpaController extends pulumi.ComponentResource {
  public readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: VpaControllerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:workloads:VpaController", name, {}, opts);
    const chart = CHARTS.vpa;
    const onPool = { nodeSelector: { ...args.nodeSelector } };
    this.release = new k8s.helm.v3.Release(
      `${name}-release`,
      {
        chart: chart.chart,
        version: chart.version,
        repositoryOpts: { repo: chart.repo },
        namespace: "kube-system",
        name: "vpa",
        cleanupOnFail: true,
        // The certgen Jobs run as pre- and post-install hooks.
        ...helmWaitOptions(chart),
        values: {
          recommender: onPool,
          updater: onPool,
          admissionController: { ...onPool, certGen: onPool },
        },
      },
      { parent: this, provider: args.provider, dependsOn: [...args.scheduledAfter] },
    );
    this.registerOutputs({});
  }
}
