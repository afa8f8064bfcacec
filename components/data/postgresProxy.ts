import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsScope } from "../scope";
import { Tags, named } from "../tags";

export interface PostgresProxyArgs extends AwsScope {
  /** DB proxy name (validated against RDS naming rules in config). */
  readonly proxyName: string;
  readonly vpcId: pulumi.Input<string>;
  /** Database subnets (at least two AZs). */
  readonly subnetIds: pulumi.Input<string>[];
  /** The application security group: the only source allowed to reach the proxy. */
  readonly applicationSecurityGroupId: pulumi.Input<string>;
  /** The database security group, which gets one rule: 5432 from the proxy. */
  readonly databaseSecurityGroupId: pulumi.Input<string>;
  /** The primary's identifier (the proxy's only target). */
  readonly dbInstanceIdentifier: pulumi.Input<string>;
  /** The primary's `db-...` resource ID, for `rds-db:connect`. */
  readonly dbResourceId: pulumi.Input<string>;
  /** Database users the proxy may log in as with IAM. */
  readonly usernames: readonly string[];
  /** Seconds (1..28800). Default 1800. */
  readonly idleClientTimeoutSeconds?: number;
  /** Default 90. */
  readonly maxConnectionsPercent?: number;
  readonly tags: Tags;
}

/**
 * RDS Proxy in front of the primary: the spec's PgBouncer layer, pooling the many short
 * connections of trading-api pods. TLS is required and authentication is IAM end to end
 * (client to proxy and proxy to database), so no database password exists for applications.
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy-connecting.html
 *
 * The spec's security groups let only the application tier reach the database. The proxy sits
 * between them, so it gets its own group (5432 from the application group) and the database
 * group gets exactly one extra rule: 5432 from the proxy group. Nothing else changes.
 */
export class PostgresProxy extends pulumi.ComponentResource {
  public readonly proxy: aws.rds.Proxy;
  public readonly securityGroup: aws.ec2.SecurityGroup;
  public readonly endpoint: pulumi.Output<string>;

  constructor(name: string, args: PostgresProxyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:data:PostgresProxy", name, {}, opts);
    const p = args.namePrefix;

    this.securityGroup = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      { vpcId: args.vpcId, description: `${p} RDS Proxy for PostgreSQL`, tags: named(args.tags, `${p}-postgres-proxy`, { Tier: "database" }) },
      { parent: this },
    );
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-in-5432-application`,
      { securityGroupId: this.securityGroup.id, ipProtocol: "tcp", fromPort: 5432, toPort: 5432, referencedSecurityGroupId: args.applicationSecurityGroupId, description: "PostgreSQL through the proxy from the application tier", tags: named(args.tags, `${p}-proxy-in-5432-application`) },
      { parent: this },
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-out-5432-database`,
      { securityGroupId: this.securityGroup.id, ipProtocol: "tcp", fromPort: 5432, toPort: 5432, referencedSecurityGroupId: args.databaseSecurityGroupId, description: "Proxy to the PostgreSQL primary", tags: named(args.tags, `${p}-proxy-out-5432-database`) },
      { parent: this },
    );
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-database-in-5432-proxy`,
      { securityGroupId: args.databaseSecurityGroupId, ipProtocol: "tcp", fromPort: 5432, toPort: 5432, referencedSecurityGroupId: this.securityGroup.id, description: "PostgreSQL from RDS Proxy", tags: named(args.tags, `${p}-database-in-5432-proxy`) },
      { parent: this },
    );

    const role = new aws.iam.Role(
      `${name}-role`,
      {
        description: `${p} RDS Proxy: IAM login to the primary`,
        assumeRolePolicy: {
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "rds.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": args.accountId } } }],
        },
        tags: named(args.tags, `${p}-postgres-proxy`),
      },
      { parent: this },
    );
    // End-to-end IAM: the proxy itself connects as each database user, so it needs rds-db:connect for exactly those users.
    // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.IAMPolicy.html
    new aws.iam.RolePolicy(
      `${name}-connect`,
      {
        role: role.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Action: "rds-db:connect",
              Resource: args.usernames.map((u) => pulumi.interpolate`arn:${args.partition}:rds-db:${args.region}:${args.accountId}:dbuser:${args.dbResourceId}/${u}`),
            },
          ],
        }),
      },
      { parent: this },
    );

    this.proxy = new aws.rds.Proxy(
      `${name}-proxy`,
      {
        name: args.proxyName,
        engineFamily: "POSTGRESQL",
        defaultAuthScheme: "IAM_AUTH",
        requireTls: true,
        roleArn: role.arn,
        vpcSubnetIds: args.subnetIds,
        vpcSecurityGroupIds: [this.securityGroup.id],
        idleClientTimeout: args.idleClientTimeoutSeconds ?? 1800,
        // Debug logging writes SQL text, including order details, to logs.
        debugLogging: false,
        tags: named(args.tags, args.proxyName),
      },
      { parent: this },
    );

    const targetGroup = new aws.rds.ProxyDefaultTargetGroup(
      `${name}-default`,
      {
        dbProxyName: this.proxy.name,
        connectionPoolConfig: { maxConnectionsPercent: args.maxConnectionsPercent ?? 90, maxIdleConnectionsPercent: 50, connectionBorrowTimeout: 120 },
      },
      { parent: this },
    );
    new aws.rds.ProxyTarget(`${name}-primary`, { dbProxyName: this.proxy.name, targetGroupName: targetGroup.name, dbInstanceIdentifier: args.dbInstanceIdentifier }, { parent: this });

    this.endpoint = this.proxy.endpoint;
    this.registerOutputs({ endpoint: this.endpoint });
  }
}
