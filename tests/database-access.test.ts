import * as fs from "fs";
import * as path from "path";
import { RecordedResource, RunResult } from "../tools/offline/harness";
import { ROLE_BOOTSTRAP_IMAGE } from "../components/data/databaseRoles";
import { contentHash, roleBootstrapSql } from "../components/data/roleSql";
import { byUrn, jsonInput, named, ofType } from "./support/query";
import { stackRun } from "./support/stackRuns";

const runs: Record<string, RunResult> = {};
beforeAll(async () => {
  runs.dev = await stackRun("dev");
  runs.prod = await stackRun("prod");
}, 300_000);

const JOB = "kubernetes:batch/v1:Job";
type Obj = Record<string, unknown>;
const at = (v: unknown, dotted: string): unknown => dotted.split(".").reduce<unknown>((cur, part) => (typeof cur === "object" && cur !== null ? (cur as Obj)[part] : undefined), v);
const job = (run: RunResult): RecordedResource => named(run, "database-roles-job", JOB);

/** Everything `r` waits for, through dependencies and its component ancestors' dependencies, transitively. */
function waitsFor(run: RunResult, r: RecordedResource): Set<string> {
  const seen = new Set<string>();
  const visit = (urn: string): void => {
    if (seen.has(urn)) return;
    seen.add(urn);
    const res = byUrn(run, urn);
    if (!res) return;
    res.dependencies.forEach(visit);
    if (res.parent) visit(res.parent);
  };
  r.dependencies.forEach(visit);
  if (r.parent) visit(r.parent);
  return seen;
}

describe("the role bootstrap SQL", () => {
  const sql = roleBootstrapSql("entasis", { "trading-api": { username: "trading_api", access: "readWrite" }, analytics: { username: "analytics", access: "readOnly" } });

  it("is the reviewed text: CREATE ROLE only when missing, rds_iam, CONNECT, schema grants by access level", () => {
    // The reviewed text lives in tests/fixtures/role-bootstrap.sql; a change to the SQL is a change to that file, reviewed in the diff.
    expect(sql).toBe(fs.readFileSync(path.join(__dirname, "fixtures", "role-bootstrap.sql"), "utf8"));
  });

  it("is re-runnable: every CREATE is guarded by a pg_roles lookup, every other statement is an idempotent GRANT or ALTER", () => {
    const statements = sql.split("\n").filter((l) => /^(CREATE|GRANT|ALTER|REVOKE|DROP)\b/.test(l.trim()));
    expect(statements.filter((l) => l.trim().startsWith("CREATE"))).toEqual(['    CREATE ROLE "analytics" LOGIN;', '    CREATE ROLE "trading_api" LOGIN;']);
    for (const role of ["analytics", "trading_api"]) {
      const create = sql.indexOf(`CREATE ROLE "${role}"`);
      expect(sql.lastIndexOf(`IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = '${role}') THEN`, create)).toBeGreaterThan(-1);
      expect(sql).toContain(`GRANT rds_iam TO "${role}";`);
      expect(sql).toContain(`GRANT CONNECT ON DATABASE "entasis" TO "${role}";`);
    }
    expect(statements.some((l) => /^(DROP|REVOKE)/.test(l.trim()))).toBe(false);
    // Only the read-write consumer may create tables.
    expect(sql).toContain('GRANT CREATE ON SCHEMA public TO "trading_api";');
    expect(sql).not.toContain('GRANT CREATE ON SCHEMA public TO "analytics";');
  });

  it("never sets a password: the roles log in with IAM tokens only", () => {
    expect(sql).not.toMatch(/PASSWORD/i);
  });
});

describe.each(["dev", "prod"])("database roles in %s", (stack) => {
  it("run as one Job for the stack's consumers, named after the SQL and image it runs", () => {
    const run = runs[stack];
    // Other areas run Jobs of their own (the broker's user provisioner); this area runs exactly one.
    expect(ofType(run, JOB).map((j) => j.name).filter((n) => n.startsWith("database-roles"))).toEqual(["database-roles-job"]);
    const sql = (named(run, "database-roles-sql", "kubernetes:core/v1:ConfigMap").inputs.data as Record<string, string>)["roles.sql"];
    expect(sql).toBe(roleBootstrapSql("entasis", { "trading-api": { username: "trading_api", access: "readWrite" }, analytics: { username: "analytics", access: "readOnly" } }));
    expect(at(job(run).inputs, "metadata.name")).toBe(`db-roles-${contentHash(sql, ROLE_BOOTSTRAP_IMAGE)}`);
    expect(byUrn(run, job(run).parent)?.type).toBe("entasis:data:DatabaseRoles");
  });

  it("connect to the primary (not the IAM-only proxy) as the master user, the password read from Secrets Manager at run time, over verified TLS", () => {
    const run = runs[stack];
    const primary = named(run, "postgres-primary", "aws:rds/instance:Instance");
    const container = at(job(run).inputs, "spec.template.spec.containers.0") as Obj;
    expect(container.image).toBe(ROLE_BOOTSTRAP_IMAGE);
    expect(ROLE_BOOTSTRAP_IMAGE).toMatch(/^public\.ecr\.aws\/docker\/library\/postgres:17\.\d+-alpine$/);
    expect(container.env).toEqual(
      expect.arrayContaining([
        { name: "PGHOST", value: primary.state.address },
        { name: "PGUSER", value: "entasis_admin" },
        { name: "PGDATABASE", value: "entasis" },
        { name: "PGSSLMODE", value: "verify-full" },
        { name: "PGSSLROOTCERT", value: "/tls/rds-ca.pem" },
      ]),
    );
    // No Kubernetes Secret for the master (tests/runtime-secrets.test.ts checks every Secret).
    expect(ofType(run, "kubernetes:core/v1:Secret").filter((s) => s.name.startsWith("database-roles"))).toEqual([]);
    const command = container.command as string[];
    expect(command.slice(0, 2)).toEqual(["/bin/sh", "-c"]);
    expect(command[2]).toContain("exec psql -v ON_ERROR_STOP=1 --single-transaction --no-psqlrc -f /sql/roles.sql");
  });

  it("run hardened on the general pool, after its node group and CoreDNS, with egress only to DNS and 5432 in the database subnets", () => {
    const run = runs[stack];
    const pod = at(job(run).inputs, "spec.template.spec") as Obj;
    expect(pod.nodeSelector).toEqual({ role: "general" });
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 70, seccompProfile: { type: "RuntimeDefault" } });
    expect(at(pod, "containers.0.securityContext")).toEqual({ allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
    expect(at(pod, "containers.0.resources")).toEqual({ requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } });
    expect(at(named(run, "database-roles-ns").inputs, "metadata.labels")).toMatchObject({ "pod-security.kubernetes.io/enforce": "restricted" });
    const deps = job(run).dependencies;
    expect(deps).toContain(named(run, "cluster-coredns", "aws:eks/addon:Addon").urn);
    const general = ofType(run, "aws:eks/nodeGroup:NodeGroup").filter((ng) => (ng.inputs.labels as { role?: string }).role === "general");
    expect(general.length).toBeGreaterThan(1);
    for (const ng of general) expect(deps).toContain(ng.urn);
    expect(waitsFor(run, job(run))).toContain(named(run, "postgres-primary", "aws:rds/instance:Instance").urn);
    const egress = named(run, "database-roles-egress", "kubernetes:networking.k8s.io/v1:NetworkPolicy");
    const dbCidrs = ofType(run, "aws:ec2/subnet:Subnet").filter((s) => (s.inputs.tags as Obj).Tier === "database").map((s) => s.inputs.cidrBlock);
    expect(at(egress.inputs, "spec.egress.1")).toEqual({ to: dbCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: "TCP", port: 5432 }] });
    // DNS, PostgreSQL, and HTTPS (never instance metadata) for STS, Secrets Manager and the CA bundle.
    expect(at(egress.inputs, "spec.egress")).toHaveLength(3);
    expect(at(egress.inputs, "spec.egress.2")).toEqual({ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["169.254.169.254/32"] } }], ports: [{ protocol: "TCP", port: 443 }] });
    expect(at(named(run, "database-roles-default-deny").inputs, "spec")).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
  });

  it("complete before trading-api's Deployment starts (pulumi-kubernetes awaits Job completion)", () => {
    const run = runs[stack];
    const deployment = named(run, "trading-api-deployment", "kubernetes:apps/v1:Deployment");
    expect(deployment.dependencies).toContain(job(run).urn);
  });
});

describe.each(["dev", "prod"])("rds-db:connect in %s", (stack) => {
  it("covers every endpoint trading-api's connection secret names, each with its own resource ID, and nothing else", () => {
    const run = runs[stack];
    const version = named(run, "connection-secrets-trading-api", "aws:secretsmanager/secretVersion:SecretVersion");
    const conn = JSON.parse(String(version.inputs.secretString)) as { host: string; readerHost: string; proxyHost?: string; username: string };
    const hosts = [conn.host, conn.readerHost, ...(conn.proxyHost ? [conn.proxyHost] : [])];
    const instances = ofType(run, "aws:rds/instance:Instance");
    const proxies = ofType(run, "aws:rds/proxy:Proxy");
    const resourceIdOf = (host: string): string => {
      const instance = instances.find((i) => i.state.address === host);
      if (instance) return String(instance.state.resourceId);
      const proxy = proxies.find((p) => p.state.endpoint === host);
      if (proxy) return String(proxy.state.arn).split(":").slice(-1)[0];
      throw new Error(`no instance or proxy answers at ${host}`);
    };
    const expected = [...new Set([...hosts.map(resourceIdOf), ...instances.map((i) => String(i.state.resourceId))])].map((id) => `arn:aws:rds-db:ap-northeast-2:123456789012:dbuser:${id}/${conn.username}`);
    const doc = jsonInput(named(run, "trading-api-irsa-connection-secrets", "aws:iam/rolePolicy:RolePolicy"), "policy") as { Statement: { Sid: string; Resource: string[] }[] };
    const resources = doc.Statement.find((s) => s.Sid === "ConnectAsOwnUser")?.Resource;
    expect([...(resources ?? [])].sort()).toEqual(expected.sort());
    // prod reads from its replica and writes through the proxy: three distinct resource IDs.
    expect(new Set(hosts).size).toBe(stack === "prod" ? 3 : 1);
    if (stack === "prod") expect(resources?.some((r) => r.includes(":dbuser:prx-"))).toBe(true);
  });
});
