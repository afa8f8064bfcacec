import * as aws from "@pulumi/aws";
import { validateResourceOfType } from "@pulumi/policy";
import { ResourceRule, isSet, isWorld, resourceRule, typeRule } from "./common";
import { C } from "./controls";

/** Log types without which an incident cannot be reconstructed (who called which API, who authenticated). */
export const REQUIRED_CONTROL_PLANE_LOGS: readonly string[] = ["api", "audit", "authenticator"];

export const eksRules: readonly ResourceRule[] = [
  resourceRule({
    name: "eks-secrets-encryption",
    control: C.EKS_3,
    severity: "high",
    description: 'EKS clusters envelope-encrypt Kubernetes secrets with a customer-managed KMS key (encryptionConfig.resources includes "secrets", provider.keyArn set). Also CIS EKS 5.3.1.',
    validateResource: validateResourceOfType(aws.eks.Cluster, (cluster, _args, report) => {
      const enc = cluster.encryptionConfig;
      if (!enc || !enc.resources.includes("secrets")) report('encryptionConfig.resources must include "secrets".');
      else if (!isSet(enc.provider, "keyArn")) report("encryptionConfig.provider.keyArn must name a customer-managed key.");
    }),
  }),
  resourceRule({
    name: "eks-public-endpoint-restricted",
    control: C.EKS_1,
    severity: "critical",
    description:
      "The EKS API endpoint is not open to the world: either endpointPublicAccess is false, or publicAccessCidrs lists specific ranges and none of them is 0.0.0.0/0 or ::/0 (an empty list means 0.0.0.0/0).",
    validateResource: validateResourceOfType(aws.eks.Cluster, (cluster, _args, report) => {
      const vpc = cluster.vpcConfig;
      if (vpc.endpointPublicAccess === false) return;
      const cidrs = vpc.publicAccessCidrs ?? [];
      if (cidrs.length === 0) report("endpointPublicAccess is on (the default) with no publicAccessCidrs, which means 0.0.0.0/0; turn it off or list the operator ranges.");
      const world = cidrs.filter(isWorld);
      if (world.length > 0) report(`publicAccessCidrs opens the API endpoint to ${world.join(", ")}.`);
    }),
  }),
  typeRule({
    name: "eks-private-endpoint-enabled",
    control: C.CIS_EKS_5_4_2,
    severity: "high",
    description: "EKS clusters set vpcConfig.endpointPrivateAccess: true, so nodes reach the API server inside the VPC and never over the internet.",
    type: aws.eks.Cluster,
    check: (cluster) => [cluster.vpcConfig.endpointPrivateAccess !== true && "vpcConfig.endpointPrivateAccess must be true."],
  }),
  resourceRule({
    name: "eks-control-plane-logging",
    control: C.EKS_8,
    severity: "medium",
    description: `EKS clusters ship at least the ${REQUIRED_CONTROL_PLANE_LOGS.join(", ")} control-plane logs (enabledClusterLogTypes). Also CIS EKS 2.1.1.`,
    validateResource: validateResourceOfType(aws.eks.Cluster, (cluster, _args, report) => {
      const on = cluster.enabledClusterLogTypes ?? [];
      const missing = REQUIRED_CONTROL_PLANE_LOGS.filter((t) => !on.includes(t));
      if (missing.length > 0) report(`enabledClusterLogTypes lacks ${missing.join(", ")}.`);
    }),
  }),
  typeRule({
    name: "eks-node-group-no-ssh",
    control: C.EKS_BP_NODE_SSH,
    severity: "medium",
    description: "Managed node groups set no remoteAccess (SSH key and source groups); nodes are reached with SSM Session Manager.",
    type: aws.eks.NodeGroup,
    check: (ng) => [isSet(ng, "remoteAccess") && "remoteAccess opens SSH on the nodes; remove it and use SSM Session Manager."],
  }),
];
