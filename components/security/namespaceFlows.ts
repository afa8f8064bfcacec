import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { GuardFlow, flowPolicies } from "./namespaceGuard";

export interface NamespaceFlowsArgs {
  readonly provider: k8s.Provider;
  /** A namespace another component guards (its NamespaceGuard holds the default deny), plain. */
  readonly namespace: string;
  /** The Namespace resource the policies wait for. */
  readonly namespaceResource: pulumi.Resource;
  /** Ingress allowed, keyed by a name unique in the namespace (the policy is `allow-<key>`). Default none. */
  readonly ingress?: Readonly<Record<string, GuardFlow>>;
  /** Egress allowed, keyed likewise (the policy is `allow-<key>-out`). Default none. */
  readonly egress?: Readonly<Record<string, GuardFlow>>;
}

/**
 * The flows one component's pods need in a namespace that another component closes: the node
 * agents' namespace holds pods of several areas (node and GPU exporters, Filebeat, the mesh's
 * ztunnel), each of which allows its own traffic here, next to the pods it runs. NetworkPolicies are
 * additive (https://kubernetes.io/docs/concepts/services-networking/network-policies/), so these only
 * open what they name on top of the namespace's default deny.
 */
export class NamespaceFlows extends pulumi.ComponentResource {
  public readonly policies: Readonly<Record<string, k8s.networking.v1.NetworkPolicy>>;

  constructor(name: string, args: NamespaceFlowsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:security:NamespaceFlows", name, {}, opts);
    const k8sOpts = { parent: this, provider: args.provider, dependsOn: [args.namespaceResource] };
    this.policies = Object.fromEntries(
      flowPolicies(args.ingress ?? {}, args.egress ?? {}).map((p) => [
        p.name,
        new k8s.networking.v1.NetworkPolicy(`${name}-${p.name}`, { metadata: { name: p.name, namespace: args.namespace, annotations: { "entasis.io/why": p.why } }, spec: p.spec }, k8sOpts),
      ]),
    );
    this.registerOutputs({});
  }
}
