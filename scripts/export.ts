/**
 * `npm run export -- --stack <name> [--write] [--strategy okta,samlp] [--name 'okta-*'] [--non-default]`
 *
 * Turns a live tenant into the `auth0-connection-sync:connections` block that, applied right away,
 * changes nothing: existing SCIM and directory configurations are adopted, mappings equal to the
 * API's default are left out, and SCIM token ids are listed as comments (their values cannot be
 * read back). The block is merged into what stacks/Pulumi.<name>.yaml already says, per connection and
 * per key, so nothing the export did not read can be lost; it is printed, or with --write written
 * back keeping everything else. Every change to an existing value is listed on stderr, and nothing
 * that fails the project's own validation is printed or written. Credentials are resolved exactly as
 * the program resolves them (management-api/settings.ts): that stack file's auth0:* config, or the
 * AUTH0_* environment variables, one source whole; the tenant read is the first line on stderr.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { getApi } from "../management-api/client";
import { type ResolvedCredentials, resolveCredentials, settingsFromConfig, storeSettings } from "../management-api/settings";
import type { Connection } from "../management-api/types";
import type { ProviderSettings } from "../management-api/state";
import { collectTenant, type CollectedTenant } from "./export/collect";
import { mergeIntoStackFile, type MergeResult } from "./export/merge";
import { ExportProgress } from "./export/progress";
import { CONNECTIONS_KEY, entryOf, exportConnection, hasNonDefault, keysIn, renderBlock, type ExportedConnection } from "./export/render";
import { checkStrategies } from "./export/strategies";
import { stackConfigGetter } from "./export/stack-config";
import { checkBlock, validateExported } from "./export/validate";
import { flagValue } from "./argv";

const ROOT = path.resolve(__dirname, "..");

/** Parsed command line. */
export interface ExportArgs {
    stack: string;
    write: boolean;
    strategies?: string[];
    name?: RegExp;
    nonDefault: boolean;
    stacksDir: string;
    /** The filters as given, for messages. */
    filters: string[];
}

/** Parses argv; a glob in --name (`okta-*`) or a /regex/ both work. */
export function parseArgs(argv: readonly string[]): ExportArgs {
    const args: ExportArgs = { stack: "", write: false, nonDefault: false, stacksDir: path.join(ROOT, "stacks"), filters: [] };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const value = () => flagValue(argv, a, ++i);
        if (a === "--stack") args.stack = value();
        else if (a === "--write") args.write = true;
        else if (a === "--non-default") {
            args.nonDefault = true;
            args.filters.push(a);
        } else if (a === "--strategy") {
            const v = value();
            args.strategies = v
                .split(",")
                .map((s) => s.trim())
                .filter(Boolean);
            // Before any API call: a typo would match nothing and look like an empty tenant.
            checkStrategies(args.strategies);
            args.filters.push(`--strategy ${v}`);
        } else if (a === "--stacks-dir") args.stacksDir = path.resolve(value());
        else if (a === "--name") {
            const v = value();
            args.filters.push(`--name '${v}'`);
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

/**
 * Stores the stack file's settings exactly as the program's `configure()` does, and resolves them
 * with the program's own rules (management-api/settings.ts): one source, never a mix.
 */
function configure(file: string, stack: string, extra: Partial<ProviderSettings>): ResolvedCredentials {
    storeSettings({ ...settingsFromConfig(stackConfigGetter(file, stack)), ...extra });
    return resolveCredentials();
}

/** Which tenant the export reads, and whose credentials: the first line of every run. */
export function tenantLine(creds: ResolvedCredentials, file: string): string {
    const from =
        creds.source === "environment" ? "the AUTH0_* environment variables" : `the stack config in ${path.relative(process.cwd(), file)}`;
    return `reading tenant ${creds.host} with credentials from ${from}`;
}

/** Reads the tenant with progress reports on `log`. */
async function readTenant(args: ExportArgs, log: (s: string) => void): Promise<CollectedTenant> {
    const keep = (c: Connection) => (!args.strategies || args.strategies.includes(c.strategy)) && (!args.name || args.name.test(c.name));
    const api = getApi();
    const progress = new ExportProgress(log, api.host);
    try {
        return await collectTenant(api, keep, progress);
    } finally {
        progress.stop();
    }
}

/** Logs, per connection, what could not be read and what was left out, then a summary. */
function report(all: readonly ExportedConnection[], matching: number, log: (s: string) => void): void {
    for (const e of all.filter((x) => x.notes.length > 0)) log(`${e.name} (${e.id}): ${e.notes.join("; ")}`);
    for (const e of all.filter((x) => Object.keys(x.settings).length === 0)) {
        log(`${e.name}: nothing we manage (passwordless connections have no profile sync, SCIM or directory provisioning)`);
    }
    const exported = all.filter((e) => Object.keys(entryOf(e)).length > 0).length;
    const unreadable = all.filter((e) => keysIn(e, "unknown").length > 0).length;
    log(`exported ${exported} of ${matching} matching connection(s); ${unreadable} with something unreadable or left out`);
}

/** Logs what the merge did to the stack file: changes, kept values, entries that name no connection. */
function reportMerge(merged: MergeResult, file: string, write: boolean, log: (s: string) => void): void {
    const where = path.relative(process.cwd(), file);
    if (merged.changes.length > 0) {
        log(`${write ? "changes to" : "changes --write would make to"} ${CONNECTIONS_KEY} in ${where}:`);
        for (const c of merged.changes) log(`  ${c}`);
    }
    for (const k of merged.kept) log(k);
    for (const name of merged.strangers) log(`${name}: in ${where} but not a connection of the tenant; left as it is`);
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
    const file = path.join(args.stacksDir, `Pulumi.${args.stack}.yaml`);
    log(tenantLine(configure(file, args.stack, extra), file));
    const tenant = await readTenant(args, log);
    const nothing = args.write ? "nothing was written" : "nothing to print";
    if (tenant.connections.length === 0) {
        throw new Error(`no connection matches ${args.filters.join(" ")} (the tenant has ${tenant.listed.length}): ${nothing}`);
    }
    const chosen = tenant.connections.filter((c) => !args.nonDefault || hasNonDefault(c));
    if (chosen.length === 0) {
        throw new Error(`none of the ${tenant.connections.length} matching connection(s) has non-default settings: ${nothing}`);
    }
    const all = chosen.map((c) => validateExported(exportConnection(c, tenant)));
    report(all, tenant.connections.length, log);
    const existing = existsSync(file) ? readFileSync(file, "utf8") : undefined;
    const merged = mergeIntoStackFile(existing, all, tenant.listed);
    // Without a file everything is new: only a file that exists can lose or change something.
    if (existing !== undefined) reportMerge(merged, file, args.write, log);
    // Never print or write what the project itself would reject.
    checkBlock(merged.block.toJSON(), `the merged block of ${path.basename(file)}`, nothing);
    if (!args.write) return renderBlock(merged.block);
    const text = merged.doc.toString({ lineWidth: 0 });
    if (text === existing) {
        log(`${path.relative(process.cwd(), file)} already says what the tenant has: not rewritten`);
        return text;
    }
    writeFileSync(file, text);
    log(`wrote ${CONNECTIONS_KEY} into ${path.relative(process.cwd(), file)}`);
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
