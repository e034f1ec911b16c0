/**
 * `npm run export -- --stack <name> [--write] [--strategy okta,samlp] [--name 'okta-*'] [--non-default]`
 *
 * Turns a live tenant into the `auth0-connection-sync:connections` block that, applied right away,
 * changes nothing: existing SCIM and directory configurations are adopted, mappings equal to the
 * API's default are left out, and SCIM token ids are listed as comments (their values cannot be
 * read back). Prints the block, or with --write replaces it in stacks/Pulumi.<name>.yaml keeping
 * everything else. Credentials: that stack's auth0:* config, or the AUTH0_* environment variables.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { getApi } from "../management-api/client";
import { storeSettings } from "../management-api/settings";
import type { Connection } from "../management-api/types";
import type { ProviderSettings } from "../management-api/state";
import { toolchainBin } from "./toolchain";
import { collectTenant } from "./export/collect";
import { exportConnection, hasNonDefault, mergeIntoStackFile, renderBlock } from "./export/render";

const ROOT = path.resolve(__dirname, "..");

/** Parsed command line. */
export interface ExportArgs {
    stack: string;
    write: boolean;
    strategies?: string[];
    name?: RegExp;
    nonDefault: boolean;
    stacksDir: string;
}

/** Parses argv; a glob in --name (`okta-*`) or a /regex/ both work. */
export function parseArgs(argv: readonly string[]): ExportArgs {
    const args: ExportArgs = { stack: "", write: false, nonDefault: false, stacksDir: path.join(ROOT, "stacks") };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const value = () => {
            const v = argv[++i];
            if (v === undefined) throw new Error(`${a} needs a value`);
            return v;
        };
        if (a === "--stack") args.stack = value();
        else if (a === "--write") args.write = true;
        else if (a === "--non-default") args.nonDefault = true;
        else if (a === "--strategy")
            args.strategies = value()
                .split(",")
                .map((s) => s.trim())
                .filter(Boolean);
        else if (a === "--stacks-dir") args.stacksDir = path.resolve(value());
        else if (a === "--name") {
            const v = value();
            const re = /^\/(.*)\/$/.exec(v);
            args.name = re
                ? new RegExp(re[1])
                : new RegExp(
                      `^${v
                          .replace(/[.+^${}()|[\]\\]/g, "\\$&")
                          .replace(/\*/g, ".*")
                          .replace(/\?/g, ".")}$`,
                  );
        } else throw new Error(`unknown argument ${a} (allowed: --stack, --write, --strategy, --name, --non-default, --stacks-dir)`);
    }
    if (args.stack === "") throw new Error("--stack <name> is required (e.g. --stack dev)");
    return args;
}

/** A stack config value: plain, or decrypted through the Pulumi CLI when it is `secure:`. */
function stackValue(config: Record<string, unknown>, key: string, stack: string): string | undefined {
    const v = config[key];
    if (typeof v === "string") return v;
    if (typeof v !== "object" || v === null || !("secure" in v)) return undefined;
    try {
        const bin = toolchainBin({ build: false });
        if (bin === undefined) throw new Error("no Pulumi CLI");
        return execFileSync(path.join(bin, "pulumi"), ["config", "get", key, "--stack", stack], {
            cwd: ROOT,
            encoding: "utf8",
            stdio: ["ignore", "pipe", "ignore"],
        }).trim();
    } catch {
        throw new Error(
            `${key} is encrypted in Pulumi.${stack}.yaml and could not be decrypted: set the matching AUTH0_* variable, or log in to the stack's backend and set PULUMI_CONFIG_PASSPHRASE`,
        );
    }
}

function configure(args: ExportArgs, extra: Partial<ProviderSettings>): void {
    const file = path.join(args.stacksDir, `Pulumi.${args.stack}.yaml`);
    const config = existsSync(file)
        ? ((parse(readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null)?.config ?? {})
        : {};
    const env = process.env;
    const pick = (envName: string, key: string) => env[envName] || stackValue(config, key, args.stack);
    const clientId = pick("AUTH0_CLIENT_ID", "auth0:clientId");
    const clientSecret = clientId ? pick("AUTH0_CLIENT_SECRET", "auth0:clientSecret") : undefined;
    storeSettings({
        domain: pick("AUTH0_DOMAIN", "auth0:domain"),
        clientId,
        clientSecret,
        apiToken: clientSecret ? undefined : pick("AUTH0_API_TOKEN", "auth0:apiToken"),
        ...extra,
    });
}

/**
 * Runs the export; returns what it printed or wrote, for tests. `extra` settings (e.g. a local
 * emulator's CA certificate) go over what the stack file and the environment say.
 */
export async function runExport(
    argv: readonly string[],
    log: (s: string) => void = (s) => process.stderr.write(`${s}\n`),
    extra: Partial<ProviderSettings> = {},
): Promise<string> {
    const args = parseArgs(argv);
    configure(args, extra);
    const keep = (c: Connection) => (!args.strategies || args.strategies.includes(c.strategy)) && (!args.name || args.name.test(c.name));
    const tenant = await collectTenant(getApi(), keep);
    const chosen = tenant.connections.filter((c) => !args.nonDefault || hasNonDefault(c));
    const all = chosen.map((c) => exportConnection(c, tenant));
    const exported = all.filter((e) => Object.keys(e.entry).length > 0);
    for (const c of chosen.filter((x) => x.problems.length > 0)) {
        log(`${c.connection.name} (${c.connection.id}): ${c.problems.join("; ")}`);
    }
    for (const e of all.filter((x) => Object.keys(x.entry).length === 0 && x.notes.length === 0)) {
        log(`${e.name}: nothing we manage (passwordless connections have no profile sync, SCIM or directory provisioning)`);
    }
    const unreadable = chosen.filter((c) => c.problems.length > 0).length;
    log(`exported ${exported.length} of ${tenant.connections.length} matching connection(s); ${unreadable} with something unreadable`);
    if (!args.write) return renderBlock(exported);
    const file = path.join(args.stacksDir, `Pulumi.${args.stack}.yaml`);
    const text = mergeIntoStackFile(existsSync(file) ? readFileSync(file, "utf8") : undefined, exported);
    writeFileSync(file, text);
    log(`wrote auth0-connection-sync:connections into ${path.relative(process.cwd(), file)}`);
    return text;
}

if (require.main === module) {
    runExport(process.argv.slice(2))
        .then((out) => {
            if (!process.argv.includes("--write")) process.stdout.write(out);
        })
        .catch((err: unknown) => {
            process.stderr.write(`export failed: ${err instanceof Error ? err.message : String(err)}\n`);
            process.exit(1);
        });
}
