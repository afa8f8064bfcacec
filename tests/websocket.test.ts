import { RunResult } from "../tools/offline/harness";
import { WS_RULE_PRIORITY } from "../components/edge/loadBalancer";
import { named, tagsOf } from "./support/query";
import { validateWith, withField } from "./support/config";
import { recordedRuns } from "./support/runs";

const TG = "aws:lb/targetGroup:TargetGroup";
const LISTENER = "aws:lb/listener:Listener";
const RULE = "aws:lb/listenerRule:ListenerRule";
const TGB = "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding";

/** dev has no certificate (the plain-HTTP listener forwards); prod forwards on HTTPS and redirects HTTP. */
const EXPECTED = {
  dev: { listener: "edge-http", drain: 30 },
  prod: { listener: "edge-https", drain: 120 },
} as const;

const runs = recordedRuns(["dev", "prod"]);

describe.each(["dev", "prod"] as const)("the WebSocket API path of %s", (stack) => {
  const run = (): RunResult => runs[stack];
  const exp = EXPECTED[stack];
  const ws = (): RunResult["resources"][number] => named(run(), "edge-ws", TG);

  it("routes /ws and /ws/* to their own target group with a rule on the forwarding listener, ahead of the default action", () => {
    const rule = named(run(), "edge-ws", RULE);
    expect(rule.inputs).toMatchObject({
      listenerArn: named(run(), exp.listener, LISTENER).state.arn,
      priority: WS_RULE_PRIORITY,
      conditions: [{ pathPattern: { values: ["/ws", "/ws/*"] } }],
      actions: [{ type: "forward", targetGroupArn: ws().state.arn }],
    });
    expect(tagsOf(rule).Name).toBe(`entasis-${stack}-alb-ws`);
  });

  it("sends streams to the same pods and port, round robin, with the REST target group's health check", () => {
    const api = named(run(), "edge-api", TG);
    expect(ws().inputs).toMatchObject({ targetType: "ip", port: 8080, protocol: "HTTP", protocolVersion: "HTTP1", loadBalancingAlgorithmType: "round_robin", vpcId: api.inputs.vpcId });
    expect(ws().inputs.healthCheck).toEqual(api.inputs.healthCheck);
    expect(tagsOf(ws()).Name).toBe(`entasis-${stack}-trading-api-ws`);
  });

  it("drains open streams for their own delay, inside the pods' grace period, before clients reconnect elsewhere", () => {
    expect(ws().inputs.deregistrationDelay).toBe(exp.drain);
    const deployment = named(run(), "trading-api-deployment", "kubernetes:apps/v1:Deployment");
    const grace = (deployment.inputs.spec as { template: { spec: { terminationGracePeriodSeconds: number } } }).template.spec.terminationGracePeriodSeconds;
    expect(grace).toBeGreaterThan(exp.drain);
    expect(grace).toBeGreaterThan(named(run(), "edge-api", TG).inputs.deregistrationDelay as number);
  });

  it("keeps idle streams open for 10 minutes at the ALB", () => {
    expect(named(run(), "edge-alb", "aws:lb/loadBalancer:LoadBalancer").inputs.idleTimeout).toBe(600);
  });

  it("binds trading-api's Service to the WebSocket target group once the controller's CRD exists", () => {
    const tgb = named(run(), "trading-api-tgb-ws", TGB);
    expect(tgb.inputs.spec).toEqual({ serviceRef: { name: "trading-api", port: 8080 }, targetGroupARN: ws().state.arn, targetType: "ip" });
    expect(tgb.dependencies).toContain(named(run(), "lb-controller-release").urn);
  });
});

describe("WebSocket and idle timeout validation", () => {
  const edge = (path: string[], value: unknown) => validateWith("prod", (a) => ({ ...a, edge: withField(a.edge, path, value) }));

  it("rejects an idle timeout above the ALB's 4000 seconds", () => {
    expect(edge(["idleTimeoutSeconds"], 4001).messages).toEqual(["entasis:edge.idleTimeoutSeconds 4001 is above the maximum 4000; use at most 4000"]);
    expect(edge(["idleTimeoutSeconds"], 4000).ok).toBe(true);
  });

  it("rejects a WebSocket drain outside 0..3600 seconds and a path that is not a plain prefix", () => {
    expect(edge(["websocket", "deregistrationDelaySeconds"], 3601).messages).toEqual(["entasis:edge.websocket.deregistrationDelaySeconds 3601 is above the maximum 3600; use at most 3600"]);
    expect(edge(["websocket", "path"], "/ws/*").messages).toEqual(['entasis:edge.websocket.path "/ws/*" is not a URL path prefix; use e.g. /ws (no trailing slash, no wildcards)']);
    expect(edge(["websocket", "path"], "/stream/v1").ok).toBe(true);
  });
});
