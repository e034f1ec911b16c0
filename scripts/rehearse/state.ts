/**
 * The throwaway stack a rehearsal runs on: a project copy whose stack file points at the twin, on
 * a private file backend under a fresh passphrase, holding a copy of the real stack's state. The
 * state is exported from the stack's own backend (`pulumi stack export --show-secrets`, with the
 * user's Pulumi environment, read-only) into memory and imported under the new passphrase through
 * the CLI's standard input: the plaintext export is never a file. The folder still holds the token
 * values the throwaway state records (encrypted): the caller deletes it on every exit path.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { REPO_ROOT } from "../toolchain";
import { isSecretKey, type Json, placeholder, withoutEmbeddedSecrets } from "./redact";

/** Config keys the copy never takes from the real stack file: the twin gets its own credentials. */
function isCredentialKey(key: string): boolean {
    return key.startsWith("auth0:");
}

/**
 * The stack file for the twin: the real one without its credentials (`auth0:*`), without values
 * encrypted under the real stack's passphrase (they could not be read under the fresh one; the
 * program reads none but `auth0:*`) and without its encryption settings. Pure: text in, text out.
 */
export function twinStackFile(text: string): { text: string; dropped: string[] } {
    const doc = parseDocument(text);
    const dropped: string[] = [];
    for (const key of ["encryptionsalt", "encryptedkey", "secretsprovider"]) doc.delete(key);
    const json: unknown = doc.toJSON();
    const config = typeof json === "object" && json !== null && "config" in json ? json.config : undefined;
    for (const [key, value] of typeof config === "object" && config !== null ? Object.entries(config) : []) {
        const secure = typeof value === "object" && value !== null && "secure" in value;
        if (isCredentialKey(key) || secure) {
            doc.deleteIn(["config", key]);
            if (!isCredentialKey(key)) dropped.push(key);
        }
    }
    return { text: doc.toString({ lineWidth: 0 }), dropped };
}

/** Runs the Pulumi CLI, its output kept (never printed: an export holds secrets). */
function pulumi(bin: string, args: readonly string[], env: NodeJS.ProcessEnv, cwd: string): string {
    try {
        // An export of a few thousand resources is megabytes: far above the 1 MB default.
        return execFileSync(path.join(bin, "pulumi"), args, {
            cwd,
            env,
            encoding: "utf8",
            stdio: ["ignore", "pipe", "pipe"],
            maxBuffer: 1 << 30,
        });
    } catch (err) {
        throw new Error(`pulumi ${args.slice(0, 2).join(" ")} failed: ${stderrOf(err)}`);
    }
}

function stderrOf(err: unknown): string {
    const stderr = typeof err === "object" && err !== null && "stderr" in err ? String(err.stderr) : "";
    return stderr.trim().split("\n").slice(0, 3).join(" ");
}

/** An exported deployment, as far as the copy touches it. */
export interface ExportedState {
    deployment?: { secrets_providers?: unknown; resources?: unknown[]; [key: string]: unknown };
    [key: string]: unknown;
}

/**
 * Exports the real stack's state, secrets in plaintext, into memory (never a file: a file could
 * outlive an interrupted run) with the user's own Pulumi environment (backend, login,
 * passphrase), from the checkout (its Pulumi.yaml names the project). The export only reads the
 * backend. The secrets provider of the real stack is dropped, so the import takes the throwaway
 * stack's own.
 */
export function exportStack(bin: string, stack: string, userEnv: NodeJS.ProcessEnv): ExportedState {
    let text: string;
    try {
        text = pulumi(
            bin,
            ["stack", "export", "--stack", stack, "--show-secrets"],
            { ...userEnv, PULUMI_SKIP_UPDATE_CHECK: "true" },
            REPO_ROOT,
        );
    } catch (err) {
        throw new Error(
            `${err instanceof Error ? err.message : String(err)} (the stack's state is read from its backend: log in to it and set ` +
                "PULUMI_CONFIG_PASSPHRASE, or rehearse a first run with --empty-state)",
        );
    }
    const exported: ExportedState = JSON.parse(text);
    if (exported.deployment !== undefined) delete exported.deployment.secrets_providers;
    return exported;
}

/** {@link exportStack} into `file` (mode 0600), for a caller that keeps it; returns the resource count. */
export function exportRealState(bin: string, stack: string, file: string, userEnv: NodeJS.ProcessEnv): number {
    const exported = exportStack(bin, stack, userEnv);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(exported), { mode: 0o600 });
    return exported.deployment?.resources?.length ?? 0;
}

/**
 * Imports `exported` into the throwaway stack (`env` is its offline environment, `workDir` its
 * project copy) through the CLI's standard input: the plaintext never lands in a file. The copy's
 * secrets provider becomes the throwaway stack's own (the passphrase salt its stack file got when
 * it was created), so the plaintext secrets are encrypted under the fresh passphrase. Asynchronous,
 * so that a signal reaches the rehearsal (and its clean-up) while the CLI runs.
 */
export async function importState(
    bin: string,
    stack: string,
    exported: unknown,
    env: Record<string, string>,
    workDir: string,
): Promise<void> {
    const stackFile = path.join(workDir, "stacks", `Pulumi.${stack}.yaml`);
    const salt: unknown = parseDocument(readFileSync(stackFile, "utf8")).get("encryptionsalt");
    if (typeof salt !== "string") throw new Error(`the throwaway stack has no passphrase salt in ${path.basename(stackFile)}`);
    const copy = typeof exported === "object" && exported !== null ? { ...exported } : {};
    const deployment =
        "deployment" in copy && typeof copy.deployment === "object" && copy.deployment !== null ? copy.deployment : undefined;
    const input = JSON.stringify(
        deployment === undefined
            ? copy
            : { ...copy, deployment: { ...deployment, secrets_providers: { type: "passphrase", state: { salt } } } },
    );
    await new Promise<void>((resolve, reject) => {
        const child = execFile(
            path.join(bin, "pulumi"),
            ["stack", "import", "--stack", stack],
            { cwd: workDir, env: { ...process.env, ...env }, encoding: "utf8" },
            (err, _stdout, stderr) => (err === null ? resolve() : reject(new Error(`pulumi stack import failed: ${stderrOf({ stderr })}`))),
        );
        child.stdin?.end(input);
    });
}

/** The marker of a secret value in an exported deployment (Pulumi's `sig` key and value). */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";

/** Every string of a value replaced by its placeholder: a secret's whole value, ids included. */
function placeholderAll(v: Json): Json {
    if (typeof v === "string") return placeholder(v);
    if (Array.isArray(v)) return v.map(placeholderAll);
    if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, placeholderAll(x)]));
    return v;
}

/**
 * Maps of the program's exports keyed by a name the user chose (a connection's, a token's): a key
 * there is data, not a field name, so `Username-Password-Authentication` is no password.
 */
const NAME_KEYED = new Set(["connections", "scimTokens"]);

/**
 * A stack's exported state (`--show-secrets`) with no secret left, for a snapshot: every value the
 * engine marks secret gets placeholders for all its strings, values that are credentials by name
 * and private keys (or a URL's password) elsewhere are replaced too (redact.ts), and the secrets
 * provider is dropped. The providers diff tokens by id (kept: an id is not secret), so the state
 * still says what exists. Returns the state and how many values were replaced.
 */
export function secretFreeState(exported: unknown): { state: Json; replaced: number } {
    let replaced = 0;
    // `secret`: under a credential-named key, every string goes; markers are kept as markers.
    // `names`: the keys here are names (NAME_KEYED), not judged as field names.
    const walk = (v: unknown, secret: boolean, names: boolean): Json => {
        if (typeof v === "string") {
            const cleaned = secret ? placeholder(v) : withoutEmbeddedSecrets(v);
            if (cleaned === undefined) return v;
            replaced += 1;
            return cleaned;
        }
        if (Array.isArray(v)) return v.map((x) => walk(x, secret, false));
        if (typeof v === "object" && v !== null) {
            const o = Object.fromEntries(Object.entries(v));
            if (o[SECRET_SIG] === SECRET_SIG_VALUE) {
                replaced += 1;
                const plain: Json = typeof o.plaintext === "string" ? JSON.parse(o.plaintext) : null;
                return { [SECRET_SIG]: SECRET_SIG_VALUE, plaintext: JSON.stringify(placeholderAll(plain)) };
            }
            const kept = Object.entries(o).filter(([k]) => k !== "secrets_providers");
            return Object.fromEntries(kept.map(([k, x]) => [k, walk(x, secret || (!names && isSecretKey(k)), NAME_KEYED.has(k))]));
        }
        return typeof v === "number" || typeof v === "boolean" ? v : null;
    };
    return { state: walk(exported, false, false), replaced };
}
