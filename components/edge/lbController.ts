import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CHARTS, helmWaitOptions } from "../../lib/helmCharts";
import { LB_CONTROLLER_POLICY, targetGroupBindingPolicy } from "../../lib/lbControllerPolicy";
import { IrsaRole, OidcIssuer } from "../cluster/irsaRole";
import { Tags } from "../tags";

export interface LbControllerArgs extends OidcIssuer {
  readonly namePrefix: string;
  readonly clusterName: pulumi.Input<string>;
  readonly region: string;
  readonly vpcId: pulumi.Input<string>;
  readonly provider: k8s.Provider;
  /** Node labels of the pool it runs on (the untainted general pool). */
  readonly nodeSelector: Readonly<Record<string, string>>;
  /** Default 1; 2 or more adds a PodDisruptionBudget. */
  readonly replicas?: number;
  /** What the release waits for: its pool's node group and CoreDNS (`cluster.scheduledOn(pool)`). */
  readonly scheduledAfter: readonly pulumi.Resource[];
  /** The target groups TargetGroupBindings point at: the only ones it may register targets in. */
  readonly targetGroupArns: readonly pulumi.Input<string>[];
  /**
   * Reconcile Services of type LoadBalancer (it would create NLBs, in public subnets for
   * internet-facing ones) with AWS's full published policy. Default false: TargetGroupBindings only.
   */
  readonly serviceController?: boolean;
  readonly tags: Tags;
}

const NAMESPACE = "kube-system";
const SERVICE_ACCOUNT = "aws-load-balancer-controller";

/**
 * The AWS Load Balancer Controller. Here it creates no load balancer (Pulumi owns the ALB); it
 * only reconciles TargetGroupBindings: it registers the IPs of ready pods behind a Service in the
 * bound target group and deregisters pods that go away, so scaling and rollouts reach the ALB.
 * https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/targetgroupbinding/targetgroupbinding/
 */
export class LbController extends pulumi.ComponentResource {
  public readonly role: IrsaRole;
  public readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: LbControllerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:edge:LbController", name, {}, opts);
    const replicas = args.replicas ?? 1;
    const serviceController = args.serviceController ?? false;
    const policy = serviceController ? pulumi.output(LB_CONTROLLER_POLICY) : pulumi.all([...args.targetGroupArns]).apply((arns) => targetGroupBindingPolicy(arns));

    this.role = new IrsaRole(
      `${name}-irsa`,
      {
        namePrefix: args.namePrefix,
        oidcProviderArn: args.oidcProviderArn,
        issuerHostPath: args.issuerHostPath,
        namespace: NAMESPACE,
        serviceAccount: SERVICE_ACCOUNT,
        description: `${args.namePrefix} AWS Load Balancer Controller (IRSA)`,
        inlinePolicies: { "aws-load-balancer-controller": policy },
        tags: args.tags,
      },
      { parent: this },
    );

    const chart = CHARTS.awsLoadBalancerController;
    this.release = new k8s.helm.v3.Release(
      `${name}-release`,
      {
        chart: chart.chart,
        version: chart.version,
        repositoryOpts: { repo: chart.repo },
        namespace: NAMESPACE,
        name: "aws-load-balancer-controller",
        cleanupOnFail: true,
        ...helmWaitOptions(chart),
        values: {
          // clusterName tags what it creates; region and vpcId spare it the IMDS lookups that
          // IMDSv2 with hop limit 1 blocks from pods.
          clusterName: args.clusterName,
          region: args.region,
          vpcId: args.vpcId,
          replicaCount: replicas,
          serviceAccount: { create: true, name: SERVICE_ACCOUNT, annotations: { "eks.amazonaws.com/role-arn": this.role.arn } },
          nodeSelector: { ...args.nodeSelector },
          podDisruptionBudget: replicas > 1 ? { maxUnavailable: 1 } : {},
          // The ALB is Pulumi's; no IngressClass means no Ingress can make the controller build another.
          createIngressClassResource: false,
          // Its webhooks fail closed. The Service mutator (mservice.elbv2.k8s.aws) admits every new
          // Service in every namespace, so while the controller's pods are pending every chart's and
          // trading-api's Services would be rejected. It only makes the controller the default for
          // Services of type LoadBalancer, which nothing here creates: off (the chart then renders
          // no such webhook). Ingress validation (vingress) admits every Ingress of the cluster for
          // a controller that reconciles none (no IngressClass): off too. TargetGroupBindings and
          // pods in namespaces labelled for readiness-gate injection still go through the
          // controller's webhooks, so those wait for this release.
          // https://github.com/aws/eks-charts/blob/v0.0.242/stable/aws-load-balancer-controller/templates/webhook.yaml
          // https://github.com/aws/eks-charts/tree/master/stable/aws-load-balancer-controller#configuration
          enableServiceMutatorWebhook: false,
          webhookConfig: { disableIngressValidation: true },
          // The Service controller off: a `Service` of type LoadBalancer gets no load balancer (the
          // public subnets are tagged for internet-facing ones), and the scoped policy suffices.
          // https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/deploy/configurations/#feature-gates
          controllerConfig: { featureGates: { EnableServiceController: serviceController } },
        },
      },
      { parent: this, provider: args.provider, dependsOn: [...args.scheduledAfter] },
    );

    this.registerOutputs({ roleArn: this.role.arn });
  }
}
