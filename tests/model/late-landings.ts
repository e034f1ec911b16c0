/**
 * Token POSTs the server processes only after the client gave up, later than any wait of the
 * command that sent them: the emulator drops the connection without doing the work, and the model
 * does it in the server's place while the next command runs, just before the request's window ends
 * (`until`, recorded in the state), so a run can start while the request's token has not landed
 * yet: the case a settle must not forget by listing too early.
 */
import type { JournalEntry, RunningEmulator } from "../../emulator";

/** A token POST the server still owes: where, and what it asked for. */
export interface Landing {
    readonly connectionId: string;
    readonly scopes: readonly string[];
    readonly lifetimeSeconds?: number;
}

const TOKEN_POST_PATH = /^\/api\/v2\/connections\/([^/]+)\/scim-configuration\/tokens$/;

/** The token POSTs of a command's journal that the emulator dropped: each lands later. */
export function owedLandings(journal: readonly JournalEntry[]): Landing[] {
    return journal.flatMap((e) => {
        const m = TOKEN_POST_PATH.exec(e.path);
        if (e.method !== "POST" || e.fault !== "drop" || m === null) return [];
        const body: unknown = e.body;
        const scopes: unknown = typeof body === "object" && body !== null ? Reflect.get(body, "scopes") : undefined;
        const lifetime: unknown = typeof body === "object" && body !== null ? Reflect.get(body, "token_lifetime") : undefined;
        if (!Array.isArray(scopes)) return [];
        return [
            {
                connectionId: decodeURIComponent(m[1]),
                scopes: scopes.map(String),
                ...(typeof lifetime === "number" ? { lifetimeSeconds: lifetime } : {}),
            },
        ];
    });
}

let landed = 0;

/**
 * Does the work of each owed POST as the API would have: a token with the asked scopes, created
 * now, unless the connection has no SCIM configuration or already holds two active tokens (the
 * API refuses those). Returns the ids of the tokens that landed.
 */
export function land(emu: RunningEmulator, owed: readonly Landing[]): string[] {
    const ids: string[] = [];
    const now = Date.now();
    for (const o of owed) {
        if (emu.state.scimConfigurations[o.connectionId] === undefined) continue;
        const tokens = (emu.state.scimTokens[o.connectionId] ??= []);
        const active = tokens.filter((t) => t.valid_until === undefined || Date.parse(t.valid_until) > now).length;
        if (active >= 2) continue;
        landed += 1;
        const id = `tok_late${String(landed).padStart(8, "0")}`;
        tokens.push({
            token_id: id,
            token: `${id}.${"0".repeat(64)}`,
            scopes: [...o.scopes],
            created_at: new Date(now).toISOString(),
            ...(o.lifetimeSeconds !== undefined ? { valid_until: new Date(now + o.lifetimeSeconds * 1000).toISOString() } : {}),
        });
        ids.push(id);
    }
    return ids;
}

/**
 * Lands `owed` once `until` (by our clock) is 100 ms away, or at once without one: the timer runs
 * beside the command, so the command's own waits decide whether it sees the token. Resolves with
 * the ids of the tokens that landed.
 */
export function landBefore(emu: RunningEmulator, owed: readonly Landing[], until: number | undefined): Promise<string[]> {
    if (owed.length === 0) return Promise.resolve([]);
    const delay = until === undefined ? 0 : Math.max(0, until - Date.now() - 100);
    return new Promise((resolve) => setTimeout(() => resolve(land(emu, owed)), delay));
}
