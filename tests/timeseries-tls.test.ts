import * as fs from "fs";
import * as path from "path";
import { RecordedResource, RunResult } from "../tools/offline/harness";
import { postgresSslmode } from "../policy/rules/secrets";
import { byUrn, named, ofType, str } from "./support/query";
import { schemaErrors } from "./support/k8sSchema";
import { recordedRuns } from "./support/runs";
import { loadStackFile } from "../tools/offline/stackFile";

/**
 * The time-series database's server certificate comes from a CA the platform owns (cert-manager),
 * every connection secret tells its client to verify it (verify-full, with the CA's location), and
 * the platform's own clients (the collectors) mount that CA. Issue 27, build item 6.
 */
const runs = recordedRuns(["dev", "prod", "prod-standby"]);

const CERT = "kubernetes:cert-manager.io/v1:Certificate";
const ISSUER = "kubernetes:cert-manager.io/v1:ClusterIssuer";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
type Obj = Record<string, unknown>;

function get(v: unknown, ...path: (string | number)[]): unknown {
  let cur = v;
  for (const k of path) {
    if (typeof cur !== "object" || cur === null) return undefined;
    cur = (cur as Record<string | number, unknown>)[k];
  }
  return cur;
}
const nsOf = (r: RecordedResource): unknown => get(r.inputs, "metadata", "namespace");
const specOf = (r: RecordedResource): Obj => r.inputs.spec as Obj;
const issuerRef = (name: string): Obj => ({ name, kind: "ClusterIssuer", group: "cert-manager.io" });

/** Resources with a TimeseriesConsumers component among their ancestors. */
function underType(run: RunResult, r: RecordedResource, type: string): boolean {
  for (let cur = byUrn(run, r.parent); cur; cur = byUrn(run, cur.parent)) if (cur.type === type) return true;
  return false;
}
/** Every time-series connection secret of a run (the JSON its clients read), by resource name. */
function connectionSecrets(run: RunResult): [string, Obj][] {
  return ofType(run, SECRET_VERSION)
    .filter((v) => underType(run, v, "entasis:timeseries:TimeseriesConsumers"))
    .map((v) => [v.name, JSON.parse(str(v, "secretString")) as Obj]);
}
function clientNamespaces(stack: string): string[] {
  return (JSON.parse(loadStackFile(stack).config["entasis:timeseries"]) as { clientNamespaces: string[] }).clientNamespaces;
}

// The collectors run in dev and prod; the standby has none (Pulumi.prod-standby.yaml).
describe.each([
  ["dev", true],
  ["prod", true],
  ["prod-standby", false],
])("time-series TLS in %s", (stack, collectors) => {
  const run = (): RunResult => runs[stack];
  /** The Certificates this change adds (the collectors' bundle only where they run). */
  const newCerts = (): RecordedResource[] => ofType(run(), CERT).filter((c) => c.name.startsWith("timeseries-tls-") || c.name === "collectors-timeseries-ca-bundle");
  const cert = (name: string): RecordedResource => named(run(), name, CERT);
  const certManager = (): string => named(run(), "cert-manager-release", RELEASE).urn;

  it("chains the server certificate to a platform CA: self-signed CA in cert-manager's namespace, key kept on renewal, and a ClusterIssuer that signs with it", () => {
    const ca = cert("timeseries-tls-ca");
    expect([nsOf(ca), get(ca.inputs, "spec", "isCA"), get(ca.inputs, "spec", "privateKey", "rotationPolicy"), get(ca.inputs, "spec", "issuerRef")]).toEqual(["cert-manager", true, "Never", issuerRef("selfsigned")]);
    expect(ca.dependencies).toEqual(expect.arrayContaining([certManager(), named(run(), "cert-manager-selfsigned", ISSUER).urn]));
    const issuer = named(run(), "timeseries-tls-issuer", ISSUER);
    expect(specOf(issuer)).toEqual({ ca: { secretName: get(ca.inputs, "spec", "secretName") } });
    expect(issuer.dependencies).toEqual(expect.arrayContaining([certManager(), ca.urn]));
    const server = cert("timeseries-tls-server");
    expect([nsOf(server), get(server.inputs, "spec", "issuerRef"), get(server.inputs, "spec", "usages")]).toEqual(["timeseries", issuerRef(String(get(issuer.inputs, "metadata", "name"))), ["server auth", "digital signature", "key encipherment"]]);
    // CNPG reloads a Secret labelled cnpg.io/reload when cert-manager renews it.
    expect(get(server.inputs, "spec", "secretTemplate")).toEqual({ labels: { "cnpg.io/reload": "true" } });
    expect(server.dependencies).toEqual(expect.arrayContaining([certManager(), issuer.urn, named(run(), "timeseries-namespace").urn]));
  });

  it("serves that certificate from PostgreSQL and PgBouncer, and CNPG keeps its own client CA and replication certificate", () => {
    const secretName = get(cert("timeseries-tls-server").inputs, "spec", "secretName");
    const cluster = named(run(), "timeseries-cluster", "kubernetes:postgresql.cnpg.io/v1:Cluster");
    // Only the server pair: clientCASecret and replicationTLSSecret stay CNPG's (streaming replication unchanged).
    expect(specOf(cluster).certificates).toEqual({ serverTLSSecret: secretName, serverCASecret: secretName });
    const pooler = named(run(), "timeseries-pooler", "kubernetes:postgresql.cnpg.io/v1:Pooler");
    const pgbouncer = specOf(pooler).pgbouncer as Obj;
    expect(pgbouncer.clientTLSSecret).toEqual({ name: secretName });
    // serverTLSSecret on the Pooler would turn off CNPG's auth_query integration.
    expect(pgbouncer).not.toHaveProperty("serverTLSSecret");
    expect((pgbouncer.parameters as Obj).client_tls_sslmode).toBe("require");
  });

  it("names every host a connection secret gives, in each form a pod resolves", () => {
    const dnsNames = get(cert("timeseries-tls-server").inputs, "spec", "dnsNames") as string[];
    const secrets = connectionSecrets(run());
    const roles = (get(named(run(), "timeseries-cluster").inputs, "spec", "managed", "roles") as Obj[]).length;
    expect(secrets).toHaveLength(roles);
    expect(roles).toBeGreaterThanOrEqual(2);
    const hosts = new Set(secrets.flatMap(([, s]) => [s.host, s.rwHost, s.roHost].map(String)));
    expect(hosts.size).toBe(3);
    for (const host of hosts) {
      const [svc, ns] = host.split(".");
      expect(host).toBe(`${svc}.${ns}.svc.cluster.local`);
      expect(dnsNames).toEqual(expect.arrayContaining([svc, `${svc}.${ns}`, `${svc}.${ns}.svc`, host]));
    }
    // The CNPG Services the secrets name exist as CNPG names them (<cluster>-rw/-ro, the Pooler's own name).
    const poolerName = get(named(run(), "timeseries-pooler").inputs, "metadata", "name");
    expect([...hosts].map((h) => h.split(".")[0]).sort()).toEqual(["timeseries-ro", "timeseries-rw", String(poolerName)].sort());
  });

  it("tells every client to verify the server (verify-full) against the CA mounted from its own namespace", () => {
    const secrets = connectionSecrets(run());
    expect(secrets.length).toBeGreaterThanOrEqual(2);
    const bundleSecret = "timeseries-ca-bundle";
    for (const [name, s] of secrets) {
      expect([name, s.sslmode, s.sslrootcert, s.sslrootcertSecret]).toEqual([name, "verify-full", "/etc/timeseries-ca/ca.crt", bundleSecret]);
      // The policy pack reads it the same way.
      expect(postgresSslmode(JSON.stringify(s))).toBe("verify-full");
    }
    // What app teams read: the outputs name the same issuer, Secret, key and path.
    expect(run().outputs.timeseries).toMatchObject({ tls: { issuer: "timeseries-ca", caSecret: bundleSecret, caKey: "ca.crt", sslrootcert: secrets[0][1].sslrootcert } });
  });

  it("puts the CA bundle in each client namespace the platform creates, and only there, after the namespace and the issuer", () => {
    const issuer = named(run(), "timeseries-tls-issuer", ISSUER).urn;
    const bundles = ofType(run(), CERT).filter((c) => get(c.inputs, "spec", "secretName") === "timeseries-ca-bundle");
    const want: [string, string][] = [["trading-api", "timeseries-tls-trading-api-ca-bundle"], ...(collectors ? ([["collectors", "collectors-timeseries-ca-bundle"]] as [string, string][]) : [])];
    expect(bundles.map((b) => [nsOf(b), b.name]).sort()).toEqual(want.sort());
    const allowed = [...clientNamespaces(stack), "collectors"];
    for (const b of bundles) {
      expect(allowed).toContain(nsOf(b));
      expect(get(b.inputs, "spec", "issuerRef")).toEqual(issuerRef("timeseries-ca"));
      // A client certificate that grants nothing: PostgreSQL and PgBouncer authenticate by password.
      expect(get(b.inputs, "spec", "usages")).toEqual(["client auth", "digital signature"]);
      expect(get(b.inputs, "spec", "isCA")).toBeUndefined();
      expect(b.dependencies).toEqual(expect.arrayContaining([certManager(), issuer]));
    }
    expect(cert("timeseries-tls-trading-api-ca-bundle").dependencies).toContain(named(run(), "trading-api-ns").urn);
    if (collectors) expect(cert("collectors-timeseries-ca-bundle").dependencies).toContain(named(run(), "collectors-ns").urn);
  });

  it("mounts only ca.crt into each collector, which verifies the server and starts after its CA bundle", () => {
    expect(run().resources.some((r) => r.name === "collectors-ns")).toBe(collectors);
    if (!collectors) return;
    const bundle = cert("collectors-timeseries-ca-bundle");
    const deployments = ofType(run(), DEPLOYMENT).filter((d) => nsOf(d) === "collectors");
    expect(deployments).toHaveLength(2);
    const [[, secret]] = connectionSecrets(run());
    for (const d of deployments) {
      const pod = get(d.inputs, "spec", "template", "spec") as Obj;
      const volume = (pod.volumes as Obj[]).find((v) => v.name === "timeseries-ca");
      expect(volume).toEqual({ name: "timeseries-ca", secret: { secretName: get(bundle.inputs, "spec", "secretName"), items: [{ key: "ca.crt", path: "ca.crt" }] } });
      const container = (pod.containers as Obj[])[0];
      const mount = (container.volumeMounts as Obj[]).find((m) => m.name === "timeseries-ca");
      expect(mount).toEqual({ name: "timeseries-ca", mountPath: "/etc/timeseries-ca", readOnly: true });
      expect(`${String(mount?.mountPath)}/ca.crt`).toBe(secret.sslrootcert);
      const env = Object.fromEntries((container.env as { name: string; value: unknown }[]).map((e) => [e.name, e.value]));
      expect([env.PGSSLMODE, env.PGSSLROOTCERT]).toEqual(["verify-full", secret.sslrootcert]);
      expect(d.dependencies).toContain(bundle.urn);
    }
  });

  it("orders the first deploy: certificates after cert-manager and their issuer, the Cluster and the Pooler after the server certificate", () => {
    const server = cert("timeseries-tls-server").urn;
    expect(named(run(), "timeseries-cluster").dependencies).toContain(server);
    expect(named(run(), "timeseries-pooler").dependencies).toContain(server);
    const certs = newCerts();
    expect(certs).toHaveLength(collectors ? 4 : 3);
    for (const c of certs) {
      expect(c.dependencies).toContain(certManager());
      // Pulumi waits for cert-manager to issue it, so a dependant starts with its Secret in place.
      expect(get(c.inputs, "metadata", "annotations")).toEqual({ "pulumi.com/waitFor": "condition=Ready" });
    }
  });

  it("validates every new object and the changed CNPG objects against their CRDs", () => {
    const objects = [
      ...newCerts(),
      named(run(), "timeseries-tls-issuer", ISSUER),
      named(run(), "timeseries-cluster"),
      named(run(), "timeseries-pooler"),
    ];
    expect(objects).toHaveLength(collectors ? 7 : 6);
    for (const o of objects) expect([o.name, schemaErrors(o.inputs)]).toEqual([o.name, []]);
  });
});

describe("the failover standby's certificate", () => {
  it("comes from the standby's own CA and names the same hosts, so its clients verify it after promotion", () => {
    const names = (stack: string): unknown => get(named(runs[stack], "timeseries-tls-server", CERT).inputs, "spec", "dnsNames");
    expect(names("prod-standby")).toEqual(names("prod"));
    // Still a replica cluster of the primary's archive, with the server certificate set.
    const spec = specOf(named(runs["prod-standby"], "timeseries-cluster"));
    expect(spec.replica).toMatchObject({ enabled: true });
    expect(spec.certificates).toEqual({ serverTLSSecret: "timeseries-server-tls", serverCASecret: "timeseries-server-tls" });
  });
});

describe("docs/timeseries-tls.md's check of the served certificate", () => {
  const doc = (): string => fs.readFileSync(path.join(__dirname, "..", "docs", "timeseries-tls.md"), "utf8");
  /** The shell block of "What cannot be checked offline". */
  const check = (): string => {
    const section = doc().split("## What cannot be checked offline")[1] ?? "";
    return /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
  };

  it("runs from outside the cluster (the timeseries namespace denies a pod of its own DNS and 5432), with names the dev stack creates", () => {
    const run = runs.dev;
    const sh = check();
    expect(sh).not.toBe("");
    // A `kubectl run` pod in the database's namespace matches only its default deny.
    expect(sh).not.toMatch(/kubectl\s+(-n\s+\S+\s+)?run\b/);
    const deny = ofType(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy").filter((p) => nsOf(p) === "timeseries" && JSON.stringify(specOf(p).podSelector) === "{}");
    expect(deny.map((p) => specOf(p).policyTypes)).toEqual([["Ingress", "Egress"]]);

    // The CA bundle it reads is a Certificate's Secret in that namespace.
    const bundle = /kubectl -n (\S+) get secret (\S+) /.exec(sh);
    expect(bundle).not.toBeNull();
    const [, bundleNs, bundleSecret] = bundle as RegExpExecArray;
    expect(ofType(run, CERT).some((c) => nsOf(c) === bundleNs && specOf(c).secretName === bundleSecret)).toBe(true);

    // It forwards to a Service the server certificate names and verifies that name.
    const forward = /kubectl -n (\S+) port-forward svc\/(\S+) \d+:(\d+)/.exec(sh);
    expect(forward).not.toBeNull();
    const [, svcNs, svc, port] = forward as RegExpExecArray;
    const dnsNames = specOf(named(run, "timeseries-tls-server", CERT)).dnsNames as string[];
    expect(dnsNames).toContain(`${svc}.${svcNs}.svc`);
    expect(sh).toContain(`-verify_hostname ${svc}.${svcNs}.svc`);
    expect(Number(port)).toBe(5432);
  });
});
