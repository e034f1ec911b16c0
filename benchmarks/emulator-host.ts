/**
 * The emulator in a child process, steered over IPC. It runs apart from the benchmark so that
 * `process.cpuUsage()` in the benchmark measures the provider and not the server it talks to, and
 * so that the server's event loop never competes with the provider's for the same thread.
 */
import { startEmulator, type RateLimit, type RunningEmulator } from "../emulator";
import { benchSeed } from "./seed";

/** One journal entry without bodies: all the benchmark needs, and cheap to send over IPC. */
export interface WireEntry {
    readonly method: string;
    readonly path: string;
    readonly status: number;
    readonly at: number;
}

/** What the tenant holds now, to check that an operation did what it claims. */
export interface TenantSummary {
    readonly modes: Record<string, number>;
    readonly scimConfigurations: number;
    readonly scimTokens: number;
    readonly directoryProvisionings: number;
}

/** The calls the host answers: arguments and result of each. */
export interface HostCalls {
    start: { args: { size: number; rateLimit: RateLimit }; result: { url: string } };
    /** Sets the limit again, which also fills the bucket: every operation starts from a rested tenant. */
    refill: { args: { rateLimit: RateLimit }; result: null };
    clear: { args: null; result: null };
    journal: { args: null; result: WireEntry[] };
    summary: { args: null; result: TenantSummary };
    close: { args: null; result: null };
}

/** A request over IPC. */
export interface HostRequest {
    readonly id: number;
    readonly kind: keyof HostCalls;
    readonly args: HostCalls[keyof HostCalls]["args"];
}

/** A reply over IPC. */
export type HostReply =
    | { readonly id: number; readonly ok: true; readonly value: HostCalls[keyof HostCalls]["result"] }
    | { readonly id: number; readonly ok: false; readonly error: string };

let emu: RunningEmulator | undefined;

function running(): RunningEmulator {
    if (emu === undefined) throw new Error("emulator not started");
    return emu;
}

function summary(e: RunningEmulator): TenantSummary {
    const modes: Record<string, number> = {};
    for (const c of Object.values(e.state.connections)) {
        const m = String(c.options?.set_user_root_attributes ?? "absent");
        modes[m] = (modes[m] ?? 0) + 1;
    }
    return {
        modes,
        scimConfigurations: Object.keys(e.state.scimConfigurations).length,
        scimTokens: Object.values(e.state.scimTokens).reduce((n, t) => n + t.length, 0),
        directoryProvisionings: Object.keys(e.state.directoryProvisionings).length,
    };
}

async function handle(req: HostRequest): Promise<HostCalls[keyof HostCalls]["result"]> {
    switch (req.kind) {
        case "start": {
            const { size, rateLimit } = req.args as HostCalls["start"]["args"];
            emu = await startEmulator({ seed: benchSeed(size), rateLimit });
            return { url: emu.url };
        }
        case "refill":
            running().setRateLimit((req.args as HostCalls["refill"]["args"]).rateLimit);
            return null;
        case "clear":
            running().clearJournal();
            return null;
        case "journal":
            return running().journal.map((e) => ({ method: e.method, path: e.path, status: e.status, at: e.at }));
        case "summary":
            return summary(running());
        case "close":
            await emu?.close();
            emu = undefined;
            setImmediate(() => process.exit(0));
            return null;
    }
}

if (process.send !== undefined) {
    process.on("message", (msg: HostRequest) => {
        handle(msg).then(
            (value) => process.send?.({ id: msg.id, ok: true, value } satisfies HostReply),
            (err: unknown) =>
                process.send?.({ id: msg.id, ok: false, error: err instanceof Error ? err.message : String(err) } satisfies HostReply),
        );
    });
    // An orphaned host must not keep a port open after the benchmark dies.
    process.on("disconnect", () => process.exit(0));
}
