import * as aws from "@pulumi/aws";
import { ResourceRule, StackRule, eachResource, isSet, stackRule, typeRule } from "./common";
import { C } from "./controls";

const isRabbitMq = (engineType: string): boolean => engineType.toLowerCase() === "rabbitmq";

/** Amazon MQ brokers and the configuration store's parameters. */
export const messagingRules: readonly (ResourceRule | StackRule)[] = [
  typeRule({
    name: "mq-broker-not-public",
    control: C.MQ_NO_PUBLIC,
    severity: "critical",
    description: "Amazon MQ brokers set publiclyAccessible: false (the API's default is also false, but a broker gets no public endpoint by accident); they live in the database subnets.",
    type: aws.mq.Broker,
    check: (broker) => [broker.publiclyAccessible !== false && "publiclyAccessible must be false; it cannot be changed after creation."],
  }),
  typeRule({
    name: "mq-broker-general-logs",
    control: C.MQ_LOGS,
    severity: "medium",
    description: "Amazon MQ brokers ship general logs to CloudWatch Logs (logs.general: true). Audit logs exist for ActiveMQ only and are not required here.",
    type: aws.mq.Broker,
    check: (broker) => [(broker.logs?.general !== true) && "logs.general must be true, so connection and node events reach CloudWatch Logs."],
  }),
  typeRule({
    name: "mq-broker-auto-minor-version-upgrade",
    control: C.MQ_AUTO_MINOR,
    severity: "low",
    description: "Amazon MQ brokers set autoMinorVersionUpgrade: true, so patches land in the maintenance window (Amazon MQ manages them for RabbitMQ 3.13 and later).",
    type: aws.mq.Broker,
    check: (broker) => [broker.autoMinorVersionUpgrade !== true && "autoMinorVersionUpgrade must be true."],
  }),
  typeRule({
    name: "mq-rabbitmq-cluster-deployment",
    control: C.MQ_6,
    severity: "medium",
    description: "RabbitMQ brokers use CLUSTER_MULTI_AZ (three nodes across AZs), so a node or AZ loss keeps quorum queues available.",
    devAdvisory: "dev runs one broker node for cost; losing it loses in-flight dev messages only.",
    type: aws.mq.Broker,
    check: (broker) => [isRabbitMq(broker.engineType) && broker.deploymentMode !== "CLUSTER_MULTI_AZ" && `deploymentMode is ${broker.deploymentMode ?? "SINGLE_INSTANCE (default)"}; use CLUSTER_MULTI_AZ.`],
  }),
  typeRule({
    name: "mq-broker-customer-managed-key",
    control: C.MQ_CMK,
    severity: "high",
    description:
      "ActiveMQ brokers encrypt at rest with a customer-managed key (encryptionOptions.useAwsOwnedKey: false and kmsKeyId). RabbitMQ brokers are exempt: Amazon MQ rejects encryptionOptions for them and always uses an AWS owned key (their credentials live in Secrets Manager under a customer key instead).",
    type: aws.mq.Broker,
    check: (broker) => {
      if (isRabbitMq(broker.engineType)) return [];
      const enc = broker.encryptionOptions;
      return [(enc === undefined || enc.useAwsOwnedKey !== false || !isSet(enc, "kmsKeyId")) && "encryptionOptions must set useAwsOwnedKey: false and a customer-managed kmsKeyId."];
    },
  }),
  stackRule({
    name: "ssm-securestring-customer-managed-key",
    control: C.SSM_CMK,
    severity: "high",
    description:
      "SecureString parameters name their KMS key (keyId) and it is a customer-managed key: an aws.kms.Key of the program (judged by provenance, since its ARN is unknown in a first preview) or a literal key that is not the AWS managed alias/aws/ssm. Without keyId, SSM uses aws/ssm, whose use cannot be granted per reader.",
    validateStack: eachResource((r) => {
      if (r.type !== "aws:ssm/parameter:Parameter" || r.props.type !== "SecureString") return [];
      if (!("keyId" in r.props)) return [`${r.name}: a SecureString parameter must set keyId to a customer-managed KMS key.`];
      if ((r.propertyDependencies.keyId ?? []).some((d) => d.type === "aws:kms/key:Key")) return [];
      // No key resource behind it, so the value is a literal and known even in a preview.
      return [/alias\/aws\/ssm$/.test(String(r.props.keyId)) && `${r.name}: keyId is the AWS managed alias/aws/ssm; use a customer-managed key.`];
    }),
  }),
];
