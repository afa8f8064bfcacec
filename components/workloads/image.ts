import * as aws from "@pulumi/aws";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { Tags, named } from "../tags";

export interface AppImageArgs {
  readonly namePrefix: string;
  /** Repository name inside the registry, e.g. `entasis-prod/trading-api`. */
  readonly repositoryName: string;
  /** Docker build context and Dockerfile (relative to the project directory), and the tag to push. */
  readonly build: { readonly context: string; readonly dockerfile: string; readonly tag: string };
  /** Delete the repository with its images on destroy (unprotected stacks, dev). Default false. */
  readonly forceDelete?: boolean;
  /** Platform of the nodes that run it. Default linux/amd64 (the general pool is x86_64). */
  readonly platform?: string;
  readonly tags: Tags;
}

/**
 * An ECR repository (scan on push, immutable tags, KMS encryption) and the image built from the
 * configured context and pushed there. The Deployment uses the pushed digest, so a rebuild with
 * the same tag can never silently change what runs.
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html
 */
export class AppImage extends pulumi.ComponentResource {
  public readonly repository: aws.ecr.Repository;
  public readonly image: docker.Image;
  /** `<repository>@sha256:...`. */
  public readonly reference: pulumi.Output<string>;

  constructor(name: string, args: AppImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("entasis:workloads:AppImage", name, {}, opts);
    this.repository = new aws.ecr.Repository(
      `${name}-repo`,
      {
        name: args.repositoryName,
        imageTagMutability: "IMMUTABLE",
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfigurations: [{ encryptionType: "KMS" }],
        forceDelete: args.forceDelete ?? false,
        tags: named(args.tags, `${args.namePrefix}-${name}`),
      },
      { parent: this },
    );
    const auth = aws.ecr.getAuthorizationTokenOutput({ registryId: this.repository.registryId }, { parent: this });
    this.image = new docker.Image(
      `${name}-image`,
      {
        imageName: pulumi.interpolate`${this.repository.repositoryUrl}:${args.build.tag}`,
        build: { context: args.build.context, dockerfile: `${args.build.context}/${args.build.dockerfile}`, platform: args.platform ?? "linux/amd64" },
        registry: { server: this.repository.repositoryUrl, username: auth.userName, password: pulumi.secret(auth.password) },
      },
      { parent: this },
    );
    this.reference = this.image.repoDigest;
    this.registerOutputs({ repositoryUrl: this.repository.repositoryUrl, reference: this.reference });
  }
}
