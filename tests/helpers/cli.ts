/**
 * Engine operations on a test stack through the `pulumi` CLI itself, one process each. The
 * Automation API's `up()` starts four (`up`, `stack output` twice, `stack history`) and `refresh()`
 * and `destroy()` two, to fill result fields these tests never read; here the change summary comes
 * from the operation's own `--event-log`, and outputs are read only when a test asks for them.
 */
import { execFile } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import type { TestStack } from "../../scripts/toolchain";

/** Resource changes by operation (`create`, `update`, `same`, ...), as the engine's summary counts them. */
export type Changes = Readonly<Record<string, number>>;

/** What one operation printed, and what it changed. */
export interface OpResult {
    readonly stdout: string;
    readonly stderr: string;
    /** The engine's summary of resource changes (empty when the run ended before its summary). */
    readonly changes: Changes;
}

/** An operation that exited non-zero; its message carries everything the CLI printed, as the Automation API's does. */
export class CliError extends Error {
    constructor(
        readonly op: string,
        readonly code: number,
        readonly stdout: string,
        readonly stderr: string,
    ) {
        super(`pulumi ${op} exited with code ${code}\n stdout: ${stdout}\n stderr: ${stderr}`);
        this.name = "CliError";
    }
}

/** Options shared by the operations; each maps to the CLI flag of the same name. */
export interface OpOptions {
    readonly diff?: boolean;
    readonly refresh?: boolean;
    readonly expectNoChanges?: boolean;
}

let logs = 0;

/** Runs `pulumi <args>` for `t` and settles with what it printed; never rejects on a non-zero exit. */
function run(t: TestStack, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
        execFile(
            path.join(t.bin, "pulumi"),
            [...args, "--stack", t.stack.name, "--non-interactive", "--color", "never"],
            // PULUMI_DEBUG_COMMANDS unhides `--event-log`, as the Automation API does.
            { cwd: t.workDir, env: { ...process.env, ...t.env, PULUMI_DEBUG_COMMANDS: "true" }, maxBuffer: 64 * 1024 * 1024 },
            (err, stdout, stderr) => {
                if (err !== null && typeof err.code !== "number") reject(err);
                else resolve({ code: err === null ? 0 : Number(err.code), stdout, stderr });
            },
        );
    });
}

/** The resource changes of the summary event in an event log (JSON lines), or none. */
export function summaryOf(eventLog: string): Changes {
    for (const line of eventLog.split("\n").reverse()) {
        if (!line.includes('"summaryEvent"')) continue;
        const event = JSON.parse(line) as { summaryEvent?: { resourceChanges?: Record<string, number> } };
        if (event.summaryEvent) return event.summaryEvent.resourceChanges ?? {};
    }
    return {};
}

async function operation(t: TestStack, op: "up" | "preview" | "refresh" | "destroy", opts: OpOptions = {}): Promise<OpResult> {
    const logFile = path.join(t.stateDir, `events-${process.pid}-${++logs}.jsonl`);
    const args: string[] = [op, "--event-log", logFile];
    if (op !== "preview") args.push("--yes", "--skip-preview");
    if (opts.diff) args.push("--diff");
    if (opts.refresh) args.push("--refresh");
    if (opts.expectNoChanges) args.push("--expect-no-changes");
    try {
        const { code, stdout, stderr } = await run(t, args);
        if (code !== 0) throw new CliError(op, code, stdout, stderr);
        let log = "";
        try {
            log = readFileSync(logFile, "utf8");
        } catch {
            // No event log: the summary stays empty, which no assertion on changes accepts.
        }
        return { stdout, stderr, changes: summaryOf(log) };
    } finally {
        rmSync(logFile, { force: true });
    }
}

/** `pulumi up --yes --skip-preview`. */
export const up = (t: TestStack, opts?: OpOptions): Promise<OpResult> => operation(t, "up", opts);
/** `pulumi preview`. */
export const preview = (t: TestStack, opts?: OpOptions): Promise<OpResult> => operation(t, "preview", opts);
/** `pulumi refresh --yes --skip-preview`. */
export const refresh = (t: TestStack, opts?: OpOptions): Promise<OpResult> => operation(t, "refresh", opts);
/** `pulumi destroy --yes --skip-preview`. */
export const destroy = (t: TestStack, opts?: OpOptions): Promise<OpResult> => operation(t, "destroy", opts);

/** The stack's outputs as plain JSON, secrets shown (`pulumi stack output --json --show-secrets`). */
export async function outputs(t: TestStack): Promise<Record<string, unknown>> {
    const { code, stdout, stderr } = await run(t, ["stack", "output", "--json", "--show-secrets"]);
    if (code !== 0) throw new CliError("stack output", code, stdout, stderr);
    return JSON.parse(stdout) as Record<string, unknown>;
}

/**
 * The error lines of a failed CLI run (a CliError or an Automation API error), without the engine's
 * own summaries. A resource's errors can come as `error: N error(s) occurred:` followed by one
 * `* <cause>` line each (how the engine prints a create that failed after it wrote: created but not
 * initialized); those causes count as error lines of their own.
 */
export function errorLines(err: unknown): string[] {
    const text = err instanceof Error ? err.message : String(err);
    const lines: string[] = [];
    let inList = false;
    for (const line of text.split("\n")) {
        const at = line.indexOf("error:");
        if (at >= 0) {
            const message = line.slice(at).trim();
            inList = /^error: \d+ errors? occurred:?$/.test(message);
            if (!inList) lines.push(message);
        } else if (inList && /^\s*\* \S/.test(line)) {
            lines.push(`error: ${line.trim().slice(2)}`);
        } else {
            inList = false;
        }
    }
    return [...new Set(lines)].filter((l) => !/^error: (update failed|preview failed)$/.test(l));
}
