import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { IrsaRole } from "../cluster/irsaRole";
import { EncryptionKey } from "../security/encryptionKey";
import { ProcessingCommon } from "./common";
import { EngineFlows, EngineFoundation, EngineSpec, engineFoundation, engineNetworkPolicies } from "./engine";
import { JobNamespace } from "./jobNamespace";
import { EngineSettings } from "./settings";

/**
 * What Spark and Flink are alike: a component (with the engine's own type token, so URNs are the
 * engine's) that owns an encrypted store, the IRSA role of its jobs, an operator namespace, a jobs
 * namespace, an operator release, both namespaces' NetworkPolicies and an optional example.
 */
export abstract class ProcessingEngine extends pulumi.ComponentResource {
  /** The store's customer-managed key. */
  public readonly key: EncryptionKey;
  /** The IRSA role of the jobs' service account. */
  public readonly jobRole: IrsaRole;
  public readonly operatorNamespace: k8s.core.v1.Namespace;
  public readonly jobs: JobNamespace;
  /** The operator's Helm release (ships the engine's CRDs). */
  public abstract readonly release: k8s.helm.v3.Release;
  /** The copyable example job, when asked for. */
  public abstract readonly example?: k8s.apiextensions.CustomResource;
  protected readonly foundation: EngineFoundation;
  private readonly provider: k8s.Provider;

  protected constructor(type: string, name: string, args: ProcessingCommon, cfg: EngineSettings, spec: EngineSpec, opts?: pulumi.ComponentResourceOptions) {
    super(type, name, {}, opts);
    this.foundation = engineFoundation(this, name, args, cfg, spec);
    this.key = this.foundation.store.key;
    this.jobRole = this.foundation.jobRole;
    this.operatorNamespace = this.foundation.operatorNamespace;
    this.jobs = this.foundation.jobs;
    this.provider = args.provider;
  }

  /** NetworkPolicies of both namespaces (`${name}-operator-net`, `${name}-jobs-net`). */
  protected allow(name: string, cfg: EngineSettings, flows: EngineFlows): void {
    engineNetworkPolicies(this, name, this.provider, cfg, this.foundation, flows);
  }
}
