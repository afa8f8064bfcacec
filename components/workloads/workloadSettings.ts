/**
 * trading-api's own settings type: what `TradingApi` takes. The config schema
 * (stacks/schema/workloads.ts) validates `entasis:workloads` into values that satisfy it.
 */

/** Requests or limits of one container, as Kubernetes quantities. */
export interface ContainerQuantities {
  /** CPU in cores ("1", "0.5") or millicores ("500m"). */
  readonly cpu: string;
  /** Memory in binary units ("2Gi", "512Mi"). */
  readonly memory: string;
}

/** VPA modes (autoscaling.k8s.io/v1 VerticalPodAutoscaler spec.updatePolicy.updateMode). */
export type VpaUpdateMode = "Off" | "Initial" | "Recreate" | "InPlaceOrRecreate" | "Auto";

/** trading-api's Deployment, Service, HPA, VPA and PodDisruptionBudget (`entasis:workloads`). */
export interface TradingApiSettings {
  /** Namespace of trading-api. Default trading-api. */
  readonly namespace: string;
  /** Initial replicas (the HPA takes over from there). No default: each stack sets it. */
  readonly replicas: number;
  /** Container ports. Default http 8080, metrics 9090. */
  readonly ports: { readonly http: number; readonly metrics: number };
  /** Container requests and limits. No default: each stack sets them. */
  readonly resources: { readonly requests: ContainerQuantities; readonly limits: ContainerQuantities };
  /** CPU-based horizontal autoscaling. No default: each stack sets it. */
  readonly hpa: { readonly minReplicas: number; readonly maxReplicas: number; readonly cpuUtilization: number };
  /** Memory right-sizing (VPA never touches CPU, which the HPA scales on). Default Auto, 1Gi..8Gi. */
  readonly vpa: { readonly updateMode: VpaUpdateMode; readonly minMemory: string; readonly maxMemory: string };
  /** PodDisruptionBudget minAvailable. Default 2. */
  readonly pdbMinAvailable: number;
}
