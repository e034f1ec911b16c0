import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Pipeline } from "./server";
import { buildState, loadSeed } from "./state";
import type { EmulatorOptions, FaultRule, RateLimit, RunningEmulator } from "./types";

export type {
    AccessToken,
    Connection,
    DirectoryMappingItem,
    DirectoryProvisioning,
    EmulatorClient,
    EmulatorOptions,
    EmulatorState,
    FaultRule,
    JournalEntry,
    JsonObject,
    JsonValue,
    RateLimit,
    RunningEmulator,
    ScimConfiguration,
    ScimMappingItem,
    ScimToken,
    Seed,
    Synchronization,
} from "./types";
export { parseFaultSpec } from "./faults";
export { ALL_SCOPES, SAMPLE_SEED_PATH } from "./data";

/** True for hosts that only this machine can reach; the emulator hands out admin tokens to anyone. */
export function isLoopbackHost(host: string): boolean {
    return host === "localhost" || host === "::1" || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function listen(server: Server, port: number, host: string): Promise<void> {
    return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
            server.off("error", reject);
            resolve();
        });
    });
}

/** Starts an Auth0 Management API emulator on loopback and resolves once it accepts connections. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
    const host = options.host ?? "127.0.0.1";
    if (!isLoopbackHost(host)) throw new Error(`auth0 emulator only listens on loopback, refusing host "${host}"`);
    const state = buildState(loadSeed(options.seed), options.directoryProvisioningEnabled);
    const pipeline = new Pipeline(state, {
        rateLimit: options.rateLimit,
        faults: options.faults,
        faultSeed: options.faultSeed,
        tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 86400,
        synchronizationDurationMs: options.synchronizationDurationMs ?? 2000,
    });
    const server = createServer((req, res) => {
        pipeline.handle(req, res).catch(() => res.destroy());
    });
    await listen(server, options.port ?? 0, host);
    const port = (server.address() as AddressInfo).port;
    const domain = `${host.includes(":") ? `[${host}]` : host}:${port}`;
    let closing: Promise<void> | undefined;

    return {
        url: `http://${domain}`,
        domain,
        port,
        state,
        journal: pipeline.journal,
        clearJournal(): void {
            // Emptied in place: callers may hold a reference to the array.
            pipeline.journal.length = 0;
        },
        setRateLimit(limit: RateLimit | undefined): void {
            pipeline.limiter.configure(limit);
        },
        setFaults(faults: FaultRule[], faultSeed?: number): void {
            pipeline.faults.configure(faults, faultSeed ?? 0);
        },
        close(): Promise<void> {
            closing ??= new Promise<void>((resolve) => {
                pipeline.stop();
                server.close(() => resolve());
                // Keep-alive sockets would otherwise hold close() open for seconds.
                server.closeAllConnections();
            });
            return closing;
        },
    };
}
