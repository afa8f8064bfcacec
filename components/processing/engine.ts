import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ChartPin, helmWaitOptions } from "../../lib/helmCharts";
import { IrsaRole } from "../cluster/irsaRole";
import { EncryptedBucket, StoreBucketArgs, StoreKeyArgs, encryptedBucket, storeRole } from "../storage/encryptedBucket";
import { ProcessingCommon } from "./common";
import { JobNamespace } from "./jobNamespace";
import { Flow, NamespaceNetworkPolicies } from "./networkPolicies";
import { EngineSettings } from "./settings";

/** Port of both operators' admission webhook servers (the charts' defaults). */
export const OPERATOR_WEBHOOK_PORT = 9443;

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

/** What differs between the engines' shared skeleton (Spark, Flink). */
export interface EngineSpec {
  /** Engine name: the jobs namespace's label. No default. */
  readonly engine: "spark" | "flink";
  /** Suffix of the store's key and bucket names (`${name}-<suffix>`). No default. */
  readonly storeSuffix: string;
  /** The store's key (description, alias). No default. */
  readonly key: Omit<StoreKeyArgs, "provider">;
  /** The store's bucket. No default. */
  readonly bucket: StoreBucketArgs;
  /** Service account of the jobs (created by the chart with the IRSA annotation). No default. */
  readonly jobServiceAccount: string;
  /** What the job role is for; shown in IAM. No default. */
  readonly jobRoleDescription: string;
  /** The job role's inline `access` policy, given the store's bucket and key ARNs. No default. */
  readonly jobPolicy: (bucketArn: pulumi.Output<string>, keyArn: pulumi.Output<string>) => pulumi.Input<aws.iam.PolicyDocument>;
  /** What to tell a job whose pods lack the placement. No default. */
  readonly placementHint: string;
}

/** The skeleton both engines share: the store, the job role, the operator and jobs namespaces. */
export interface EngineFoundation {
  readonly store: EncryptedBucket;
  readonly jobRole: IrsaRole;
  readonly operatorNamespace: k8s.core.v1.Namespace;
  readonly jobs: JobNamespace;
}

/**
 * An engine's store (key and bucket, components/storage/encryptedBucket.ts), the IRSA role of its
 * jobs (`${name}-jobs`), its operator namespace and its jobs namespace (`${name}-jobs`, quota,
 * LimitRange and the data pool's placement policy), named as each engine named them before.
 */
export function engineFoundation(parent: pulumi.Resource, name: string, args: ProcessingCommon, cfg: EngineSettings, spec: EngineSpec): EngineFoundation {
  const store = encryptedBucket(parent, `${name}-${spec.storeSuffix}`, args, { ...spec.bucket, keyName: `${name}-${spec.storeSuffix}`, key: spec.key });
  const jobRole = storeRole(parent, `${name}-jobs`, args, {
    namespace: cfg.jobNamespace,
    serviceAccount: spec.jobServiceAccount,
    description: spec.jobRoleDescription,
    inlinePolicies: { access: spec.jobPolicy(store.bucket.arn, store.key.arn) },
  });
  const namespace = operatorNamespace(parent, name, cfg.operatorNamespace, args.provider);
  const jobs = new JobNamespace(
    `${name}-jobs`,
    {
      provider: args.provider,
      namespace: cfg.jobNamespace,
      engine: spec.engine,
      placement: args.placement,
      placementHint: spec.placementHint,
      quota: cfg.quota,
      containerDefault: cfg.containerDefault,
      containerMax: args.nodeRoom,
    },
    { parent },
  );
  return { store, jobRole, operatorNamespace: namespace, jobs };
}

/** The flows an engine's two namespaces allow besides their default deny. */
export interface EngineFlows {
  readonly operator: { readonly ingress: Readonly<Record<string, Flow>>; readonly egress?: Readonly<Record<string, Flow>> };
  /** Ingress of the jobs namespace (its pods also reach each other). */
  readonly jobs: Readonly<Record<string, Flow>>;
}

/** NetworkPolicies of the operator namespace (`${name}-operator-net`) and the jobs namespace (`${name}-jobs-net`). */
export function engineNetworkPolicies(parent: pulumi.Resource, name: string, provider: k8s.Provider, cfg: EngineSettings, foundation: EngineFoundation, flows: EngineFlows): void {
  new NamespaceNetworkPolicies(
    `${name}-operator-net`,
    { provider, namespace: cfg.operatorNamespace, namespaceResource: foundation.operatorNamespace, ingress: flows.operator.ingress, egress: flows.operator.egress },
    { parent },
  );
  new NamespaceNetworkPolicies(
    `${name}-jobs-net`,
    { provider, namespace: cfg.jobNamespace, namespaceResource: foundation.jobs.namespace, intraNamespace: true, ingress: flows.jobs },
    { parent },
  );
}
