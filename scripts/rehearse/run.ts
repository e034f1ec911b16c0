/**
 * The rehearsal itself: starts the emulator on the snapshot (the twin) at the tenant's rate limit,
 * over HTTPS as a tenant is reached, runs the stack's real `pulumi up` of the project directory on
 * the throwaway stack (state.ts), then a preview that must show no changes, and returns what the
 * report needs. The engine sees only the twin: its stack file carries the twin's address and a
 * client made for this run, and no AUTH0_* variable reaches it.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { type EngineEvent, LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
import { ALL_SCOPES, type EmulatorState, type JournalEntry, startEmulator } from "../../emulator";
import { countRequests, type RequestCount } from "../start/summary";
import { copyProject, offlineEngineEnv } from "../toolchain";
import type { Snapshot } from "./snapshot";
import { importState, twinStackFile } from "./state";

/** What one twin run needs. */
export interface TwinRunOptions {
    readonly snapshot: Snapshot;
    readonly stack: string;
    /** The real stack file's text (the change to rehearse). */
    readonly stackFileText: string;
    readonly bin: string;
    readonly rate: { readonly rate: number; readonly burst: number };
    /** The run's private folder (deleted by the caller). */
    readonly runDir: string;
    /** The state to copy (an export, in memory), or undefined to start from an empty state. */
    readonly state?: unknown;
    /** Where the engine's own output goes (verbose), or kept and returned. */
    readonly engineOutput: (text: string) => void;
}

/** What happened on the twin. */
export interface TwinRunResult {
    readonly before: EmulatorState;
    readonly after: EmulatorState;
    readonly upJournal: JournalEntry[];
    readonly upMs: number;
    readonly upFailed: boolean;
    readonly engineErrors: string[];
    readonly previewChanges?: Record<string, number>;
    readonly preview?: RequestCount;
}

/** A deep copy of the twin's state (its Set included), to compare before and after. */
function copyState(s: EmulatorState): EmulatorState {
    const { deletedConnectionIds, ...rest } = s;
    return { ...structuredClone(rest), deletedConnectionIds: new Set(deletedConnectionIds) };
}

/** An engine error: the resource it is about, then the message's first lines. */
function errorLine(event: EngineEvent): string | undefined {
    const diag = event.diagnosticEvent;
    if (diag === undefined || diag.severity !== "error") return undefined;
    const on = diag.urn === undefined || diag.urn === "" ? "" : `${diag.urn.split("::").pop()}: `;
    // The message's own lines (a config error lists one problem a line), at most ten of them.
    return `${on}${diag.message.trim().split("\n").slice(0, 10).join("\n")}`;
}

/** Runs `up` then (when it succeeded) the preview on a twin of the snapshot. */
export async function rehearseOnTwin(opts: TwinRunOptions): Promise<TwinRunResult> {
    const client = { client_id: "rehearsal", client_secret: randomBytes(24).toString("base64url"), scopes: [...ALL_SCOPES] };
    const twin = await startEmulator({
        snapshot: opts.snapshot,
        snapshotAccess: { clients: [client] },
        rateLimit: { rate: opts.rate.rate, burst: opts.rate.burst },
        tls: true,
    });
    try {
        const workDir = path.join(opts.runDir, "project");
        copyProject(workDir);
        mkdirSync(path.join(opts.runDir, "backend"), { recursive: true });
        const stackFile = path.join(workDir, "stacks", `Pulumi.${opts.stack}.yaml`);
        writeFileSync(stackFile, twinStackFile(opts.stackFileText).text);
        const env = {
            ...offlineEngineEnv({
                bin: opts.bin,
                backendDir: path.join(opts.runDir, "backend"),
                home: path.join(opts.runDir, "home"),
                passphrase: randomBytes(24).toString("base64url"),
            }),
            ...(twin.caFile !== undefined ? { NODE_EXTRA_CA_CERTS: twin.caFile } : {}),
            PULUMI_NODEJS_TRANSPILE_ONLY: "true",
        };
        const stack = await LocalWorkspace.createOrSelectStack(
            { stackName: opts.stack, workDir },
            { pulumiCommand: await PulumiCommand.get({ root: path.dirname(opts.bin), skipVersionCheck: true }), envVars: env },
        );
        if (opts.state !== undefined) await importState(opts.bin, opts.stack, opts.state, env, workDir);
        await stack.setAllConfig({
            "auth0:domain": { value: twin.url },
            "auth0:clientId": { value: client.client_id },
            "auth0:clientSecret": { value: client.client_secret, secret: true },
        });
        const before = copyState(twin.state);
        const engineErrors: string[] = [];
        const onEvent = (e: EngineEvent) => {
            const line = errorLine(e);
            if (line !== undefined && !engineErrors.includes(line)) engineErrors.push(line);
        };
        const start = twin.journal.length;
        const t0 = performance.now();
        let upFailed = false;
        try {
            // Every independent change is tried: one refusal does not hide the others.
            await stack.up({ color: "never", continueOnError: true, onOutput: opts.engineOutput, onError: opts.engineOutput, onEvent });
        } catch {
            upFailed = true;
        }
        const upMs = performance.now() - t0;
        const upJournal = twin.journal.slice(start);
        const after = copyState(twin.state);
        if (upFailed) return { before, after, upJournal, upMs, upFailed, engineErrors };
        const previewStart = twin.journal.length;
        opts.engineOutput("\n=== pulumi preview (must show no changes) ===\n");
        const pre = await stack.preview({ color: "never", onOutput: opts.engineOutput, onError: opts.engineOutput, onEvent });
        return {
            before,
            after,
            upJournal,
            upMs,
            upFailed,
            engineErrors,
            previewChanges: pre.changeSummary,
            preview: countRequests(twin.journal.slice(previewStart)),
        };
    } finally {
        await twin.close();
    }
}
