/**
 * Names of the logging CA, its issuer and the Secrets issued from it. Elasticsearch serves a
 * certificate of this CA (components/security/privateCa.ts, created by Logging), so a pod in another
 * namespace can trust it: ECK's own CA exists only in Elasticsearch's namespace, which kept Filebeat
 * (a privileged node agent) there. ECK watches the Secret and Elasticsearch reloads a renewed one.
 * https://www.elastic.co/docs/deploy-manage/security/k8s-https-settings
 */
export const LOGGING_TLS_NAMES = {
  /** ClusterIssuer of the logging CA, and the CA's Certificate and Secret in cert-manager's namespace. */
  issuer: "logging-ca",
  /** Elasticsearch's HTTP certificate (ECK `spec.http.tls.certificate.secretName`). */
  elasticsearchCertificate: "logs-es-http-tls",
  /** In each trusting namespace: a Secret whose `ca.crt` is the logging CA. */
  caBundle: "logging-ca-bundle",
} as const;
