/**
 * The Pulumi toolchain and the offline environment it runs in, shared by `npm start`, the export
 * command and the end-to-end tests.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, symlinkSync } from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");

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
