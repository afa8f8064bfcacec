import { validateWith, withField } from "./support/config";

const monitoring = (stack: string, path: string[], value: unknown) => validateWith(stack, (a) => ({ ...a, monitoring: withField(a.monitoring, path, value) }));

describe("monitoring config validation", () => {
  it("accepts both stack files with the environment defaults", () => {
    expect(validateWith("dev")).toEqual({ ok: true, messages: [] });
    expect(validateWith("prod")).toEqual({ ok: true, messages: [] });
  });

  it("requires two Alertmanagers in prod", () => {
    expect(monitoring("prod", ["alertmanager", "replicas"], 1).messages).toEqual([
      "entasis:monitoring.alertmanager.replicas 1 is below 2 in prod, so one node loss stops every page; use 2 or more",
    ]);
    expect(monitoring("dev", ["alertmanager", "replicas"], 1).ok).toBe(true);
  });

  it("requires two Prometheus replicas in prod", () => {
    expect(monitoring("prod", ["prometheus", "replicas"], 1).messages).toEqual([
      "entasis:monitoring.prometheus.replicas 1 is below 2 in prod, so a Prometheus restart leaves the platform unwatched; use 2 (each replica scrapes everything; Alertmanager deduplicates)",
    ]);
  });

  it("rejects a retention that is not a Prometheus duration", () => {
    expect(monitoring("dev", ["prometheus", "retention"], "2 weeks").messages).toEqual(['entasis:monitoring.prometheus.retention "2 weeks" is not a Prometheus duration; use e.g. "15d" or "12h"']);
  });

  it("rejects a Slack channel without # or @", () => {
    expect(monitoring("prod", ["slackChannel"], "alerts").messages).toEqual(['entasis:monitoring.slackChannel "alerts" is not a Slack channel; use e.g. "#alerts"']);
  });

  it("rejects an error-rate threshold over 100%", () => {
    expect(monitoring("prod", ["alerts", "errorRatePercent"], 150).messages).toEqual(["entasis:monitoring.alerts.errorRatePercent 150 is above the maximum 100; use at most 100"]);
  });

  it("rejects an unknown monitoring setting", () => {
    const r = monitoring("dev", ["prometheus", "retentionDays"], 7);
    expect(r.ok).toBe(false);
    expect(r.messages[0]).toMatch(/^entasis:monitoring\.prometheus\.retentionDays /);
  });

  it("keeps the Slack webhook required in prod only", () => {
    expect(validateWith("prod", (a) => a, {}).messages).toEqual([
      "entasis:slackWebhookUrl (unset) is required in prod (Alertmanager's Slack receiver); run: pulumi config set --secret entasis:slackWebhookUrl https://hooks.slack.com/services/T000/B000/XXXX",
    ]);
    expect(validateWith("dev", (a) => a, {}).ok).toBe(true);
  });
});
