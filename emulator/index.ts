import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { Pipeline } from "./server";
import { readSnapshot } from "./snapshot";
import { buildState, loadSeed } from "./state";
import { type CaFile, tlsMaterial, writeCaFile } from "./tls";
import type { EmulatorOptions, FaultRule, RateLimit, RunningEmulator } from "./types";

export type {
    AccessToken,
    Connection,
    DirectoryGroup,
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
export { ODD_VALID_UNTIL_VALUES, parseFaultSpec } from "./faults";
export { SNAPSHOT_FORMAT, seedFromSnapshot, type SnapshotAccess } from "./snapshot";
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
    // A snapshot is a real tenant: what it holds is accepted as it is (see emulator/snapshot.ts).
    const state =
        options.snapshot === undefined
            ? buildState(loadSeed(options.seed), options.directoryProvisioningEnabled)
            : buildState(readSnapshot(options.snapshot, options.snapshotAccess), options.directoryProvisioningEnabled, {
                  realTenant: true,
              });
    const cap = options.tokenLifetimeCapSeconds;
    if (cap !== undefined) {
        if (!(Number.isInteger(cap) && cap >= 1))
            throw new Error(`tokenLifetimeCapSeconds must be a whole number of seconds >= 1, got ${cap}`);
        state.tokenLifetimeCapSeconds = cap;
    }
    const pipeline = new Pipeline(state, {
        rateLimit: options.rateLimit,
        faults: options.faults,
        faultSeed: options.faultSeed,
        tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 86400,
        synchronizationDurationMs: options.synchronizationDurationMs ?? 2000,
        latencyMs: options.latencyMs ?? 0,
    });
    const handler = (req: IncomingMessage, res: ServerResponse): void => {
        pipeline.handle(req, res).catch(() => res.destroy());
    };
    const tls = options.tls === true ? await tlsMaterial() : undefined;
    const server: Server = tls === undefined ? createServer(handler) : createHttpsServer({ key: tls.key, cert: tls.cert }, handler);
    await listen(server, options.port ?? 0, host);
    const port = (server.address() as AddressInfo).port;
    const domain = `${host.includes(":") ? `[${host}]` : host}:${port}`;
    const caFile: CaFile | undefined = tls === undefined ? undefined : writeCaFile(tls.ca);
    let closing: Promise<void> | undefined;

    return {
        url: `${tls === undefined ? "http" : "https"}://${domain}`,
        domain,
        port,
        state,
        journal: pipeline.journal,
        ca: tls?.ca,
        caFile: caFile?.path,
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
                caFile?.remove();
                server.close(() => resolve());
                // Keep-alive sockets would otherwise hold close() open for seconds.
                server.closeAllConnections();
            });
            return closing;
        },
    };
}
