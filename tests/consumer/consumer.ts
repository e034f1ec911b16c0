/**
 * A library consumer's project, made the way a user makes one: `npm pack` of this package, a fresh
 * Pulumi TypeScript project outside the checkout that installs the tarball, and a program that
 * declares a ConnectionSync imported from "auth0-connection-sync".
 *
 * Caveats found making it work:
 * - The Node.js language host runs index.ts through ts-node. With ts-node installed in the project
 *   (as here) it type-checks with the project's own TypeScript, which checks our shipped .d.ts;
 *   without it the SDK falls back to its vendored ts-node 7, which only transpiles (also works).
 * - @pulumi/pulumi is pinned to this repository's version: newer SDKs require Node 22.
 * - A fresh `npm install --offline` fails where the npm cache was filled by `npm ci` alone (that
 *   caches tarballs, not the registry metadata a lockfile-less install resolves versions with);
 *   the `--prefer-offline` fallback then fetches that metadata once.
 */
import { execFile } from "node:child_process";
import { appendFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../helpers/pulumi";

/** The package's name, as consumers import it. */
export const PACKAGE_NAME = "auth0-connection-sync";

/** The env var that makes the installed provider entry record where it was loaded from. */
export const PROBE_ENV = "AUTH0_SYNC_CONSUMER_PROBE";

/** What a command printed. */
interface Run {
    readonly code: number;
    readonly output: string;
}

/** Our environment without npm's per-script `npm_*` variables, so a nested npm behaves as if run by hand. */
function plainEnv(): NodeJS.ProcessEnv {
    return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith("npm_")));
}

function npm(args: readonly string[], cwd: string): Promise<Run> {
    return new Promise((resolve) => {
        execFile("npm", [...args], { cwd, env: plainEnv(), maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
            const code = err === null ? 0 : typeof err.code === "number" ? err.code : 1;
            resolve({ code, output: `${stdout}\n${stderr}` });
        });
    });
}

/** `npm pack` of the checkout into `dest` (its prepack builds bin/); returns the tarball's path. */
export async function packPackage(dest: string): Promise<string> {
    mkdirSync(dest, { recursive: true });
    const run = await npm(["pack", "--pack-destination", dest], REPO_ROOT);
    if (run.code !== 0) throw new Error(`npm pack failed (exit ${run.code}):\n${run.output}`);
    const tarballs = readdirSync(dest).filter((f) => f.endsWith(".tgz"));
    if (tarballs.length !== 1) throw new Error(`expected one tarball in ${dest}, found ${tarballs.join(", ") || "none"}`);
    return path.join(dest, tarballs[0]);
}

/** The program a consumer writes: one ConnectionSync for the configured connection id. */
const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { ConnectionSync } from "auth0-connection-sync";

const config = new pulumi.Config();
const sync = new ConnectionSync("idp", {
    connection: config.require("connectionId"),
    profileSync: { mode: "on_first_login", onDelete: "restore" },
});

export const connectionId = sync.connectionId;
export const profileSyncMode = sync.profileSyncMode;
`;

/**
 * Writes a Pulumi TypeScript project in `dir` that depends on the tarball (and on the same
 * @pulumi/pulumi, TypeScript and ts-node versions as this repository, which the language host
 * uses to type-check and run index.ts).
 */
export function writeConsumerProject(dir: string, tarball: string): void {
    const ours = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
        dependencies: Record<string, string>;
        devDependencies: Record<string, string>;
    };
    mkdirSync(dir, { recursive: true });
    writeFileSync(
        path.join(dir, "Pulumi.yaml"),
        "name: consumer\ndescription: A Pulumi program using auth0-connection-sync as a library.\n" +
            "runtime:\n  name: nodejs\n  options:\n    typescript: true\n",
    );
    const manifest = {
        name: "consumer",
        private: true,
        main: "index.ts",
        dependencies: {
            "@pulumi/pulumi": ours.dependencies["@pulumi/pulumi"],
            [PACKAGE_NAME]: `file:${path.relative(dir, tarball)}`,
        },
        devDependencies: {
            "@types/node": ours.devDependencies["@types/node"],
            "ts-node": ours.devDependencies["ts-node"],
            typescript: ours.devDependencies.typescript,
        },
    };
    writeFileSync(path.join(dir, "package.json"), `${JSON.stringify(manifest, null, 4)}\n`);
    const tsconfig = {
        compilerOptions: {
            strict: true,
            target: "es2022",
            module: "node16",
            moduleResolution: "node16",
            types: ["node"],
            esModuleInterop: true,
            forceConsistentCasingInFileNames: true,
        },
        files: ["index.ts"],
    };
    writeFileSync(path.join(dir, "tsconfig.json"), `${JSON.stringify(tsconfig, null, 4)}\n`);
    writeFileSync(path.join(dir, "index.ts"), PROGRAM);
}

/**
 * `npm install` from the local npm cache (every dependency is in the lockfile of this repository,
 * so `npm ci` here filled the cache); falls back to the registry for anything missing.
 * Returns how it went, for the report.
 */
export async function installDependencies(dir: string): Promise<string> {
    const offline = await npm(["install", "--offline", "--no-audit", "--no-fund"], dir);
    if (offline.code === 0) return "offline";
    const online = await npm(["install", "--prefer-offline", "--no-audit", "--no-fund"], dir);
    if (online.code !== 0) throw new Error(`npm install failed:\n--offline:\n${offline.output}\n--prefer-offline:\n${online.output}`);
    return "prefer-offline";
}

/** The installed package's folder in the consumer project. */
export function installedPackageDir(dir: string): string {
    return path.join(dir, "node_modules", PACKAGE_NAME);
}

/**
 * Makes the installed provider entry (the module the dynamic-provider process loads, see
 * components/provider/loader.ts) append its own file name to the file named by PROBE_ENV: the
 * witness of which copy of the providers the engine ran.
 */
export function probeInstalledEntry(dir: string): string {
    const entry = path.join(installedPackageDir(dir), "bin", "components", "provider", "entry.js");
    appendFileSync(
        entry,
        `\n;if (process.env.${PROBE_ENV}) require("node:fs").appendFileSync(process.env.${PROBE_ENV}, __filename + "\\n");\n`,
    );
    return entry;
}
