/**
 * A real Pulumi engine for end-to-end tests: the CLI from scripts/pulumi-toolchain.sh (cached
 * build or PATH), a file backend and PULUMI_HOME in a throwaway folder, nothing online. Programs
 * run inline through the Automation API, in this process; the dynamic providers run in the
 * engine's own provider process, exactly as in `pulumi up`.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import { offlineEngineEnv, toolchainBin } from "../../scripts/engine";
import { LocalWorkspace, PulumiCommand, type PulumiFn, type Stack } from "@pulumi/pulumi/automation";

/** The repository root. */
export const REPO_ROOT = path.resolve(__dirname, "../..");

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
    /** Deletes the stack's folders (the backend state with it). */
    cleanup(): void;
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

/**
 * Creates a stack running `program` inline. The work dir sits inside the repository (in an ignored
 * folder) because the engine's dynamic-provider process resolves `@pulumi/pulumi`, `auth0` and
 * `zod` from its working directory.
 */
export async function createTestStack(opts: {
    bin: string;
    stackName: string;
    program: PulumiFn;
    config?: Record<string, { value: string; secret?: boolean }>;
}): Promise<TestStack> {
    const root = path.join(REPO_ROOT, ".e2e");
    mkdirSync(root, { recursive: true });
    const stateDir = mkdtempSync(path.join(root, `${opts.stackName}-`));
    const workDir = path.join(stateDir, "work");
    mkdirSync(path.join(stateDir, "backend"), { recursive: true });
    mkdirSync(workDir, { recursive: true });
    const pulumiCommand = await PulumiCommand.get({ root: path.dirname(opts.bin), skipVersionCheck: true });
    const stack = await LocalWorkspace.createOrSelectStack(
        { stackName: opts.stackName, projectName: "auth0-connection-sync-e2e", program: opts.program },
        {
            workDir,
            pulumiCommand,
            envVars: engineEnv(opts.bin, stateDir),
            projectSettings: {
                name: "auth0-connection-sync-e2e",
                runtime: "nodejs",
                backend: { url: `file://${path.join(stateDir, "backend")}` },
            },
        },
    );
    if (opts.config) await stack.setAllConfig(opts.config);
    // KEEP_E2E=1 keeps the folders for a post-mortem.
    const cleanup = () => (process.env.KEEP_E2E === "1" ? undefined : rmSync(stateDir, { recursive: true, force: true }));
    return { stack, stateDir, cleanup };
}
