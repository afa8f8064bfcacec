import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

/**
 * `npm run plan` runs under `ts-node --transpile-only`, which transpiles every module of the
 * program (about 300 files) on every run: after the stack-trace fix, half of the plan's CPU time.
 * This keeps each module's JavaScript in node_modules/.cache/entasis-plan/js, keyed by a hash of
 * its source, the compiler's version and tsconfig.json, so an unchanged module is never
 * transpiled twice. Imported first by tools/plan.ts; without ts-node (jest) it does nothing.
 * Modules served from the cache have no source map: a stack trace from them points at the JavaScript.
 */
interface TsNodeService {
  compile(code: string, fileName: string): string;
}
interface CompilableModule {
  _compile(code: string, fileName: string): unknown;
}

const REGISTER_INSTANCE = Symbol.for("ts-node.register.instance");
const root = path.resolve(__dirname, "..", "..");
const dir = path.join(root, "node_modules", ".cache", "entasis-plan", "js");

function isService(x: unknown): x is TsNodeService {
  return typeof x === "object" && x !== null && "compile" in x && typeof x.compile === "function";
}
function isCompilable(m: unknown): m is CompilableModule {
  return typeof m === "object" && m !== null && "_compile" in m && typeof m._compile === "function";
}

function install(): void {
  const service: unknown = Reflect.get(process, REGISTER_INSTANCE);
  const original = require.extensions[".ts"];
  if (!isService(service) || original === undefined || process.env.ENTASIS_PLAN_TRANSPILE_CACHE === "off") return;
  let salt = "";
  try {
    const pkg: unknown = JSON.parse(fs.readFileSync(require.resolve("typescript/package.json"), "utf8"));
    const version = typeof pkg === "object" && pkg !== null && "version" in pkg ? String(pkg.version) : "";
    salt = `${version}\0${fs.readFileSync(path.join(root, "tsconfig.json"), "utf8")}`;
  } catch {
    return;
  }
  fs.mkdirSync(dir, { recursive: true });
  require.extensions[".ts"] = (m, filename): void => {
    if (!filename.startsWith(root) || filename.includes(`${path.sep}node_modules${path.sep}`) || !isCompilable(m)) {
      original(m, filename);
      return;
    }
    const code = fs.readFileSync(filename, "utf8");
    const key = crypto.createHash("sha256").update(salt).update("\0").update(filename).update("\0").update(code).digest("hex").slice(0, 32);
    const file = path.join(dir, `${key}.js`);
    let js: string;
    try {
      js = fs.readFileSync(file, "utf8");
    } catch {
      js = service.compile(code, filename);
      try {
        fs.writeFileSync(file, js);
      } catch {
        // read-only: compile every time
      }
    }
    m._compile(js, filename);
  };
}

install();
