import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PlatformReference } from "./platform";

export interface AppTeamOutputs {
  readonly namespace: pulumi.Output<string>;
  readonly service: pulumi.Output<string>;
  readonly cluster: pulumi.Output<string>;
}

/** An app team's whole program: a namespace, a Deployment and a Service on the platform's cluster. */
export async function appTeamProgram(): Promise<AppTeamOutputs> {
  const config = new pulumi.Config();
  const platform = new PlatformReference(config.require("platformStack"));
  const image = config.require("image");
  await platform.verify(["kubeconfig", "clusterName", "nodePools", "timeseries", "configStore"]);

  const provider = new k8s.Provider("platform", { kubeconfig: platform.kubeconfig, enableServerSideApply: true });
  const general = platform.nodePool("general");

  const ns = new k8s.core.v1.Namespace("analytics", { metadata: { name: "analytics", labels: { team: "analytics" } } }, { provider });
  // The time-series database's CA in this namespace: a Certificate from the platform's ClusterIssuer
  // whose Secret carries the CA as `ca.crt`. Pulumi waits until cert-manager has issued it.
  const tls = platform.timeseriesTls();
  const caBundle = new k8s.apiextensions.CustomResource(
    "timeseries-ca-bundle",
    {
      apiVersion: "cert-manager.io/v1",
      kind: "Certificate",
      metadata: { name: tls.caSecret, namespace: ns.metadata.name, annotations: { "pulumi.com/waitFor": "condition=Ready" } },
      spec: {
        secretName: tls.caSecret,
        commonName: "analytics.analytics",
        usages: ["client auth", "digital signature"],
        privateKey: { algorithm: "RSA", size: 2048, rotationPolicy: "Always" },
        issuerRef: { name: tls.issuer, kind: "ClusterIssuer", group: "cert-manager.io" },
      },
    },
    { provider },
  );
  const caDir = tls.sslrootcert.apply((p) => p.slice(0, p.lastIndexOf("/")));
  const labels = { app: "analytics-reports" };
  const deployment = new k8s.apps.v1.Deployment(
    "analytics-reports",
    {
      metadata: { name: "analytics-reports", namespace: ns.metadata.name, labels },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            // The platform publishes its pools' labels; the general pool is the untainted one.
            nodeSelector: general.labels,
            securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } },
            containers: [
              {
                name: "reports",
                image,
                ports: [{ name: "http", containerPort: 8080 }],
                // Candles: the app reads its TimescaleDB connection from Secrets Manager at start-up
                // (its namespace is listed in the platform's entasis:timeseries.clientNamespaces).
                // The spec's etcd keys (/config/database/url, ...) live under this SSM path; the
                // app reads them with GetParametersByPath once its IRSA role has the platform's
                // configStore.readPolicyArns.analytics attached.
                env: [
                  { name: "TIMESERIES_SECRET_ARN", value: platform.timeseriesSecretArn("analytics") },
                  { name: "CONFIG_PATH", value: platform.configPrefix("analytics") },
                ],
                resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { memory: "512Mi" } },
                readinessProbe: { httpGet: { path: "/health/ready", port: "http" } },
                livenessProbe: { httpGet: { path: "/health", port: "http" } },
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                // The connection secret says sslmode verify-full and sslrootcert (this file).
                volumeMounts: [{ name: "timeseries-ca", mountPath: caDir, readOnly: true }],
              },
            ],
            volumes: [{ name: "timeseries-ca", secret: { secretName: tls.caSecret, items: [{ key: tls.caKey, path: tls.caKey }] } }],
          },
        },
      },
    },
    { provider, dependsOn: [caBundle] },
  );
  const service = new k8s.core.v1.Service(
    "analytics-reports",
    { metadata: { name: "analytics-reports", namespace: ns.metadata.name, labels }, spec: { selector: labels, ports: [{ name: "http", port: 80, targetPort: "http" }] } },
    { provider, dependsOn: [deployment] },
  );
  return { namespace: ns.metadata.name, service: service.metadata.name, cluster: platform.clusterName };
}
