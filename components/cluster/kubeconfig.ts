/**
 * A kubeconfig for one EKS cluster that authenticates with `aws eks get-token` (AWS CLI v2), so
 * it holds no credential itself; the caller's AWS identity must have an access entry.
 * https://docs.aws.amazon.com/eks/latest/userguide/create-kubeconfig.html
 */
export function kubeconfigFor(clusterName: string, endpoint: string, certificateAuthorityData: string, region: string): string {
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: clusterName, cluster: { server: endpoint, "certificate-authority-data": certificateAuthorityData } }],
    contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
    "current-context": clusterName,
    users: [
      {
        name: clusterName,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: ["eks", "get-token", "--cluster-name", clusterName, "--region", region, "--output", "json"],
            interactiveMode: "Never",
          },
        },
      },
    ],
  };
  return JSON.stringify(config);
}
