/**
 * What the SCIM token tests share: a token issued behind the provider's back (a POST the server
 * carried out after our client gave up, or someone else's), and time moved into the past without
 * waiting (the emulator's token times and a state's recorded request times alike).
 */
import type { RunningEmulator } from "../../emulator";
import { emulatorFetch, SAMPLE_TOKEN } from "./api";

/** `iso` moved `ms` into the past. */
export const earlier = (iso: string, ms: number): string => new Date(Date.parse(iso) - ms).toISOString();

/** Issues a token on `connectionId` straight at the emulator, as the provider never saw it: resolves to its id. */
export async function issuedBehindOurBack(emu: RunningEmulator, connectionId: string, scopes: readonly string[]): Promise<string> {
    const res = await emulatorFetch(emu, `/api/v2/connections/${connectionId}/scim-configuration/tokens`, {
        method: "POST",
        headers: { authorization: `Bearer ${SAMPLE_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ scopes }),
    });
    return ((await res.json()) as { token_id: string }).token_id;
}

/** The ids of the connection's tokens in the emulator, sorted. */
export const tokenIds = (emu: RunningEmulator, connectionId: string): string[] =>
    (emu.state.scimTokens[connectionId] ?? []).map((t) => t.token_id).sort();

/** Moves every token of the connection `ms` into the past (created, and valid until when `alsoExpiry`). */
export function tokensAged(emu: RunningEmulator, connectionId: string, ms: number, alsoExpiry = false): void {
    for (const t of emu.state.scimTokens[connectionId] ?? []) {
        t.created_at = earlier(t.created_at, ms);
        if (alsoExpiry && t.valid_until !== undefined) t.valid_until = earlier(t.valid_until, ms);
    }
}

/** A recorded request's times moved `ms` into the past. */
export function requestAged<R extends { readonly askedAt: string; readonly until: string }>(request: R, ms: number): R {
    return { ...request, askedAt: earlier(request.askedAt, ms), until: earlier(request.until, ms) };
}
