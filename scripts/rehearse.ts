/**
 * `npm run rehearse -- --stack <env> [--snapshot FILE] [--from FILE] [--rate 16 --burst 50] [--empty-state] [--verbose]`
 *
 * Rehearses the stack's change on a twin of its own tenant before it touches production: a
 * secret-free snapshot of the tenant (read-only, credentials resolved exactly as the export does,
 * see scripts/export.ts), the emulator serving it at the tenant's rate limit, the stack's real
 * `pulumi up` on a throwaway copy of its state, then a preview that must show no changes. Prints
 * per connection what changed and the requests it took, the writes the API refused with its
 * message, the time on the twin and an estimate for the real tenant; exits 1 when the up fails or
 * does not converge. `--snapshot FILE` also writes the snapshot; `--from FILE` rehearses from one
 * with no credential at all. Nothing is ever written to the real tenant.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { getApi } from "../management-api/client";
import { resolveCredentials, settingsFromConfig, storeSettings } from "../management-api/settings";
import type { ProviderSettings } from "../management-api/state";
import { tenantLine } from "./export";
import { stackConfigGetter } from "./export/stack-config";
import { failed, reportLines } from "./rehearse/report";
import { rehearseOnTwin } from "./rehearse/run";
import { declaredConnections, parseSnapshot, readOnly, type Snapshot, takeSnapshot } from "./rehearse/snapshot";
import { exitOnSignals, forgetRunDir, keepRunDir } from "./rehearse/interrupt";
import { exportStack, secretFreeState } from "./rehearse/state";
import { REPO_ROOT, toolchainBin } from "./toolchain";
import { flagValue } from "./argv";

/** The enterprise production limit (shared/auth0-api.md), the default tier. */
const ENTERPRISE = { rate: 16, burst: 50 };

/** Parsed command line. */
export interface RehearseArgs {
    stack: string;
    snapshotOut?: string;
    from?: string;
    rate: { rate: number; burst: number };
    /** Start from an empty state instead of a copy of the stack's. */
    emptyState: boolean;
    /** With --from: copy the state from the stack's backend rather than from the snapshot. */
    stateFromBackend: boolean;
    stacksDir: string;
    verbose: boolean;
}

/** Parses argv. */
export function parseArgs(argv: readonly string[]): RehearseArgs {
    const args: RehearseArgs = {
        stack: "",
        rate: { ...ENTERPRISE },
        emptyState: false,
        stateFromBackend: false,
        stacksDir: path.join(REPO_ROOT, "stacks"),
        verbose: false,
    };
    let burstGiven = false;
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const value = () => flagValue(argv, a, ++i);
        const positive = (v: string) => {
            const n = Number(v);
            if (!(n > 0) || !Number.isFinite(n)) throw new Error(`${a} must be a positive number (got ${v})`);
            return n;
        };
        if (a === "--stack") args.stack = value();
        else if (a === "--snapshot") args.snapshotOut = path.resolve(value());
        else if (a === "--from") args.from = path.resolve(value());
        else if (a === "--rate") args.rate.rate = positive(value());
        else if (a === "--burst") {
            args.rate.burst = positive(value());
            burstGiven = true;
        } else if (a === "--empty-state") args.emptyState = true;
        else if (a === "--state-from-backend") args.stateFromBackend = true;
        else if (a === "--stacks-dir") args.stacksDir = path.resolve(value());
        else if (a === "--verbose") args.verbose = true;
        else {
            throw new Error(
                `unknown argument ${a} (allowed: --stack, --snapshot, --from, --rate, --burst, --empty-state, --state-from-backend, --stacks-dir, --verbose)`,
            );
        }
    }
    if (args.stack === "") throw new Error("--stack <name> is required (e.g. --stack dev)");
    if (args.from !== undefined && args.snapshotOut !== undefined) throw new Error("--from and --snapshot exclude each other");
    if (!burstGiven && args.rate.rate !== ENTERPRISE.rate) args.rate.burst = Math.max(1, Math.floor(args.rate.rate));
    return args;
}

/** The declared connection keys of a stack file (names or ids), as written. */
export function declaredKeys(stackFileText: string): string[] {
    const doc: unknown = parse(stackFileText);
    const config = typeof doc === "object" && doc !== null && "config" in doc ? doc.config : undefined;
    const block =
        typeof config === "object" && config !== null && "auth0-connection-sync:connections" in config
            ? config["auth0-connection-sync:connections"]
            : undefined;
    return typeof block === "object" && block !== null ? Object.keys(block) : [];
}

/** Reads the real tenant through a read-only view, with the export's credential resolution. */
async function snapshotOfTenant(
    args: RehearseArgs,
    file: string,
    text: string,
    log: (s: string) => void,
    extra: Partial<ProviderSettings>,
): Promise<Snapshot> {
    storeSettings({ ...settingsFromConfig(stackConfigGetter(file, args.stack)), ...extra });
    log(tenantLine(resolveCredentials(), file));
    return takeSnapshot(readOnly(getApi()), args.stack, declaredKeys(text));
}

/** Reads `--from`'s snapshot, refusing one taken for another stack (its state and connections are that stack's). */
export function snapshotFor(stack: string, file: string): Snapshot {
    const snapshot = parseSnapshot(readFileSync(file, "utf8"), file);
    if (snapshot.stack !== stack) {
        throw new Error(
            `${path.basename(file)} was taken for stack ${snapshot.stack}, not ${stack}: take one with --stack ${stack} --snapshot FILE`,
        );
    }
    return snapshot;
}

/** Declared keys that the snapshot holds only as listed (`--from` a snapshot older than the declaration). */
export function listedOnlyDeclared(snapshot: Pick<Snapshot, "connections">, keys: readonly string[]): string[] {
    return snapshot.connections.flatMap((c) =>
        typeof c === "object" && c !== null && !Array.isArray(c) && c.listed_only === true && keys.some((k) => k === c.id || k === c.name)
            ? [String(c.name)]
            : [],
    );
}

/** Where the throwaway stack's state comes from. */
export function stateSource(
    args: Pick<RehearseArgs, "emptyState" | "from" | "stateFromBackend">,
    snapshot: Pick<Snapshot, "state">,
): "backend" | "snapshot" | "empty" {
    if (args.emptyState) return "empty";
    if (args.from === undefined || args.stateFromBackend) return "backend";
    return snapshot.state !== undefined ? "snapshot" : "empty";
}

/** The secret-free copy of an exported state, for the snapshot file. */
function stateOfSnapshot(exported: unknown): Pick<Snapshot, "state" | "state_placeholders"> {
    const { state, replaced } = secretFreeState(exported);
    return { state, state_placeholders: replaced };
}

/** The variables that would point the engine at a tenant: the twin's run never sees them. */
const CREDENTIAL_VARS = ["AUTH0_DOMAIN", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET", "AUTH0_API_TOKEN"];

/**
 * Runs a rehearsal; returns the exit code and the report's lines (also written to `log`).
 * `extra` settings (a local emulator's CA, in tests) go over the stack file's and the environment's.
 */
export async function runRehearse(
    argv: readonly string[],
    log: (s: string) => void = (s) => process.stdout.write(`${s}\n`),
    extra: Partial<ProviderSettings> = {},
): Promise<{ exitCode: number; report: string[]; snapshot: Snapshot }> {
    const args = parseArgs(argv);
    const file = path.join(args.stacksDir, `Pulumi.${args.stack}.yaml`);
    const text = readFileSync(file, "utf8");
    // A snapshot is checked before anything starts: a wrong file fails at once, with no engine.
    const given = args.from === undefined ? undefined : snapshotFor(args.stack, args.from);
    const bin = toolchainBin({ build: true });
    if (bin === undefined) throw new Error("no Pulumi CLI: scripts/pulumi-toolchain.sh printed no bin directory");
    const stateRoot = path.join(REPO_ROOT, ".pulumi-state");
    mkdirSync(stateRoot, { recursive: true });
    // Holds the twin's stack and its state: deleted on every path below, and by a signal's handler.
    const runDir = mkdtempSync(path.join(stateRoot, `rehearse-${args.stack}-`));
    keepRunDir(runDir);
    const userEnv = { ...process.env };
    try {
        const snapshot = given ?? (await snapshotOfTenant(args, file, text, log, extra));
        if (args.from !== undefined)
            log(
                `rehearsing from ${path.relative(process.cwd(), args.from)} (tenant ${snapshot.tenant}, taken ${snapshot.taken_at}): no credential used`,
            );
        for (const name of listedOnlyDeclared(snapshot, declaredKeys(text))) {
            log(
                `warning: ${name} was not declared when the snapshot was taken, so its options, SCIM and directory settings are not in it: ` +
                    "the twin serves it without them; take a new snapshot to rehearse it faithfully",
            );
        }
        const state = stateSource(args, snapshot);
        // The backend's export (secrets in plaintext) stays in memory: no file of it can outlive the run.
        let copied: unknown;
        if (state === "backend") {
            const exported = exportStack(bin, args.stack, userEnv);
            copied = exported;
            const n = exported.deployment?.resources?.length ?? 0;
            log(`state of stack ${args.stack} copied (${n} resources) from its backend into a throwaway stack under a fresh passphrase`);
        } else if (state === "snapshot" && snapshot.state !== undefined) {
            copied = snapshot.state;
            log(`state of stack ${args.stack} taken from the snapshot (its secrets replaced) into a throwaway stack`);
        } else log("starting from an empty state: the up adopts what the tenant already has, and issues every declared token anew");
        if (args.snapshotOut !== undefined) {
            const out = state === "backend" ? { ...snapshot, ...stateOfSnapshot(copied) } : snapshot;
            writeFileSync(args.snapshotOut, `${JSON.stringify(out, null, 2)}\n`);
            log(`snapshot written to ${path.relative(process.cwd(), args.snapshotOut)}`);
        }
        for (const key of CREDENTIAL_VARS) delete process.env[key];
        let engine = "";
        const result = await rehearseOnTwin({
            snapshot,
            stack: args.stack,
            stackFileText: text,
            bin,
            rate: args.rate,
            runDir,
            state: copied,
            engineOutput: (t) => (args.verbose ? process.stdout.write(t) : (engine += t)),
        });
        const keys = declaredKeys(text);
        const listed = snapshot.connections.flatMap((c) =>
            typeof c === "object" &&
            c !== null &&
            !Array.isArray(c) &&
            typeof c.id === "string" &&
            typeof c.name === "string" &&
            typeof c.strategy === "string"
                ? [{ id: c.id, name: c.name, strategy: c.strategy }]
                : [],
        );
        const report = reportLines({
            ...result,
            tenant: snapshot.tenant,
            stack: args.stack,
            connections: declaredConnections(keys, listed),
            listed: listed.length,
            placeholders: snapshot.placeholders.length,
            rate: args.rate,
            roundTripMs: snapshot.read_round_trip_ms,
        });
        if (!args.verbose && result.upFailed && engine !== "") log(engine.trimEnd());
        for (const line of report) log(line);
        return { exitCode: failed(result) ? 1 : 0, report, snapshot };
    } finally {
        for (const [key, value] of Object.entries(userEnv))
            if (CREDENTIAL_VARS.includes(key) && value !== undefined) process.env[key] = value;
        rmSync(runDir, { recursive: true, force: true });
        forgetRunDir(runDir);
    }
}

if (require.main === module) {
    // Ctrl-C, a CI cancel (SIGTERM) or a closed terminal (SIGHUP) ends the run at once: the engine's
    // processes are stopped and the run folder is removed before the process exits (interrupt.ts).
    exitOnSignals();
    runRehearse(process.argv.slice(2))
        .then((r) => {
            process.exitCode = r.exitCode;
        })
        .catch((err: unknown) => {
            process.stderr.write(`rehearse failed: ${err instanceof Error ? err.message : String(err)}\n`);
            process.exitCode = 1;
        });
}
