import { ResourceRule, StackRule, resourceRule, stackRule } from "./common";
import { C } from "./controls";

/** Type tokens of the CloudNativePG resources these rules read. */
export const CNPG_CLUSTER = "kubernetes:postgresql.cnpg.io/v1:Cluster";
export const CNPG_SCHEDULED_BACKUP = "kubernetes:postgresql.cnpg.io/v1:ScheduledBackup";
const ZONE = "topology.kubernetes.io/zone";

/** A nested field of untyped custom-resource inputs (CRs have no SDK type to check against). */
function at(value: unknown, ...path: string[]): unknown {
  let cur = value;
  for (const key of path) {
    if (typeof cur !== "object" || cur === null || !(key in cur)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

export const timeseriesRules: readonly (ResourceRule | StackRule)[] = [
  resourceRule({
    name: "cnpg-cluster-ha",
    control: C.CNPG_HA,
    severity: "high",
    description:
      "CloudNativePG Clusters run at least 3 instances, one per zone (required pod anti-affinity on topology.kubernetes.io/zone), with at least one synchronous standby, so a zone loss loses neither the database nor a committed write.",
    devAdvisory: "dev runs a single instance for cost; its data is covered by WAL archiving and base backups (cnpg-cluster-backup).",
    validateResource: (args, report) => {
      if (args.type !== CNPG_CLUSTER) return args.notApplicable();
      const spec = at(args.props, "spec");
      const instances = at(spec, "instances");
      if (typeof instances !== "number" || instances < 3) report(`instances is ${String(instances)}; run at least 3 (one per zone).`);
      if (at(spec, "affinity", "podAntiAffinityType") !== "required" || at(spec, "affinity", "topologyKey") !== ZONE) {
        report(`affinity must set podAntiAffinityType: required and topologyKey: ${ZONE}, or two instances can share a zone.`);
      }
      const sync = at(spec, "postgresql", "synchronous", "number");
      if (typeof sync !== "number" || sync < 1) report("postgresql.synchronous.number must be at least 1, or a failover can lose committed transactions.");
    },
  }),
  resourceRule({
    name: "cnpg-cluster-tls-only",
    control: C.CNPG_TLS,
    severity: "high",
    description: "CloudNativePG Clusters reject TCP connections without TLS: pg_hba has a `hostnossl ... reject` line before any rule that would accept plain `host` connections.",
    validateResource: (args, report) => {
      if (args.type !== CNPG_CLUSTER) return args.notApplicable();
      const lines = list(at(args.props, "spec", "postgresql", "pg_hba")).map((l) => String(l).trim().split(/\s+/));
      const reject = lines.findIndex((l) => l[0] === "hostnossl" && l[l.length - 1] === "reject");
      const plain = lines.findIndex((l) => l[0] === "host" && l[l.length - 1] !== "reject");
      if (reject < 0 || (plain >= 0 && plain < reject)) report("pg_hba must reject non-TLS TCP clients (`hostnossl all all all reject`) before any `host` rule; CNPG's default appends `host all all all scram-sha-256`.");
    },
  }),
  stackRule({
    name: "cnpg-cluster-backup",
    control: C.CNPG_BACKUP,
    severity: "high",
    description: "Every CloudNativePG Cluster archives WAL continuously (a plugin with isWALArchiver, or spec.backup.barmanObjectStore) and has a ScheduledBackup of it in its namespace.",
    validateStack: (args, report) => {
      const scheduled = new Set(
        args.resources.filter((r) => r.type === CNPG_SCHEDULED_BACKUP).map((r) => `${String(at(r.props, "metadata", "namespace"))}/${String(at(r.props, "spec", "cluster", "name"))}`),
      );
      for (const r of args.resources.filter((x) => x.type === CNPG_CLUSTER)) {
        const spec = at(r.props, "spec");
        const archives = list(at(spec, "plugins")).some((p) => at(p, "isWALArchiver") === true) || at(spec, "backup", "barmanObjectStore") !== undefined;
        if (!archives) report(`Cluster ${r.name} archives no WAL: add the Barman Cloud plugin with isWALArchiver: true.`, r.urn);
        const key = `${String(at(r.props, "metadata", "namespace"))}/${String(at(r.props, "metadata", "name"))}`;
        if (!scheduled.has(key)) report(`Cluster ${r.name} has no ScheduledBackup (${key}): WAL alone cannot be restored without a base backup.`, r.urn);
      }
    },
  }),
];
