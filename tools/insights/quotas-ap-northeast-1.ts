import { QUOTAS_AP_NORTHEAST_2, QuotaTable } from "./quotas-ap-northeast-2";

/**
 * Default service quotas for ap-northeast-1 (Tokyo), the DR region of prod: the warm standby and the
 * ha-mode recovery stack run here (docs/disaster-recovery.md), and a recovery that first meets the
 * 5-vCPU On-Demand default loses hours to a quota request. Run the preflight's `get-service-quota`
 * commands in Tokyo, and ask for the increases while Seoul is healthy.
 *
 * The defaults are the same numbers as ap-northeast-2's: every `source` page of that table gives one
 * default for all commercial Regions (EC2 vCPU limits, VPC, EKS, RDS, ELB, Secrets Manager quotas), and
 * the quota codes are global. What differs per Region is the account's applied value, which the
 * preflight's commands read. The entries (codes, defaults, basis, sources, notes) are shared; the
 * table's region makes every check and request command ask Tokyo.
 */
export const QUOTAS_AP_NORTHEAST_1: QuotaTable = {
  region: "ap-northeast-1",
  retrievedOn: QUOTAS_AP_NORTHEAST_2.retrievedOn,
  quotas: QUOTAS_AP_NORTHEAST_2.quotas,
};
