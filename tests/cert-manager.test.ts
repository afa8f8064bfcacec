import { named, ofType } from "./support/query";
import { recordedRuns } from "./support/runs";

const runs = recordedRuns(["dev", "prod"]);

const RELEASE = "kubernetes:helm.sh/v3:Release";

describe.each([
  ["dev", 1],
  ["prod", 2],
])("cert-manager in %s", (stack, replicas) => {
  it("is one pinned release that installs its own CRDs and keeps them on uninstall", () => {
    const release = named(runs[stack], "cert-manager-release", RELEASE);
    expect(release.inputs).toMatchObject({ chart: "cert-manager", version: "v1.21.1", namespace: "cert-manager", createNamespace: false, waitForJobs: true });
    expect(release.inputs.values).toMatchObject({ crds: { enabled: true, keep: true } });
    expect(Number(release.inputs.timeout)).toBeGreaterThan(300);
  });

  it("lets no namespace edit or admin user request certificates: the ClusterIssuers sign for every namespace", () => {
    const values = named(runs[stack], "cert-manager-release", RELEASE).inputs.values as Record<string, unknown>;
    expect(values.global).toEqual({ rbac: { aggregateClusterRoles: false } });
  });

  it("runs every component on the system pool with requests and limits, highly available in prod", () => {
    const values = named(runs[stack], "cert-manager-release", RELEASE).inputs.values as Record<string, Record<string, unknown>>;
    for (const part of [values, values.webhook, values.cainjector]) {
      expect(part).toMatchObject({ nodeSelector: { role: "general" }, replicaCount: replicas, podDisruptionBudget: { enabled: replicas > 1 } });
      expect(part.resources).toMatchObject({ requests: { cpu: expect.any(String), memory: expect.any(String) }, limits: { memory: expect.any(String) } });
    }
    expect(values.startupapicheck).toMatchObject({ nodeSelector: { role: "general" } });
  });

  it("waits for the system pool's nodes and CoreDNS, and for nothing on the GPU or data pools", () => {
    const deps = named(runs[stack], "cert-manager-release", RELEASE).dependencies;
    const urnOf = (name: string): string => named(runs[stack], name).urn;
    expect(deps).toEqual(expect.arrayContaining([urnOf("cluster-general-ng-ap-northeast-2a"), named(runs[stack], "cluster-coredns", "aws:eks/addon:Addon").urn]));
    expect(deps).not.toContain(urnOf("cluster-ai-inference-ng"));
    expect(deps).not.toContain(urnOf("cluster-data-processing-ng-ap-northeast-2a"));
  });

  it("creates the ClusterIssuers (self-signed, the logging CA and the time-series CA) only after the release that installs their CRD", () => {
    const issuers = ofType(runs[stack], "kubernetes:cert-manager.io/v1:ClusterIssuer");
    expect(issuers.map((i) => i.inputs.metadata)).toEqual([expect.objectContaining({ name: "selfsigned" }), expect.objectContaining({ name: "logging-ca" }), expect.objectContaining({ name: "timeseries-ca" })]);
    for (const issuer of issuers) expect(issuer.dependencies).toContain(named(runs[stack], "cert-manager-release", RELEASE).urn);
  });
});
