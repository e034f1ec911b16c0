/**
 * The Pulumi toolchain and the offline environment it runs in, shared by `npm start`, the export
 * command and the end-to-end tests.
 */
import { execFileSync } from "node:child_process";
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
