import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
export const PROJECT_NAME = "entasis-infra";
/** The bootstrap project (in-VPC runners), one stack per environment. */
export const BOOTSTRAP_DIR = path.join(PROJECT_ROOT, "bootstrap");
export const BOOTSTRAP_PROJECT = "entasis-bootstrap";

export interface LoadedStackFile {
  readonly stack: string;
  /** Config as the Pulumi CLI hands it to a program: `ns:key` -> text (objects as JSON). */
  readonly config: Record<string, string>;
  /** Keys whose values are secrets (as `pulumi config set --secret` marks them). */
  readonly secretKeys: string[];
  /** Keys stored encrypted (`secure:`) in the file; they cannot be decrypted offline. */
  readonly encryptedKeys: string[];
}

/** Text the Pulumi CLI passes for one config value. */
function encode(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function isSecure(value: unknown): value is { secure: string } {
  return typeof value === "object" && value !== null && Object.keys(value).length === 1 && "secure" in value;
}

/** Reads `Pulumi.<stack>.yaml` the way the Pulumi CLI does for a Node.js program. */
export function loadStackFile(stack: string, file = path.join(PROJECT_ROOT, `Pulumi.${stack}.yaml`)): LoadedStackFile {
  if (!fs.existsSync(file)) throw new Error(`no stack file ${path.relative(PROJECT_ROOT, file)}; stacks here: ${listStacks().join(", ")}`);
  const doc = yaml.load(fs.readFileSync(file, "utf8"));
  const configSection = typeof doc === "object" && doc !== null && "config" in doc ? (doc as { config: unknown }).config : {};
  const config: Record<string, string> = {};
  const encryptedKeys: string[] = [];
  for (const [key, value] of Object.entries((configSection ?? {}) as Record<string, unknown>)) {
    if (isSecure(value)) encryptedKeys.push(key);
    else config[key] = encode(value);
  }
  return { stack, config, secretKeys: [], encryptedKeys };
}

export function listStacks(dir = PROJECT_ROOT): string[] {
  return fs
    .readdirSync(dir)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/**
 * The bootstrap stack a platform stack's config names (`entasis:deploy.bootstrapStack`, fully
 * qualified), or undefined when it names none or the value does not parse.
 */
export function bootstrapStackOf(config: Readonly<Record<string, string>>): string | undefined {
  const text = config["entasis:deploy"];
  if (text === undefined) return undefined;
  try {
    const name: unknown = (JSON.parse(text) as { bootstrapStack?: unknown }).bootstrapStack;
    return typeof name === "string" ? name : undefined;
  } catch {
    return undefined;
  }
}

/** `org/entasis-bootstrap/prod` -> the bootstrap project's stack file `bootstrap/Pulumi.prod.yaml`. */
export function loadBootstrapStackFile(fullyQualified: string): LoadedStackFile {
  const stack = fullyQualified.split("/").pop() ?? fullyQualified;
  return loadStackFile(stack, path.join(BOOTSTRAP_DIR, `Pulumi.${stack}.yaml`));
}

/** The primary stack a failover standby's config names (`entasis:failover.primaryStack`), or undefined. */
export function primaryStackOf(config: Readonly<Record<string, string>>): string | undefined {
  const text = config["entasis:failover"];
  if (text === undefined) return undefined;
  try {
    const f = JSON.parse(text) as { role?: unknown; primaryStack?: unknown };
    return f.role === "standby" && typeof f.primaryStack === "string" ? f.primaryStack : undefined;
  } catch {
    return undefined;
  }
}
