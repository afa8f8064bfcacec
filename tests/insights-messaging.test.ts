import { Insights, insightsOf } from "../tools/insights";
import { renderMermaid } from "../tools/insights/diagram";
import { durationOf } from "../tools/insights/durations";
import { ResourceIndex } from "../tools/insights/model";
import { PRICES_AP_NORTHEAST_2 } from "../tools/insights/prices-ap-northeast-2";
import { RunResult } from "../tools/offline/harness";
import { named } from "./support/query";
import { stackRun } from "./support/stackRuns";

const runs: Record<string, RunResult> = {};
const insights: Record<string, Insights> = {};
beforeAll(async () => {
  for (const stack of ["dev", "prod"]) {
    runs[stack] = await stackRun(stack);
    insights[stack] = insightsOf(runs[stack], "ap-northeast-2");
  }
});

describe("the message queue, config store and egress addresses in the plan", () => {
  it("names dev's single-instance broker as a single-zone point of failure; prod's three-AZ cluster is not one", () => {
    expect(insights.dev.failureDomains.singlePoints).toContainEqual(expect.objectContaining({ name: "messaging-broker", zone: "ap-northeast-2a", why: "message broker (single instance): the message queue (no other broker node) in one zone" }));
    expect(insights.prod.failureDomains.singlePoints.map((s) => s.name)).not.toContain("messaging-broker");
    const a = insights.prod.failureDomains.perZone.find((z) => z.zone === "ap-northeast-2a");
    expect(a?.degraded).toContain("messaging-broker (message broker (3-node cluster): loses ap-northeast-2a, keeps ap-northeast-2b, ap-northeast-2c)");
  });

  it("prices the broker per node-hour (three nodes in prod), parameters at the standard tier's zero, and each egress address as a public IPv4", () => {
    const line = (stack: string, name: string) => insights[stack].cost?.lines.find((l) => l.name === name);
    const mq = PRICES_AP_NORTHEAST_2.mq;
    expect(line("dev", "messaging-broker")?.monthlyMin).toBeCloseTo(mq["mq.m7g.medium"].usd * 730, 6);
    expect(line("prod", "messaging-broker")?.monthlyMin).toBeCloseTo(3 * mq["mq.m7g.large"].usd * 730, 6);
    expect(line("prod", "config-store-trading-api-database-url")?.monthlyMin).toBe(0);
    expect(line("prod", "network-nat-ap-northeast-2b")).toBeDefined();
    const eips = insights.prod.cost?.lines.filter((l) => l.type === "aws:ec2/eip:Eip") ?? [];
    expect(eips).toHaveLength(3);
    for (const e of eips) expect(e.monthlyMin).toBeCloseTo(PRICES_AP_NORTHEAST_2.other.publicIpv4Hour.usd * 730, 6);
  });

  it("times the broker as the slow resource it is (a cluster longer than a single instance)", () => {
    const broker = (stack: string) => durationOf(named(runs[stack], "messaging-broker", "aws:mq/broker:Broker"));
    expect(broker("dev")).toEqual({ key: "aws:mq/broker:Broker", seconds: 900, known: true });
    expect(broker("prod")).toEqual({ key: "aws:mq/broker:Broker (cluster)", seconds: 1500, known: true });
    expect(insights.prod.timeline.defaultDuration["aws:mq/broker:Broker"]).toBeUndefined();
  });

  it("draws the broker, the /ws route, trading-api's AMQPS path and the provisioner in the diagram", () => {
    const text = renderMermaid(new ResourceIndex(runs.prod.resources));
    expect(text).toContain("messaging_broker[(\"messaging-broker<br/>RabbitMQ 4.2 mq.m7g.large x3 cluster\")]");
    expect(text).toContain("edge_alb -->|/ws /ws/*| edge_ws");
    expect(text).toContain("trading_api_deployment -->|AMQPS| messaging_broker");
    expect(text).toContain("messaging_users_job -->|management API| messaging_broker");
  });
});
