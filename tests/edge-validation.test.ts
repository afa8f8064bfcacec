import { showValue } from "../stacks/schema/problems";
import { validateWith, withField } from "./support/config";

const edge = (stack: string, path: string[], value: unknown) => validateWith(stack, (a) => ({ ...a, edge: withField(a.edge, path, value) }));
const CERT = "arn:aws:acm:ap-northeast-2:123456789012:certificate/0f5b2a1e-1c2d-4e5f-8a9b-0123456789ab";

describe("edge config validation", () => {
  it("accepts both stack files and a certificate, WAF ACL and NLB in the stack's region", () => {
    expect(validateWith("dev")).toEqual({ ok: true, messages: [] });
    expect(
      validateWith("prod", (a) => ({ ...a, edge: { certificateArn: CERT, wafWebAclArn: "arn:aws:wafv2:ap-northeast-2:123456789012:regional/webacl/entasis/0f5b2a1e-1c2d-4e5f-8a9b-0123456789ab", internalNlb: { enabled: true } } })),
    ).toEqual({ ok: true, messages: [] });
  });

  it("requires a certificate in prod (plain HTTP is for dev only)", () => {
    expect(edge("prod", ["certificateArn"], undefined).messages).toEqual([
      "entasis:edge.certificateArn (unset) is required in prod (the ALB must serve HTTPS and redirect HTTP); request or import a certificate in ACM in the stack's region and set its ARN",
      'entasis:edge.allowedCidrs[0] "0.0.0.0/0" admits the whole internet while there is no certificateArn, so the API would be served in plain HTTP to anyone; list your office/VPN CIDRs (or the VPC\'s, with scheme: internal), or set entasis:edge.certificateArn',
    ]);
    expect(edge("dev", ["certificateArn"], undefined).ok).toBe(true);
  });

  it("rejects a config that would serve plain HTTP to the world, naming the key, whatever the scheme", () => {
    for (const scheme of ["internet-facing", "internal"]) {
      const result = validateWith("dev", (a) => ({ ...a, edge: { ...(a.edge as object), scheme, allowedCidrs: ["203.0.113.0/24", "0.0.0.0/0"] } }));
      expect(result.messages).toEqual([
        'entasis:edge.allowedCidrs[1] "0.0.0.0/0" admits the whole internet while there is no certificateArn, so the API would be served in plain HTTP to anyone; list your office/VPN CIDRs (or the VPC\'s, with scheme: internal), or set entasis:edge.certificateArn',
      ]);
    }
    // The same sources with a certificate: HTTPS, and 80 only redirects.
    expect(validateWith("dev", (a) => ({ ...a, edge: { ...(a.edge as object), certificateArn: CERT, scheme: "internet-facing", allowedCidrs: ["0.0.0.0/0"] } })).ok).toBe(true);
    // An office CIDR on an internet-facing ALB without TLS is the documented alternative.
    expect(validateWith("dev", (a) => ({ ...a, edge: { ...(a.edge as object), scheme: "internet-facing", allowedCidrs: ["203.0.113.0/24"] } })).ok).toBe(true);
  });

  it("rejects ::/0 and any IPv6 range (the ALB is IPv4-only), and malformed CIDRs", () => {
    expect(edge("dev", ["allowedCidrs"], ["::/0"]).messages).toEqual([
      'entasis:edge.allowedCidrs[0] "::/0" is an IPv6 range, but the ALB is IPv4-only (the VPC has no IPv6 block), so the rule would admit nothing; list IPv4 CIDRs only',
    ]);
    expect(edge("dev", ["allowedCidrs"], ["10.0.0.1/16"]).messages).toEqual(['entasis:edge.allowedCidrs[0] "10.0.0.1/16" is not a valid IPv4 CIDR (a.b.c.d/n with no host bits set); use e.g. 203.0.113.0/24']);
    expect(edge("dev", ["allowedCidrs"], []).messages).toEqual(["entasis:edge.allowedCidrs [] is below the minimum 1 items; use at least 1"]);
    expect(edge("dev", ["scheme"], "public").messages).toEqual(['entasis:edge.scheme "public" is not allowed (allowed: internet-facing | internal); use one of those values']);
  });

  it("rejects a certificate ARN that is not ACM's", () => {
    expect(edge("prod", ["certificateArn"], "arn:aws:iam::123456789012:server-certificate/x").messages).toEqual([
      'entasis:edge.certificateArn "arn:aws:iam::123456789012:server-certificate/x" is not an ACM certificate ARN; use arn:aws:acm:<region>:<account>:certificate/<uuid> of a certificate in the stack\'s region',
    ]);
  });

  it("rejects a certificate from another region (an ALB only uses its own region's)", () => {
    expect(edge("prod", ["certificateArn"], CERT.replace("ap-northeast-2", "us-east-1")).messages).toEqual([
      `entasis:edge.certificateArn ${showValue(CERT.replace("ap-northeast-2", "us-east-1"))} is in another region than the stack (ap-northeast-2); use one created in ap-northeast-2`,
    ]);
  });

  it("rejects a CloudFront-scoped WAF ACL", () => {
    const arn = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/entasis/0f5b2a1e-1c2d-4e5f-8a9b-0123456789ab";
    expect(edge("dev", ["wafWebAclArn"], arn).messages).toEqual([`entasis:edge.wafWebAclArn ${showValue(arn)} is not a regional WAFv2 web ACL ARN; use arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>`]);
  });

  it("rejects a health-check timeout not below the interval", () => {
    expect(edge("dev", ["healthCheck", "timeoutSeconds"], 15).messages).toEqual([
      "entasis:edge.healthCheck.timeoutSeconds 15 is not below intervalSeconds 15, which Elastic Load Balancing rejects; make the timeout shorter than the interval",
    ]);
  });

  it("rejects thresholds and delays outside Elastic Load Balancing's ranges", () => {
    expect(edge("dev", ["healthCheck", "unhealthyThreshold"], 1).messages).toEqual(["entasis:edge.healthCheck.unhealthyThreshold 1 is below the minimum 2; use at least 2"]);
    expect(edge("dev", ["deregistrationDelaySeconds"], 3601).messages).toEqual(["entasis:edge.deregistrationDelaySeconds 3601 is above the maximum 3600; use at most 3600"]);
    expect(edge("dev", ["idleTimeoutSeconds"], 0).messages).toEqual(["entasis:edge.idleTimeoutSeconds 0 is below the minimum 1; use at least 1"]);
  });
});
