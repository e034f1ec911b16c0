/**
 * Shared set-up for suites that drive our client or providers against a real emulator: start one
 * on port 0 with the sample seed, point the provider's process-wide settings at it, and read its
 * journal as the witness of what went over the wire.
 */
import { Agent, fetch as undiciFetch } from "undici";
import { startEmulator, type EmulatorOptions, type JournalEntry, type RunningEmulator } from "../../emulator";
import { resetProcessState } from "../../components/provider/process";
import { storeSettings } from "../../management-api/settings";
import { SAMPLE_TOKEN } from "./sample";

export { SAMPLE, SAMPLE_CLIENT, SAMPLE_TOKEN } from "./sample";

/** Starts an emulator and points the provider at it with the static token. */
export async function startForProvider(options: EmulatorOptions = {}): Promise<RunningEmulator> {
    const emu = await startEmulator({ tls: true, ...options });
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
    storeSettings({
        domain: emu.url,
        apiToken,
        clientId: creds.clientId,
        clientSecret: creds.clientSecret,
        timeoutMs: creds.timeoutMs,
        caCertificate: emu.ca,
    });
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

/** A plain fetch to the emulator that trusts its CA: for "someone else" (a dashboard, another tool) in tests. */
export function emulatorFetch(emu: RunningEmulator, path: string, init: RequestInit = {}): Promise<Response> {
    const dispatcher = emu.ca === undefined ? undefined : new Agent({ connect: { ca: emu.ca } });
    const headers = Object.fromEntries(new Headers(init.headers));
    return undiciFetch(`${emu.url}${path}`, {
        method: init.method,
        body: typeof init.body === "string" ? init.body : undefined,
        headers,
        dispatcher,
    });
}

/** Waits until every request the emulator received has been answered or dropped (slow faults process late). */
export async function settle(emu: RunningEmulator, maxMs = 5000): Promise<boolean> {
    const end = Date.now() + maxMs;
    while (emu.journal.some((e) => e.status === 0 && e.fault !== "drop")) {
        if (Date.now() > end) return false;
        await new Promise((r) => setTimeout(r, 10));
    }
    return true;
}
