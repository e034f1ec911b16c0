/**
 * One `npm start` run on a running emulator: `pulumi up` of the project directory on the `local`
 * stack, a preview that must show no changes, then the summary read back
 * from the emulator. The engine's own output is shown with `verbose`, and on any failure; otherwise
 * one line per resource operation shows progress and the summary comes last.
 *
 * The run works in its own throwaway folder under .pulumi-state/ (a copy of the project, see
 * copyProject, plus a file backend and PULUMI_HOME), deleted at the end: concurrent runs never
 * share state, and nothing is written into the checkout's stacks/.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";
import { parse } from "yaml";
import { z } from "zod";
import type { EmulatorOptions, RunningEmulator } from "../../emulator";
import { formatFailures, parseConnectionsConfig } from "../../program/config";
import { copyProject, offlineEngineEnv, REPO_ROOT } from "../toolchain";
import { progressLine } from "./progress";
import {
    connectionOf,
    connectionReport,
    countRequests,
    previewChangesOf,
    type DeclaredConnection,
    type RunSummary,
    summaryLines,
} from "./summary";

/** The stack `npm start` runs. */
export const LOCAL_STACK = "local";
/** The passphrase stacks/Pulumi.local.yaml's encryptionsalt was made with (never a user's own). */
const LOCAL_PASSPHRASE = "local";
/** The sample tenant's machine-to-machine client (emulator/seeds/sample.json). */
const LOCAL_CLIENT = { id: "local-client", secret: "local-secret" };

/** The emulator `npm start` runs on: the sample seed over HTTPS (as a real tenant is reached), rate-limited. */
export const LOCAL_EMULATOR: EmulatorOptions = { rateLimit: { rate: 16, burst: 50 }, tls: true };

/** What one local run needs. */
export interface LocalRunOptions {
    /** An emulator started with LOCAL_EMULATOR; the caller stops it. */
    readonly emulator: RunningEmulator;
    /** The toolchain's bin directory. */
    readonly bin: string;
    /** Where everything the run prints goes. */
    readonly write: (text: string) => void;
    /** Stream the engine's own output instead of one line per resource operation. */
    readonly verbose: boolean;
    /** Keep the run's folder (KEEP_STATE=1) for a post-mortem. */
    readonly keepState?: boolean;
    /** True once the user asked to stop: no new engine operation starts after it. */
    readonly interrupted?: () => boolean;
}

/** The stack output the summary reads: names and ids only (a token's value is dropped here). */
const connectionsOutput = z.record(
    z.string(),
    z.object({
        id: z.string(),
        name: z.string(),
        strategy: z.string(),
        scimTokens: z.record(z.string(), z.object({ id: z.string() })).optional(),
    }),
);

/** The declared connections: the stack file's config joined with the stack's `connections` output. */
function declaredConnections(stackFile: string, output: unknown): DeclaredConnection[] {
    const doc = z.object({ config: z.record(z.string(), z.unknown()) }).parse(parse(readFileSync(stackFile, "utf8")));
    const parsed = parseConnectionsConfig(doc.config["auth0-connection-sync:connections"]);
    if (parsed.config === undefined) throw new Error(formatFailures(parsed.failures));
    const outputs = connectionsOutput.parse(output);
    return Object.entries(parsed.config).map(([key, config]) => {
        const out = Object.values(outputs).find((o) => o.name === key || o.id === key);
        if (out === undefined) throw new Error(`the stack's connections output has no entry for ${key}`);
        const tokenIds = Object.fromEntries(Object.entries(out.scimTokens ?? {}).map(([name, t]) => [name, t.id]));
        return { id: out.id, name: out.name, strategy: out.strategy, tokenIds, config };
    });
}

async function localStack(opts: LocalRunOptions, runDir: string): Promise<{ stack: Stack; stackFile: string }> {
    const workDir = path.join(runDir, "project");
    copyProject(workDir, { stackFiles: [`Pulumi.${LOCAL_STACK}.yaml`] });
    mkdirSync(path.join(runDir, "backend"));
    const stack = await LocalWorkspace.createOrSelectStack(
        { stackName: LOCAL_STACK, workDir },
        {
            pulumiCommand: await PulumiCommand.get({ root: path.dirname(opts.bin), skipVersionCheck: true }),
            envVars: {
                ...offlineEngineEnv({
                    bin: opts.bin,
                    backendDir: path.join(runDir, "backend"),
                    home: path.join(runDir, "home"),
                    passphrase: LOCAL_PASSPHRASE,
                }),
                ...(opts.emulator.caFile !== undefined ? { NODE_EXTRA_CA_CERTS: opts.emulator.caFile } : {}),
                // `npm test` type-checks this checkout; checking it again costs each engine run ~9 s of CPU.
                PULUMI_NODEJS_TRANSPILE_ONLY: "true",
            },
        },
    );
    // Into the run's copy of Pulumi.local.yaml only: the checkout's file never holds a credential.
    await stack.setAllConfig({
        "auth0:domain": { value: opts.emulator.url },
        "auth0:clientId": { value: LOCAL_CLIENT.id },
        "auth0:clientSecret": { value: LOCAL_CLIENT.secret, secret: true },
    });
    return { stack, stackFile: path.join(workDir, "stacks", `Pulumi.${LOCAL_STACK}.yaml`) };
}

/**
 * Runs `up` then the preview, prints the summary last, and returns it (a preview with changes shows
 * in it, and its engine output is printed). Throws when either fails, after printing the engine's output.
 */
export async function runLocalStack(opts: LocalRunOptions): Promise<RunSummary> {
    const { emulator: emu, write } = opts;
    const stateRoot = path.join(REPO_ROOT, ".pulumi-state");
    mkdirSync(stateRoot, { recursive: true });
    const runDir = mkdtempSync(path.join(stateRoot, `${LOCAL_STACK}-`));
    // Without verbose the engine's output is kept, and shown only if something fails.
    let engineOutput = "";
    const engine = (text: string) => (opts.verbose ? write(text) : (engineOutput += text));
    const stopIfInterrupted = () => {
        if (opts.interrupted?.() === true) throw new Error("interrupted");
    };
    try {
        const { stack, stackFile } = await localStack(opts, runDir);
        stopIfInterrupted();
        write(`\npulumi up (stack ${LOCAL_STACK})${opts.verbose ? "" : "; the engine's own output: npm start -- --verbose"}\n`);
        const upStart = emu.journal.length;
        const up = await stack.up({
            color: "never",
            onOutput: engine,
            onError: engine,
            onEvent: (e) => {
                const line = opts.verbose ? undefined : progressLine(e);
                if (line !== undefined) write(line);
            },
        });
        const upJournal = emu.journal.slice(upStart);
        stopIfInterrupted();
        engine("\n=== pulumi preview (must show no changes) ===\n");
        const previewStart = engineOutput.length;
        // Expect-no-changes checked here rather than with the CLI's flag, so the summary still shows.
        const pre = await stack.preview({ color: "never", onOutput: engine, onError: engine });
        if (!opts.verbose && previewChangesOf(pre.changeSummary).length > 0) write(engineOutput.slice(previewStart));
        const preview = countRequests(emu.journal.slice(upStart + upJournal.length));
        const connections = declaredConnections(stackFile, up.outputs.connections?.value).map((d) =>
            connectionReport(d, emu.state, upJournal),
        );
        const shared = upJournal.filter((e) => connectionOf(e) === undefined);
        const summary: RunSummary = {
            connections,
            up: countRequests(upJournal),
            upShared: countRequests(shared),
            previewChanges: pre.changeSummary,
            preview,
        };
        write(`\n${summaryLines(summary).join("\n")}\n`);
        return summary;
    } catch (err) {
        if (!opts.verbose && engineOutput !== "") write(`\n${engineOutput}\n`);
        throw err;
    } finally {
        if (opts.keepState === true) write(`State kept in ${runDir}\n`);
        else rmSync(runDir, { recursive: true, force: true });
    }
}
