import { z } from "zod";
import { ConfigProblem } from "./problems";

export const meshSchema = z.strictObject({
  /** Istio ambient mesh around the platform's service-to-service traffic. Default on. */
  enabled: z.boolean(),
  /** Peer authentication of every enrolled namespace: STRICT refuses plaintext from outside the mesh (except on the ports callers outside it must reach). Default STRICT. */
  mtlsMode: z.enum(["STRICT", "PERMISSIVE"]),
  /** istiod replicas. Default 1 (dev) / 2 (prod). */
  istiodReplicas: z.number().int().min(1).max(5),
});
export type MeshConfig = z.infer<typeof meshSchema>;

export function validateMesh(m: MeshConfig, environment: string, areaKey: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (!m.enabled || environment !== "prod") return problems;
  if (m.mtlsMode !== "STRICT") problems.push({ key: `${areaKey}.mtlsMode`, value: m.mtlsMode, problem: "accepts plaintext between services in prod, so a connection that bypasses the mesh is neither authenticated nor encrypted", fix: "use STRICT (PERMISSIVE only while migrating, in dev)" });
  if (m.istiodReplicas < 2) problems.push({ key: `${areaKey}.istiodReplicas`, value: m.istiodReplicas, problem: "is one istiod in prod: while it is down no certificate is renewed and no new pod joins the mesh", fix: "use 2 or more" });
  return problems;
}
