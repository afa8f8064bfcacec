import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EksAddonName } from "./clusterSettings";
import { Tags, named } from "../tags";

export interface AddonSpec {
  readonly addonName: EksAddonName;
  readonly clusterName: pulumi.Input<string>;
  readonly kubernetesVersion: string;
  /** Pinned version; when absent, EKS's default version for kubernetesVersion. */
  readonly version?: string;
  /** Add-on configuration, a JSON document of the add-on's configuration schema. Default none. */
  readonly configuration?: Record<string, unknown>;
  /** IRSA role of the add-on's service account. Default none (the node role). */
  readonly serviceAccountRoleArn?: pulumi.Input<string>;
  readonly awsName: string;
  readonly tags: Tags;
}

/**
 * One EKS managed add-on. An unpinned add-on takes the version EKS marks as default for the
 * cluster's Kubernetes version (not the newest), so it only moves when the cluster does or the
 * default changes. https://docs.aws.amazon.com/eks/latest/userguide/updating-an-add-on.html
 */
export function eksAddon(name: string, spec: AddonSpec, opts: pulumi.CustomResourceOptions): aws.eks.Addon {
  const addonVersion =
    spec.version ??
    aws.eks.getAddonVersionOutput({ addonName: spec.addonName, kubernetesVersion: spec.kubernetesVersion, mostRecent: false }, { parent: opts.parent }).version;
  return new aws.eks.Addon(
    name,
    {
      clusterName: spec.clusterName,
      addonName: spec.addonName,
      addonVersion,
      configurationValues: spec.configuration ? JSON.stringify(spec.configuration) : undefined,
      serviceAccountRoleArn: spec.serviceAccountRoleArn,
      // The program is the source of truth for add-on settings.
      resolveConflictsOnCreate: "OVERWRITE",
      resolveConflictsOnUpdate: "OVERWRITE",
      tags: named(spec.tags, spec.awsName),
    },
    opts,
  );
}
