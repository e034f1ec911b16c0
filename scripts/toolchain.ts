/**
 * The Pulumi toolchain and the offline environment it runs in, and stacks on a private file
 * backend: shared by `npm start`, the export command, the end-to-end tests and the benchmarks.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand, type PulumiFn, type Stack } from "@pulumi/pulumi/automation";

const ROOT = path.resolve(__dirname, "..");

/** The repository root. */
export const REPO_ROOT = ROOT;

/**
 * The bin directory from scripts/pulumi-toolchain.sh (its last stdout line). With `build: false`
 * it only looks (PATH, cache) and returns undefined when there is nothing; with `build: true` it
 * may build for minutes, showing progress on stderr.
 */
export function toolchainBin(opts: { build: boolean }): string | undefined {
    const args = [path.join(ROOT, "scripts/pulumi-toolchain.sh"), ...(opts.build ? [] : ["--no-build"])];
    try {
        const out = execFileSync("bash", args, { encoding: "utf8", stdio: ["ignore", "pipe", opts.build ? "inherit" : "ignore"] });
        return out.trim().split("\n").pop() || undefined;
    } catch (err) {
        if (opts.build) throw err;
        return undefined;
    }
}

/** Environment for an offline CLI: our bin first on PATH, a file backend, no update checks or downloads. */
export function offlineEngineEnv(opts: { bin: string; backendDir: string; home: string; passphrase: string }): Record<string, string> {
    return {
        PATH: `${opts.bin}:${process.env.PATH ?? ""}`,
        PULUMI_HOME: opts.home,
        PULUMI_BACKEND_URL: `file://${opts.backendDir}`,
        PULUMI_CONFIG_PASSPHRASE: opts.passphrase,
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    };
}

/** Top-level entries never shared with a project copy: state, build output, VCS, and stacks/ (the copy gets its own). */
const NOT_SHARED = new Set([".git", ".e2e", ".pulumi-state", "bin", "stacks"]);

/**
 * Makes `workDir` a runnable copy of this project, as `pulumi up` in the checkout would see it,
 * without writing anything into the checkout: Pulumi.yaml and the other top-level files are
 * copied, so stack config files (Pulumi.yaml's `stackConfigDir: stacks`) land in the copy's own
 * stacks/; every top-level folder (node_modules, program/, components/, management-api/, ...) is a
 * symlink to the checkout's. The package.json copy makes the copy the package root the dynamic
 * providers' loader finds from its cwd (components/provider/loader.ts). `stackFiles` are copied
 * from the checkout's stacks/ (e.g. `Pulumi.local.yaml`).
 */
export function copyProject(workDir: string, opts: { stackFiles?: readonly string[] } = {}): void {
    mkdirSync(path.join(workDir, "stacks"), { recursive: true });
    for (const entry of readdirSync(ROOT, { withFileTypes: true })) {
        if (NOT_SHARED.has(entry.name)) continue;
        const from = path.join(ROOT, entry.name);
        if (entry.isDirectory()) symlinkSync(from, path.join(workDir, entry.name), "dir");
        else if (entry.isFile()) copyFileSync(from, path.join(workDir, entry.name));
    }
    for (const file of opts.stackFiles ?? []) copyFileSync(path.join(ROOT, "stacks", file), path.join(workDir, "stacks", file));
}

/** A stack on a private file backend, with its temp folders. */
export interface TestStack {
    readonly stack: Stack;
    /** The toolchain's bin directory (the `pulumi` CLI the stack runs on). */
    readonly bin: string;
    readonly stateDir: string;
    /** Where the CLI runs: the project copy, or the inline program's scratch folder. */
    readonly workDir: string;
    /** The CLI's environment (offline, private backend and home). */
    readonly env: Record<string, string>;
    /** Deletes the stack's folders (the backend state with it). */
    cleanup(): void;
}

/** Stack config as the Automation API takes it. */
export type StackConfig = Record<string, { value: string; secret?: boolean }>;

/** Environment for the CLI: offline, private home and backend, our bin first on PATH. */
export function engineEnv(bin: string, stateDir: string): Record<string, string> {
    return offlineEngineEnv({
        bin,
        backendDir: path.join(stateDir, "backend"),
        home: path.join(stateDir, "home"),
        passphrase: "e2e-passphrase",
    });
}

/** A fresh folder for one stack under the repository's ignored .e2e/, with backend/ and work/ in it. */
export function newStateDir(stackName: string): { stateDir: string; workDir: string; cleanup: () => void } {
    const root = path.join(ROOT, ".e2e");
    mkdirSync(root, { recursive: true });
    const stateDir = mkdtempSync(path.join(root, `${stackName}-`));
    const workDir = path.join(stateDir, "work");
    mkdirSync(path.join(stateDir, "backend"), { recursive: true });
    mkdirSync(workDir, { recursive: true });
    // KEEP_E2E=1 keeps the folders for a post-mortem.
    const cleanup = () => (process.env.KEEP_E2E === "1" ? undefined : rmSync(stateDir, { recursive: true, force: true }));
    return { stateDir, workDir, cleanup };
}

/**
 * Creates a stack running `program` inline (library use, benchmarks of the engine).
 * The work dir sits inside the repository (in an ignored folder) because the engine's
 * dynamic-provider process resolves `@pulumi/pulumi` and this package from its working directory.
 */
export async function inlineStack(opts: {
    bin: string;
    stackName: string;
    program: PulumiFn;
    config?: StackConfig;
    /** More environment for the CLI and its processes (e.g. NODE_EXTRA_CA_CERTS for an emulator). */
    extraEnv?: Record<string, string>;
}): Promise<TestStack> {
    const dirs = newStateDir(opts.stackName);
    try {
        const env = { ...engineEnv(opts.bin, dirs.stateDir), ...opts.extraEnv };
        const pulumiCommand = await PulumiCommand.get({ root: path.dirname(opts.bin), skipVersionCheck: true });
        const stack = await LocalWorkspace.createOrSelectStack(
            { stackName: opts.stackName, projectName: "auth0-connection-sync-e2e", program: opts.program },
            {
                workDir: dirs.workDir,
                pulumiCommand,
                envVars: env,
                projectSettings: {
                    name: "auth0-connection-sync-e2e",
                    runtime: "nodejs",
                    backend: { url: `file://${path.join(dirs.stateDir, "backend")}` },
                },
            },
        );
        if (opts.config) await stack.setAllConfig(opts.config);
        return { stack, env, bin: opts.bin, ...dirs };
    } catch (err) {
        dirs.cleanup();
        throw err;
    }
}
