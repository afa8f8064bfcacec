import { awsBucketsNodesRead } from "../lib/s3EndpointPolicy";
import { jsonInput, named } from "./support/query";
import { evaluate } from "./support/iam";
import { recordedRuns } from "./support/runs";

// The S3 gateway endpoint admits the account's buckets and the AWS buckets nodes read (ECR
// layers, AL2023 repositories, SSM, registry.k8s.io), and nothing else: no copy to another
// account's bucket through it.

const runs = recordedRuns(["dev", "prod"]);

const ACCOUNT = "123456789012";
const NODE = `arn:aws:sts::${ACCOUNT}:assumed-role/entasis-node/i-0123`;

describe.each(["dev", "prod"])("%s", (stack) => {
  const doc = () => jsonInput(named(runs[stack], "network-s3", "aws:ec2/vpcEndpoint:VpcEndpoint"), "policy");
  const decide = (action: string, bucket: string, owner: string) => evaluate([doc()], { principal: NODE, action, resource: `arn:aws:s3:::${bucket}/key`, context: { "aws:ResourceAccount": owner } });

  test("any action on the account's own buckets", () => {
    for (const action of ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"]) expect(decide(action, `entasis-${stack}-market-data-${ACCOUNT}-ap-northeast-2`, ACCOUNT)).toBe("Allow");
  });

  test("reads, and only reads, of the AWS buckets nodes need", () => {
    const buckets = awsBucketsNodesRead("ap-northeast-2");
    expect(buckets).toEqual(expect.arrayContaining(["prod-ap-northeast-2-starport-layer-bucket", "al2023-repos-ap-northeast-2-de612dc2", "amazon-ssm-ap-northeast-2", "prod-registry-k8s-io-ap-northeast-2"]));
    for (const b of buckets) {
      expect([b, decide("s3:GetObject", b, "602401143452")]).toEqual([b, "Allow"]);
      expect([b, decide("s3:PutObject", b, "602401143452")]).toEqual([b, "ImplicitDeny"]);
    }
  });

  test("nothing in another account's bucket: no exfiltration through the endpoint", () => {
    for (const action of ["s3:PutObject", "s3:GetObject", "s3:ListBucket"]) expect(decide(action, "attacker-drop-zone", "999999999999")).toBe("ImplicitDeny");
  });
});
