/**
 * A stack file's config as the program gets it from the engine, for `settingsFromConfig`: plain
 * values as written, `secure:` values decrypted by the Pulumi CLI from that very file (so a
 * `--stacks-dir` file is never paired with the project root's secrets), only when asked for.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { toolchainBin } from "../toolchain";

const ROOT = path.resolve(__dirname, "..", "..");

/** The `config:` map of a stack file; empty when there is no file. */
function configOf(file: string): Record<string, unknown> {
    if (!existsSync(file)) return {};
    const doc = parse(readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
    return doc?.config ?? {};
}

/** A getter over `file`'s config for the stack `stack`; throws naming the key when a secret cannot be decrypted. */
export function stackConfigGetter(file: string, stack: string): (key: string) => string | undefined {
    const config = configOf(file);
    return (key) => {
        const v = config[key];
        if (typeof v === "string") return v;
        if (typeof v === "number" || typeof v === "boolean") return String(v);
        if (typeof v !== "object" || v === null || !("secure" in v)) return undefined;
        return decrypt(key, file, stack);
    };
}

/** `pulumi config get` on exactly this file (`--config-file`), its output never shown. */
function decrypt(key: string, file: string, stack: string): string {
    try {
        const bin = toolchainBin({ build: false });
        if (bin === undefined) throw new Error("no Pulumi CLI");
        return execFileSync(path.join(bin, "pulumi"), ["config", "get", key, "--stack", stack, "--config-file", file], {
            cwd: ROOT,
            encoding: "utf8",
            stdio: ["ignore", "pipe", "ignore"],
        }).trim();
    } catch {
        throw new Error(
            `${key} is encrypted in ${path.relative(process.cwd(), file)} and could not be decrypted: log in to the stack's ` +
                "backend and set PULUMI_CONFIG_PASSPHRASE, or keep the credentials out of the stack file and use the AUTH0_* variables",
        );
    }
}
