import { RecordedResource } from "../tools/offline/harness";
import { RDS_CA_BUNDLE_URL } from "../lib/runtimeSecrets";
import { jsonInput, named, ofType } from "./support/query";
import { evaluate } from "./support/iam";
import { recordedRuns } from "./support/runs";

// Secrets where secrets belong: the Jobs that need the RDS master or the broker administrator read
// it from Secrets Manager at run time through their own IRSA role; no Kubernetes Secret holds it.

const runs = recordedRuns(["dev", "prod"]);

const SECRET = "kubernetes:core/v1:Secret";
const JOB = "kubernetes:batch/v1:Job";

interface Container {
  name: string;
  command?: string[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
}
interface PodSpec {
  serviceAccountName?: string;
  initContainers?: Container[];
  containers: Container[];
}
const podOf = (job: RecordedResource): PodSpec => (job.inputs.spec as { template: { spec: PodSpec } }).template.spec;
const envOf = (c: Container): Record<string, string | undefined> => Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));

/** The credentials that must never sit in a Kubernetes Secret. */
const ADMIN_PASSWORDS = ["postgres-master-password", "messaging-admin-password", "redis-auth-token"];

describe.each(["dev", "prod"])("%s: administrator credentials stay in Secrets Manager", (stack) => {
  test("no Kubernetes Secret holds the RDS master, broker administrator or Redis auth token", () => {
    const run = runs[stack];
    const values = ADMIN_PASSWORDS.map((n) => String(named(run, n, "random:index/randomPassword:RandomPassword").state.result));
    expect(values.every((v) => v.length >= 32)).toBe(true);
    const secrets = ofType(run, SECRET);
    // filebeat user and roles, Grafana's admin, Slack webhook, broker users, time-series consumers
    expect(secrets.length).toBeGreaterThanOrEqual(6);
    for (const s of secrets) {
      const text = JSON.stringify(s.inputs);
      for (const v of values) {
        expect([s.name, text.includes(v) || text.includes(Buffer.from(v).toString("base64"))]).toEqual([s.name, false]);
      }
    }
  });

  test.each([
    ["database-roles", "database-roles-job", "postgres-master", "database-roles-irsa-read-master-secret"],
    ["messaging-users", "messaging-users-job", "messaging-admin", "messaging-users-irsa-read-admin-secret"],
  ])("%s: the Job fetches its credential at run time through its own IRSA role", (_key, jobName, secretName, policyName) => {
    const run = runs[stack];
    const job = named(run, jobName, JOB);
    const pod = podOf(job);
    const secretArn = String(named(run, secretName, "aws:secretsmanager/secret:Secret").state.arn);
    const fetch = pod.initContainers?.find((c) => c.name === "fetch-secret");
    expect(envOf(fetch as Container).SECRET_ARN).toBe(secretArn);
    // Nothing of the pod comes from a Kubernetes Secret but the broker users' own passwords.
    for (const c of [...(pod.initContainers ?? []), ...pod.containers]) for (const e of c.env ?? []) expect(e.valueFrom).toBeUndefined();
    // Its service account carries its own role, which reads that one secret and nothing else.
    const sa = ofType(run, "kubernetes:core/v1:ServiceAccount").find((s) => (s.inputs.metadata as { name: string; namespace: string }).name === pod.serviceAccountName && (s.inputs.metadata as { namespace: string }).namespace === (job.inputs.metadata as { namespace: string }).namespace);
    expect(sa).toBeDefined();
    const policy = jsonInput(named(run, policyName, "aws:iam/rolePolicy:RolePolicy"), "policy");
    const principal = "arn:aws:iam::123456789012:role/job";
    expect(evaluate([policy], { principal, action: "secretsmanager:GetSecretValue", resource: secretArn })).toBe("Allow");
    expect(evaluate([policy], { principal, action: "secretsmanager:GetSecretValue", resource: `${secretArn}-other` })).toBe("ImplicitDeny");
    expect(evaluate([policy], { principal, action: "secretsmanager:PutSecretValue", resource: secretArn })).toBe("ImplicitDeny");
    expect(job.dependencies).toContain(sa?.urn);
    // The secret's value is written only once the service exists (it names the host), as the Job is
    // created: the Job waits for that version instead of racing it.
    expect(job.dependencies).toContain(named(run, secretName, "aws:secretsmanager/secretVersion:SecretVersion").urn);
  });

  test("the master's connection verifies the server against RDS's CA bundle", () => {
    const pod = podOf(named(runs[stack], "database-roles-job", JOB));
    const psql = pod.containers.find((c) => c.name === "psql") as Container;
    expect(envOf(psql)).toMatchObject({ PGSSLMODE: "verify-full", PGSSLROOTCERT: "/tls/rds-ca.pem" });
    expect(pod.initContainers?.find((c) => c.name === "rds-ca")?.command).toContain(RDS_CA_BUNDLE_URL);
  });
});
