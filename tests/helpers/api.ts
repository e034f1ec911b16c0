/**
 * Shared set-up for suites that drive our client or providers against a real emulator: start one
 * on port 0 with the sample seed, point the provider's process-wide settings at it, and read its
 * journal as the witness of what went over the wire.
 */
import { startEmulator, type EmulatorOptions, type JournalEntry, type RunningEmulator } from "../../emulator";
import { resetProcessState } from "../../components/provider/process";
import { storeSettings } from "../../management-api/settings";

/** Ids of the sample seed's connections. */
export const SAMPLE = {
    okta: "con_lmGDBHHtE5Y3ukT2",
    samlp: "con_HjmNJNp9IuiWJONr",
    waad: "con_NVLFL5zT7EU0vCX8",
    google: "con_ka3hEJF2Xrahotuo",
    database: "con_8cw1yT95eNCNyoyO",
    email: "con_EDOilFfISeWMdDxR",
} as const;

/** The sample seed's all-scopes static token and machine-to-machine client. */
export const SAMPLE_TOKEN = "local-admin-token";
export const SAMPLE_CLIENT = { clientId: "local-client", clientSecret: "local-secret" } as const;

/** Starts an emulator and points the provider at it with the static token. */
export async function startForProvider(options: EmulatorOptions = {}): Promise<RunningEmulator> {
    const emu = await startEmulator(options);
    useEmulator(emu);
    return emu;
}

/** Points the provider at `emu` (static token unless told otherwise) and forgets clients, pacing and counters. */
export function useEmulator(
    emu: RunningEmulator,
    creds: { apiToken?: string; clientId?: string; clientSecret?: string; timeoutMs?: number } = {},
): void {
    resetProcessState();
    const apiToken = creds.apiToken ?? (creds.clientId ? undefined : SAMPLE_TOKEN);
    storeSettings({ domain: emu.url, apiToken, clientId: creds.clientId, clientSecret: creds.clientSecret, timeoutMs: creds.timeoutMs });
}

/** Adds a static token with exactly these scopes and returns it. */
export function tokenWithScopes(emu: RunningEmulator, scopes: string[]): string {
    const token = `test-token-${emu.state.tokens.length}-${scopes.length}`;
    emu.state.tokens.push({ token, scopes });
    return token;
}

/** Management API requests that may change state (everything but GET), token endpoint excluded. */
export function writes(journal: readonly JournalEntry[]): JournalEntry[] {
    return journal.filter((e) => e.method !== "GET" && e.path.startsWith("/api/v2"));
}

/** Management API requests, token endpoint excluded. */
export function apiCalls(journal: readonly JournalEntry[]): JournalEntry[] {
    return journal.filter((e) => e.path.startsWith("/api/v2"));
}

/** A deep copy of a connection's options as the emulator holds them. */
export function optionsOf(emu: RunningEmulator, id: string): Record<string, unknown> {
    return structuredClone((emu.state.connections[id].options ?? {}) as Record<string, unknown>);
}
