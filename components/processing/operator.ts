import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ChartPin, helmWaitOptions } from "../../lib/helmCharts";

/** What an engine's operator release needs besides its chart values. */
export interface OperatorReleaseArgs {
  /** Chart pin (lib/helmCharts.ts CHARTS). No default. */
  readonly chart: ChartPin;
  /** Helm release name. No default. */
  readonly releaseName: string;
  /** The operator namespace (created by `operatorNamespace`, not by Helm). No default. */
  readonly namespace: k8s.core.v1.Namespace;
  /** Values of the chart (keys of its values.yaml). No default. */
  readonly values: pulumi.Inputs;
  /** What the release waits for besides its namespace: the jobs namespace, the system pool, cert-manager. No default. */
  readonly dependsOn: readonly pulumi.Resource[];
}

/**
 * The operator namespace of a processing engine, named `${name}-operator-namespace`: Pod Security
 * `baseline` enforced (the operators' charts set no seccomp profile), `restricted` warned.
 * https://kubernetes.io/docs/concepts/security/pod-security-admission/
 */
export function operatorNamespace(parent: pulumi.Resource, name: string, namespace: string, provider: k8s.Provider): k8s.core.v1.Namespace {
  return new k8s.core.v1.Namespace(
    `${name}-operator-namespace`,
    { metadata: { name: namespace, labels: { "pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/warn": "restricted" } } },
    { parent, provider },
  );
}

/**
 * An engine's operator as a Helm release named `${name}-operator` in its own namespace: the chart's
 * crds/ folder installed first (Helm installs CRDs before the templates on first install), cleaned
 * up on a failed install, and waited for (image pulls, the webhook must answer before jobs are
 * admitted). https://helm.sh/docs/chart_best_practices/custom_resource_definitions/
 */
export function operatorRelease(parent: pulumi.Resource, name: string, provider: k8s.Provider, args: OperatorReleaseArgs): k8s.helm.v3.Release {
  return new k8s.helm.v3.Release(
    `${name}-operator`,
    {
      chart: args.chart.chart,
      version: args.chart.version,
      repositoryOpts: { repo: args.chart.repo },
      name: args.releaseName,
      namespace: args.namespace.metadata.name,
      createNamespace: false,
      skipCrds: false,
      cleanupOnFail: true,
      ...helmWaitOptions(args.chart),
      values: args.values,
    },
    { parent, provider, dependsOn: [args.namespace, ...args.dependsOn] },
  );
}
