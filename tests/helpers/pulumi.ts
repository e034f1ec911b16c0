/**
 * A real Pulumi engine for end-to-end tests: the CLI from scripts/pulumi-toolchain.sh (cached
 * build or PATH), a file backend and PULUMI_HOME in a throwaway folder, nothing online. Two kinds
 * of stacks: the project directory run as users run it (`projectStack`: the CLI starts the Node.js
 * language host on a copy of the project), and inline programs for tests about library use
 * (`createTestStack`). Either way the dynamic providers run in the engine's own provider process.
 */
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { copyProject, engineEnv, inlineStack, newStateDir, type StackConfig, type TestStack, toolchainBin } from "../../scripts/toolchain";

export { engineEnv, REPO_ROOT, type StackConfig, type TestStack } from "../../scripts/toolchain";

/** A stack running `program` inline, for tests about using the components as a library. */
export const createTestStack = inlineStack;
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";

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

/**
 * Skips the suite outside CI when there is no engine; in CI a missing engine is a failure. The fast
 * tier (tests/tiers.sh) runs no engine: a suite that asks for one there lives in the wrong folder.
 */
export function requireEngine(ctx: Mocha.Context): string {
    if (process.env.AUTH0_SYNC_TIER === "fast") {
        throw new Error("this suite runs the Pulumi engine: it belongs in tests/e2e/ (the full tier), not in the fast tier");
    }
    const bin = pulumiBin();
    if (bin !== undefined) return bin;
    if (process.env.CI) {
        throw new Error("no Pulumi engine: run scripts/pulumi-toolchain.sh (CI must build or cache it)");
    }
    console.warn("\n  !!! SKIPPING end-to-end tests: no Pulumi engine. Run `npm run toolchain` first. !!!\n");
    ctx.skip();
}

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
    /** More environment for the CLI and its processes (e.g. NODE_EXTRA_CA_CERTS for an emulator). */
    extraEnv?: Record<string, string>;
}): Promise<TestStack> {
    const dirs = newStateDir(opts.stackName);
    try {
        copyProject(dirs.workDir);
        const env = {
            ...engineEnv(opts.bin, dirs.stateDir),
            PULUMI_NODEJS_TRANSPILE_ONLY: opts.typeCheck === true ? "false" : "true",
            ...opts.extraEnv,
        };
        const pulumiCommand = await PulumiCommand.get({ root: path.dirname(opts.bin), skipVersionCheck: true });
        const stack = await LocalWorkspace.createOrSelectStack(
            { stackName: opts.stackName, workDir: dirs.workDir },
            { pulumiCommand, envVars: env },
        );
        if (opts.config || opts.objects) await stack.setAllConfigJson(configJson(opts.config ?? {}, opts.objects));
        return { stack, env, bin: opts.bin, ...dirs };
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
