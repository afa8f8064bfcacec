import { field, strOf } from "./model";

/**
 * Admission webhooks the pinned charts install, read from their templates at the pinned versions,
 * with what turns each on and its failure policy as a function of the release's values. An object
 * such a webhook admits must not be created before the release that runs it when the webhook
 * fails closed (the API server rejects the object) or when a missed mutation silently changes it.
 */
export interface WebhookSpec {
  readonly chart: string;
  readonly name: string;
  /** Kinds admitted, `Kind` for the core group, `group/Kind` otherwise. */
  readonly admits: readonly string[];
  /** Only objects in namespaces with this label (key, value). Default every namespace. */
  readonly namespaceLabel?: readonly [string, string];
  /** Only objects (pods: the pod template) with this label (key, value). Default every object. */
  readonly objectLabel?: readonly [string, string];
  readonly enabled: (values: unknown) => boolean;
  readonly failurePolicy: (values: unknown) => "Fail" | "Ignore";
  /**
   * When it fails open, which admitted objects are silently wrong if it is down: "pods behind a
   * TargetGroupBinding" (readiness gates are injected only into pods a bound Service selects).
   * Default none: failing open loses nothing that matters.
   */
  readonly mustNotMiss?: "pods-behind-target-group-binding";
  readonly source: string;
}

const at = (values: unknown, path: string): unknown => path.split(".").reduce<unknown>((v, k) => field(v, k), values);
const policy = (values: unknown, path: string, fallback: "Fail" | "Ignore"): "Fail" | "Ignore" => {
  const v = at(values, path);
  return v === "Fail" || v === "Ignore" ? v : fallback;
};
const always = (): boolean => true;
const fail = (): "Fail" => "Fail";

const LBC = "https://github.com/aws/eks-charts/blob/v0.0.242/stable/aws-load-balancer-controller/templates/webhook.yaml";
const VPA = "https://github.com/FairwindsOps/charts/blob/21a94b6700f74fe1999b97be390f978eb4087fc8/stable/vpa/templates/webhooks/mutating.yaml";
const KPS = "https://github.com/prometheus-community/helm-charts/tree/kube-prometheus-stack-88.5.3/charts/kube-prometheus-stack/templates/prometheus-operator/admission-webhooks";
const ECK = "https://github.com/elastic/cloud-on-k8s/blob/v3.5.0/deploy/eck-operator/templates/webhook.yaml";

export const WEBHOOKS: readonly WebhookSpec[] = [
  {
    chart: "aws-load-balancer-controller",
    name: "mservice.elbv2.k8s.aws",
    admits: ["Service"],
    enabled: (v) => at(v, "enableServiceMutatorWebhook") !== false,
    failurePolicy: (v) => policy(v, "serviceMutatorWebhookConfig.failurePolicy", "Fail"),
    source: LBC,
  },
  {
    chart: "aws-load-balancer-controller",
    name: "mpod.elbv2.k8s.aws",
    admits: ["Pod"],
    namespaceLabel: ["elbv2.k8s.aws/pod-readiness-gate-inject", "enabled"],
    enabled: always,
    failurePolicy: (v) => policy(v, "podMutatorWebhookConfig.failurePolicy", "Ignore"),
    // A pod behind a TargetGroupBinding admitted without it gets no readiness gate: rollouts drop traffic.
    mustNotMiss: "pods-behind-target-group-binding",
    source: LBC,
  },
  { chart: "aws-load-balancer-controller", name: "quicid.elbv2.k8s.aws", admits: ["Pod"], namespaceLabel: ["elbv2.k8s.aws/quic-server-id-inject", "enabled"], enabled: always, failurePolicy: fail, source: LBC },
  {
    chart: "aws-load-balancer-controller",
    name: "alb-target-control.namespace.elbv2.k8s.aws",
    admits: ["Pod"],
    namespaceLabel: ["elbv2.k8s.aws/alb-target-control-agent-injection", "enabled"],
    enabled: always,
    failurePolicy: fail,
    source: LBC,
  },
  { chart: "aws-load-balancer-controller", name: "alb-target-control.object.elbv2.k8s.aws", admits: ["Pod"], objectLabel: ["elbv2.k8s.aws/alb-target-control-agent-inject", "true"], enabled: always, failurePolicy: fail, source: LBC },
  { chart: "aws-load-balancer-controller", name: "mtargetgroupbinding.elbv2.k8s.aws", admits: ["elbv2.k8s.aws/TargetGroupBinding"], enabled: always, failurePolicy: fail, source: LBC },
  { chart: "aws-load-balancer-controller", name: "vtargetgroupbinding.elbv2.k8s.aws", admits: ["elbv2.k8s.aws/TargetGroupBinding"], enabled: always, failurePolicy: fail, source: LBC },
  { chart: "aws-load-balancer-controller", name: "vingressclassparams.elbv2.k8s.aws", admits: ["elbv2.k8s.aws/IngressClassParams"], enabled: always, failurePolicy: fail, source: LBC },
  {
    chart: "aws-load-balancer-controller",
    name: "vingress.elbv2.k8s.aws",
    admits: ["networking.k8s.io/Ingress"],
    enabled: (v) => at(v, "webhookConfig.disableIngressValidation") !== true,
    failurePolicy: (v) => policy(v, "webhookConfig.ingressValdationFailurePolicy", "Fail"),
    source: LBC,
  },
  {
    chart: "vpa",
    name: "vpa.k8s.io",
    admits: ["Pod", "autoscaling.k8s.io/VerticalPodAutoscaler"],
    enabled: (v) => at(v, "admissionController.enabled") !== false,
    failurePolicy: (v) => policy(v, "admissionController.mutatingWebhookConfiguration.failurePolicy", "Ignore"),
    source: VPA,
  },
  {
    chart: "kube-prometheus-stack",
    name: "prometheusrulemutate/validate.monitoring.coreos.com",
    admits: ["monitoring.coreos.com/PrometheusRule", "monitoring.coreos.com/AlertmanagerConfig"],
    enabled: (v) => at(v, "prometheusOperator.admissionWebhooks.enabled") !== false,
    // "" with patch.enabled (the default) renders Ignore; "IgnoreOnInstallOnly" renders Fail on upgrades.
    failurePolicy: (v) => {
      const p = strOf(at(v, "prometheusOperator.admissionWebhooks"), "failurePolicy");
      if (p === "Fail" || p === "IgnoreOnInstallOnly") return "Fail";
      if (p === "Ignore") return "Ignore";
      return at(v, "prometheusOperator.admissionWebhooks.patch.enabled") === false ? "Fail" : "Ignore";
    },
    source: KPS,
  },
  {
    chart: "eck-operator",
    name: "elastic-*-validation.k8s.elastic.co",
    admits: ["elasticsearch.k8s.elastic.co/Elasticsearch", "kibana.k8s.elastic.co/Kibana"],
    enabled: (v) => at(v, "webhook.enabled") !== false,
    failurePolicy: (v) => policy(v, "webhook.failurePolicy", "Ignore"),
    source: ECK,
  },
];
