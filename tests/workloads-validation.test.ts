import { IMAGE_REF_RE, WorkloadsConfig, cpuMillis, memoryBytes, registryHost, validateWorkloads, workloadsSchema } from "../stacks/schema/workloads";
import { ENVIRONMENT_DEFAULTS } from "../stacks/schema/defaults";
import { deepMerge } from "../lib/merge";
import { loadStackFile } from "../tools/offline/stackFile";
import { validateWith, withField } from "./support/config";

const workloads = (stack: string, path: string[], value: unknown) => validateWith(stack, (a) => ({ ...a, workloads: withField(a.workloads, path, value) }));

describe("workloads config validation", () => {
  it("accepts both stack files as written", () => {
    expect(validateWith("dev")).toEqual({ ok: true, messages: [] });
    expect(validateWith("prod")).toEqual({ ok: true, messages: [] });
  });

  it("image references need a tag or digest and a valid repository path", () => {
    for (const ok of ["trading-api:1.0.0", "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/entasis/trading-api:1.0.0", "localhost:5000/a/b@sha256:" + "a".repeat(64), "ghcr.io/org/app:v1.2_3"]) {
      expect({ ok, valid: IMAGE_REF_RE.test(ok) }).toEqual({ ok, valid: true });
    }
    for (const bad of ["trading-api", "Trading-API:1.0.0", "trading-api:", "trading-api:1.0.0 ", "registry.example.com/:tag", "app@sha256:1234"]) {
      expect({ bad, valid: IMAGE_REF_RE.test(bad) }).toEqual({ bad, valid: false });
    }
    expect(workloads("dev", ["image"], "trading-api").messages).toEqual([
      'entasis:workloads.image "trading-api" is not a container image reference with a tag or digest; use e.g. 123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/trading-api:1.0.0',
    ]);
  });

  it("tells a registry host from a Docker Hub name the way the distribution reference does", () => {
    expect(
      ["trading-api:1.0.0", "org/app:1", "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/trading-api:1.0.0", "localhost/app:1", "registry:5000/app:1", "docker.io/org/app:1"].map((i) => [i, registryHost(i)]),
    ).toEqual([
      ["trading-api:1.0.0", undefined],
      ["org/app:1", undefined],
      ["123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/trading-api:1.0.0", "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com"],
      ["localhost/app:1", "localhost"],
      ["registry:5000/app:1", "registry:5000"],
      ["docker.io/org/app:1", "docker.io"],
    ]);
  });

  it("at deploy time, an image must name its registry unless build is set (previews accept the spec's bare name)", () => {
    const deploying = (w: WorkloadsConfig): string[] => validateWorkloads(w, "entasis:workloads", true).map((p) => `${p.key}: ${p.problem}`);
    const base = workloadsSchema.parse(deepMerge(ENVIRONMENT_DEFAULTS.dev.workloads, JSON.parse(loadStackFile("dev").config["entasis:workloads"]) as unknown));
    expect(validateWorkloads(base, "entasis:workloads", false)).toEqual([]);
    expect(deploying(base)).toEqual([
      "entasis:workloads.image: names no registry, so nodes would pull docker.io/library/trading-api:1.0.0 from Docker Hub, where it does not exist, and `pulumi up` would wait on the Deployment until it times out",
    ]);
    expect(deploying({ ...base, image: "org/trading-api:1.0.0" })[0]).toContain("docker.io/org/trading-api:1.0.0");
    expect(deploying({ ...base, image: "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/trading-api:1.0.0" })).toEqual([]);
    expect(deploying({ ...base, image: undefined, build: { context: "app", dockerfile: "Dockerfile", tag: "1.0.0" } })).toEqual([]);
  });

  it("requires an image or a build, not both", () => {
    expect(workloads("dev", ["image"], undefined).messages).toEqual([
      "entasis:workloads.image (unset) is required when no build is configured; set entasis:workloads.image (e.g. <account>.dkr.ecr.<region>.amazonaws.com/trading-api:1.0.0) or entasis:workloads.build.context",
    ]);
    expect(workloads("dev", ["build"], { context: "app" }).messages).toEqual(['entasis:workloads.image "trading-api:1.0.0" is set together with build; set one of them: build pushes its own image']);
  });

  it("HPA bounds: min <= max, target 1..100, replicas within the bounds", () => {
    expect(workloads("prod", ["hpa", "minReplicas"], 11).messages).toEqual(["entasis:workloads.hpa.minReplicas 11 is above hpa.maxReplicas 10; make minReplicas <= maxReplicas"]);
    expect(workloads("prod", ["hpa", "cpuUtilization"], 101).messages).toEqual(["entasis:workloads.hpa.cpuUtilization 101 is above the maximum 100; use at most 100"]);
    expect(workloads("prod", ["hpa", "cpuUtilization"], 0).messages).toEqual(["entasis:workloads.hpa.cpuUtilization 0 is below the minimum 1; use at least 1"]);
    expect(workloads("prod", ["replicas"], 12).messages).toEqual(["entasis:workloads.replicas 12 is outside the HPA bounds 3..10; start within the bounds the HPA scales between"]);
  });

  it("the PDB must let at least one pod go at the HPA's minimum", () => {
    expect(workloads("prod", ["pdbMinAvailable"], 3).messages).toEqual([
      "entasis:workloads.pdbMinAvailable 3 is not below hpa.minReplicas 3, so no pod could ever be evicted (node drains would block); use at most 2",
    ]);
  });

  it("ports are 1..65535 and distinct", () => {
    expect(workloads("dev", ["ports", "http"], 70000).messages).toEqual(["entasis:workloads.ports.http 70000 is above the maximum 65535; use at most 65535"]);
    expect(workloads("dev", ["ports", "metrics"], 8080).messages).toEqual(["entasis:workloads.ports.metrics 8080 is the same port as ports.http; use separate ports (the spec: http 8080, metrics 9090)"]);
  });

  it("requests stay within limits; quantities are Kubernetes quantities", () => {
    expect(workloads("dev", ["resources", "requests", "cpu"], "2500m").messages).toEqual(['entasis:workloads.resources.requests.cpu "2500m" is above the limit 2; make the request <= the limit']);
    expect(workloads("dev", ["resources", "requests", "memory"], "5Gi").messages).toEqual(['entasis:workloads.resources.requests.memory "5Gi" is above the limit 4Gi; make the request <= the limit']);
    expect(workloads("dev", ["resources", "limits", "memory"], "4GB").messages).toEqual(['entasis:workloads.resources.limits.memory "4GB" is not a memory quantity; use binary units, e.g. "2Gi" or "512Mi"']);
    expect(cpuMillis("1")).toBe(1000);
    expect(cpuMillis("0.5")).toBe(500);
    expect(cpuMillis("250m")).toBe(250);
    expect(memoryBytes("2Gi")).toBe(2 * 1024 ** 3);
  });

  it("VPA bounds: min <= max, and a known update mode", () => {
    expect(workloads("dev", ["vpa", "minMemory"], "16Gi").messages).toEqual(["entasis:workloads.vpa.minMemory \"16Gi\" is above vpa.maxMemory 8Gi; make minMemory <= maxMemory"]);
    expect(workloads("dev", ["vpa", "updateMode"], "Always").messages).toEqual([
      'entasis:workloads.vpa.updateMode "Always" is not allowed (allowed: Off | Initial | Recreate | InPlaceOrRecreate | Auto); use one of those values',
    ]);
  });
});
