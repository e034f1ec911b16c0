/**
 * A real Pulumi engine for end-to-end tests: the CLI from scripts/pulumi-toolchain.sh (cached
 * build or PATH), a file backend and PULUMI_HOME in a throwaway folder, nothing online. Two kinds
 * of stacks: the project directory run as users run it (`projectStack`: the CLI starts the Node.js
 * language host on a copy of the project), and inline programs for tests about library use
 * (`createTestStack`). Either way the dynamic providers run in the engine's own provider process.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import { copyProject, offlineEngineEnv, toolchainBin } from "../../scripts/toolchain";
import { LocalWorkspace, PulumiCommand, type PulumiFn, type Stack } from "@pulumi/pulumi/automation";

/** The repository root. */
export const REPO_ROOT = path.resolve(__dirname, "../..");

/** The project name in Pulumi.yaml. */
export const PROJECT_NAME = "auth0-connection-sync";

let cachedBin: string | undefined | null = null;

/**
 * The toolchain's bin directory, or undefined when there is none. Never builds: `.ci/run` and
 * `npm run toolchain` do that, because a build takes minutes.
 */
export function pulumiBin(): string | undefined {
    if (cachedBin !== null) return cachedBin;
    cachedBin = toolchainBin({ build: false });
    return cachedBin;
}

/** Skips the suite outside CI when there is no engine; in CI a missing engine is a failure. */
export function requireEngine(ctx: Mocha.Context): string {
    const bin = pulumiBin();
    if (bin !== undefined) return bin;
    if (process.env.CI) {
        throw new Error("no Pulumi engine: run scripts/pulumi-toolchain.sh (CI must build or cache it)");
    }
    console.warn("\n  !!! SKIPPING end-to-end tests: no Pulumi engine. Run `npm run toolchain` first. !!!\n");
    ctx.skip();
}

/** A stack on a private file backend, with its temp folders. */
export interface TestStack {
    readonly stack: Stack;
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

/**
 * Config in the form `pulumi config set-all --json` reads: `config` as given, and each of `objects`
 * as a structured value (a YAML map in the stack file, as Pulumi.yaml's `type: object` requires).
 */
export function configJson(config: StackConfig, objects: Record<string, unknown> = {}): string {
    const all: Record<string, { value: string; secret: boolean; objectValue?: unknown }> = {};
    for (const [key, c] of Object.entries(config)) all[key] = { value: c.value, secret: c.secret === true };
    for (const [key, value] of Object.entries(objects)) all[key] = { value: JSON.stringify(value), objectValue: value, secret: false };
    return JSON.stringify(all);
}

/** The stack's state file as the file backend keeps it at rest (exportStack would decrypt secrets). */
export function stateFileText(t: TestStack): string {
    const dir = path.join(t.stateDir, "backend", ".pulumi", "stacks");
    for (const project of readdirSync(dir)) {
        for (const file of readdirSync(path.join(dir, project))) {
            if (file === `${t.stack.name}.json`) return readFileSync(path.join(dir, project, file), "utf8");
        }
    }
    throw new Error(`no state file for ${t.stack.name} under ${dir}`);
}

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
function newStateDir(stackName: string): { stateDir: string; workDir: string; cleanup: () => void } {
    const root = path.join(REPO_ROOT, ".e2e");
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
 * A stack of the project directory, run as `pulumi up` runs it: the CLI starts the Node.js
 * language host on a copy of the project (copyProject: its stack config lands in the copy, never
 * in the checkout's stacks/), which loads index.ts. `typeCheck: false` sets
 * PULUMI_NODEJS_TRANSPILE_ONLY (about 10 s less per operation; `npm run typecheck` covers types).
 */
export async function projectStack(opts: {
    bin: string;
    stackName: string;
    config?: StackConfig;
    /** Structured config values (maps, lists), by full key. */
    objects?: Record<string, unknown>;
    typeCheck?: boolean;
}): Promise<TestStack> {
    const dirs = newStateDir(opts.stackName);
    try {
        copyProject(dirs.workDir);
        const env = { ...engineEnv(opts.bin, dirs.stateDir), PULUMI_NODEJS_TRANSPILE_ONLY: opts.typeCheck === true ? "false" : "true" };
        const pulumiCommand = await PulumiCommand.get({ root: path.dirname(opts.bin), skipVersionCheck: true });
        const stack = await LocalWorkspace.createOrSelectStack(
            { stackName: opts.stackName, workDir: dirs.workDir },
            { pulumiCommand, envVars: env },
        );
        if (opts.config || opts.objects) await stack.setAllConfigJson(configJson(opts.config ?? {}, opts.objects));
        return { stack, env, ...dirs };
    } catch (err) {
        dirs.cleanup();
        throw err;
    }
}

/**
 * Creates a stack running `program` inline, for tests about using the components as a library.
 * The work dir sits inside the repository (in an ignored folder) because the engine's
 * dynamic-provider process resolves `@pulumi/pulumi` and this package from its working directory.
 */
export async function createTestStack(opts: {
    bin: string;
    stackName: string;
    program: PulumiFn;
    config?: StackConfig;
}): Promise<TestStack> {
    const dirs = newStateDir(opts.stackName);
    try {
        const env = engineEnv(opts.bin, dirs.stateDir);
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
        return { stack, env, ...dirs };
    } catch (err) {
        dirs.cleanup();
        throw err;
    }
}

/** What one CLI run printed, and how it ended. */
export interface CliResult {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
}

/** Runs the `pulumi` CLI of `bin` in `cwd` with exactly `env` added to ours; never throws on a non-zero exit. */
export function runPulumi(bin: string, args: readonly string[], opts: { cwd: string; env: Record<string, string> }): Promise<CliResult> {
    return new Promise((resolve, reject) => {
        execFile(
            path.join(bin, "pulumi"),
            [...args, "--non-interactive", "--color", "never"],
            { cwd: opts.cwd, env: { ...process.env, ...opts.env }, maxBuffer: 64 * 1024 * 1024 },
            (err, stdout, stderr) => {
                if (err !== null && typeof err.code !== "number") reject(err);
                else resolve({ code: err === null ? 0 : Number(err.code), stdout, stderr });
            },
        );
    });
}
