import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { CredentialedStoreArgs, storeCredential } from "../data/secret";
import { named } from "../tags";
import { rotationKeepers } from "../../lib/secretRotation";

/** AMQP over TLS, the only application port Amazon MQ for RabbitMQ listens on; 443 serves the management API.
 * https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/rabbitmq-basic-elements.html */
export const AMQPS_PORT = 5671;
export const MANAGEMENT_PORT = 443;

/** One application's RabbitMQ user (created by BrokerUserProvisioner once the broker runs). */
export interface BrokerUser {
  readonly username: string;
  readonly vhost: string;
  readonly permissions: { readonly configure: string; readonly write: string; readonly read: string };
}

export interface RabbitMqBrokerArgs extends CredentialedStoreArgs {
  /** Broker name, <= 50 characters (validated in config). */
  readonly brokerName: string;
  /** `3.13` or `4.2`. */
  readonly engineVersion: string;
  readonly hostInstanceType: string;
  /** SINGLE_INSTANCE (one node in the first database subnet) or CLUSTER_MULTI_AZ (three nodes across the subnets). */
  readonly deploymentMode: "SINGLE_INSTANCE" | "CLUSTER_MULTI_AZ";
  /** Weekly start of the window in which Amazon MQ applies patches and pending changes. */
  readonly maintenanceWindow: { readonly dayOfWeek: string; readonly timeOfDay: string; readonly timeZone: string };
  /** The one broker user Amazon MQ creates for RabbitMQ; changing it replaces the broker. */
  readonly adminUsername: string;
  /** Per-application users keyed by application. */
  readonly users: Readonly<Record<string, BrokerUser>>;
  readonly vpcId: pulumi.Input<string>;
  /** Database subnets, one per AZ, in AZ order. */
  readonly databaseSubnetIds: pulumi.Input<string>[];
  /** The application tier's security group: the only source of 5671 and 443. */
  readonly applicationSecurityGroupId: pulumi.Input<string>;
  /**
   * Rotation generation of the applications' user passwords (not the administrator's: Amazon MQ
   * cannot change a RabbitMQ user after the broker exists, and the management API would need the
   * old password). BrokerUserProvisioner sets the new ones. Default none: never rotated, no keepers.
   */
  readonly userPasswordGeneration?: number;
}

/**
 * Amazon MQ for RabbitMQ, private in the database subnets behind its own security group.
 *
 * Encryption at rest: Amazon MQ rejects `encryptionOptions` for RabbitMQ brokers ("encryptionOptions
 * is not supported for RabbitMQ brokers", https://github.com/hashicorp/terraform-provider-aws/issues/25998;
 * "Does not apply to RabbitMQ brokers",
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-amazonmq-broker-encryptionoptions.html),
 * so broker volumes are encrypted with an AWS owned key. Our customer-managed key protects what we
 * control: every credential in Secrets Manager.
 *
 * Users: for RabbitMQ the API creates exactly one (administrator) user at broker creation and never
 * returns it; further users go through the RabbitMQ management API
 * (https://www.pulumi.com/registry/packages/aws/api-docs/mq/broker/), which BrokerUserProvisioner
 * calls from the cluster. This component owns their passwords and secrets.
 *
 * General logs: Amazon MQ writes them to `/aws/amazonmq/broker/<broker-id>/general` with its
 * service-linked role (AmazonMQServiceRolePolicy grants logs:CreateLogGroup/PutLogEvents,
 * https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonMQServiceRolePolicy.html).
 * The group name contains the ID AWS assigns at creation, so it cannot be created beforehand with
 * our key and retention: the README's post-deploy step sets both.
 */
export class RabbitMqBroker extends pulumi.ComponentResource {
  public readonly broker: aws.mq.Broker;
  public readonly securityGroup: aws.ec2.SecurityGroup;
  public readonly adminSecret: aws.secretsmanager.Secret;
  /** The administrator secret's value (its current version): whoever reads it at run time waits for it. */
  public readonly adminSecretVersion: aws.secretsmanager.SecretVersion;
  /** `amqps://<host>:5671`. */
  public readonly amqpsEndpoint: pulumi.Output<string>;
  /** `https://<host>` (management UI and HTTP API, port 443). */
  public readonly managementUrl: pulumi.Output<string>;
  public readonly host: pulumi.Output<string>;
  /** Secrets Manager secret (host, port, vhost, username, password, url) per application. */
  public readonly userSecrets: Readonly<Record<string, aws.secretsmanager.Secret>>;
  /** Passwords per application (secret Outputs), for the provisioner. */
  public readonly userPasswords: Readonly<Record<string, pulumi.Output<string>>>;
  public readonly adminPassword: pulumi.Output<string>;

  constructor(name: string, args: RabbitMqBrokerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:messaging:RabbitMqBroker", name, {}, opts);
    const p = args.namePrefix;

    this.securityGroup = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      { vpcId: args.vpcId, description: `${p} Amazon MQ for RabbitMQ`, tags: named(args.tags, `${p}-rabbitmq`, { Tier: "messaging" }) },
      { parent: this },
    );
    const ingress: Record<string, { port: number; description: string }> = {
      amqps: { port: AMQPS_PORT, description: "AMQPS from the application tier" },
      // The management API, for the user provisioner Job on the cluster; the console is reached the same way (port-forward).
      management: { port: MANAGEMENT_PORT, description: "RabbitMQ management API from the application tier" },
    };
    for (const [key, rule] of Object.entries(ingress)) {
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-in-${key}`,
        {
          securityGroupId: this.securityGroup.id,
          referencedSecurityGroupId: args.applicationSecurityGroupId,
          ipProtocol: "tcp",
          fromPort: rule.port,
          toPort: rule.port,
          description: rule.description,
          tags: named(args.tags, `${p}-rabbitmq-in-${key}`),
        },
        { parent: this },
      );
    }

    // Alphanumeric only: Amazon MQ forbids , : = in broker passwords, and the provisioner passes
    // them in JSON and netrc files without escaping. 32 characters of [A-Za-z0-9] is ~190 bits.
    const password = (key: string, generation?: number): random.RandomPassword =>
      new random.RandomPassword(`${name}-${key}-password`, { length: 32, special: false, minUpper: 2, minLower: 2, minNumeric: 2, ...rotationKeepers(generation) }, { parent: this });
    const admin = password("admin");
    this.adminPassword = pulumi.secret(admin.result);

    const subnetIds = args.deploymentMode === "SINGLE_INSTANCE" ? args.databaseSubnetIds.slice(0, 1) : args.databaseSubnetIds;
    this.broker = new aws.mq.Broker(
      `${name}-broker`,
      {
        brokerName: args.brokerName,
        engineType: "RabbitMQ",
        engineVersion: args.engineVersion,
        hostInstanceType: args.hostInstanceType,
        deploymentMode: args.deploymentMode,
        publiclyAccessible: false,
        subnetIds,
        securityGroups: [this.securityGroup.id],
        authenticationStrategy: "simple",
        // Amazon MQ manages patch upgrades of RabbitMQ 3.13 and later in the maintenance window.
        // https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/rabbitmq-version-management.html
        autoMinorVersionUpgrade: true,
        maintenanceWindowStartTime: { ...args.maintenanceWindow },
        logs: { general: true },
        applyImmediately: false,
        users: [{ username: args.adminUsername, password: this.adminPassword }],
        tags: named(args.tags, args.brokerName),
      },
      { parent: this, protect: args.protect, dependsOn: [this.securityGroup] },
    );

    const instance = this.broker.instances.apply((list) => {
      const first = list[0];
      if (!first?.endpoints?.[0] || !first.consoleUrl) throw new pulumi.ResourceError("Amazon MQ returned no endpoint for the broker", this);
      return { amqps: first.endpoints[0], console: first.consoleUrl };
    });
    this.amqpsEndpoint = instance.amqps;
    this.managementUrl = instance.console.apply((u) => u.replace(/\/$/, ""));
    this.host = this.amqpsEndpoint.apply((e) => new URL(e.replace(/^amqps:/, "https:")).hostname);

    const adminCredential = storeCredential(this, `${name}-admin`, args, {
      secretName: `${p}/rabbitmq/admin`,
      description: `${p} RabbitMQ administrator (operators and the user provisioner only)`,
      value: pulumi.jsonStringify({ host: this.host, port: AMQPS_PORT, managementUrl: this.managementUrl, username: args.adminUsername, password: this.adminPassword }),
    });
    this.adminSecret = adminCredential.secret;
    this.adminSecretVersion = adminCredential.version;

    const secrets: Record<string, aws.secretsmanager.Secret> = {};
    const passwords: Record<string, pulumi.Output<string>> = {};
    for (const [app, user] of Object.entries(args.users)) {
      const pw = pulumi.secret(password(`user-${app}`, args.userPasswordGeneration).result);
      passwords[app] = pw;
      const vhostPath = encodeURIComponent(user.vhost);
      secrets[app] = storeCredential(this, `${name}-user-${app}`, args, {
        secretName: `${p}/rabbitmq/${app}`,
        description: `${p} RabbitMQ user of ${app} (AMQPS, declare quorum queues)`,
        value: pulumi.jsonStringify({
          host: this.host,
          port: AMQPS_PORT,
          vhost: user.vhost,
          username: user.username,
          password: pw,
          url: pulumi.interpolate`amqps://${user.username}:${pw}@${this.host}:${AMQPS_PORT}/${vhostPath}`,
        }),
      }).secret;
    }
    this.userSecrets = secrets;
    this.userPasswords = passwords;

    this.registerOutputs({ amqpsEndpoint: this.amqpsEndpoint, managementUrl: this.managementUrl, adminSecretArn: this.adminSecret.arn });
  }
}
