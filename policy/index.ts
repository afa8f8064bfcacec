import { PolicyPack } from "@pulumi/policy";
import { RULES } from "./rules";

/**
 * The Entasis guardrails, served to `pulumi preview --policy-pack policy`. Every rule is mandatory
 * unless the stack's policy config (`--policy-pack-config policy/config/<stack>.json`) says
 * otherwise; only dev's file relaxes anything. Tests import ./rules, never this file: constructing
 * a PolicyPack starts the analyzer's gRPC server.
 */
new PolicyPack("entasis-guardrails", {
  description: "Security and reliability guardrails of the Entasis platform (AWS FSBP, CIS Amazon EKS Benchmark).",
  enforcementLevel: "mandatory",
  policies: [...RULES],
});
