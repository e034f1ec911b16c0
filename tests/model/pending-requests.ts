/**
 * Token requests without a clear answer, kept in the engine state until a later run settles them:
 * which live tokens they account for, and time passing between two commands without waiting for it. A token request without a clear
 * answer is settled only once its window has passed (a minute after its stray search, plus the
 * clock skew); a person runs again after that, as the refusal asks. The model cannot wait minutes
 * per sequence, so it moves what the engine and the API recorded into the past instead: the
 * request's times in the engine state, and every token's times in the emulator, by the same amount
 * (a token created inside the window stays inside it).
 */
import type { RunningEmulator } from "../../emulator";
import { CLOCK_SKEW_MS } from "../../components/provider/token-facts";
import type { Engine, StateEntry } from "./engine";

const earlier = (iso: string, ms: number): string => new Date(Date.parse(iso) - ms).toISOString();

/** The unanswered request a state entry carries, if it carries one with readable times. */
function requestOf(e: StateEntry): { readonly raw: object; readonly askedAt: string; readonly until: string } | undefined {
    const raw: unknown = e.outs.unanswered;
    if (typeof raw !== "object" || raw === null) return undefined;
    const askedAt: unknown = Reflect.get(raw, "askedAt");
    const until: unknown = Reflect.get(raw, "until");
    if (typeof askedAt !== "string" || typeof until !== "string" || !Number.isFinite(Date.parse(until))) return undefined;
    return { raw, askedAt, until };
}

function shifted(e: StateEntry, ms: number): StateEntry {
    const request = requestOf(e);
    if (request === undefined) return e;
    const u = { ...request.raw, askedAt: earlier(request.askedAt, ms), until: earlier(request.until, ms) };
    return { ...e, outs: { ...e.outs, unanswered: u } };
}

/**
 * Lets every open token request window pass: returns how far time moved (0 when no request in the
 * engine state is still inside its window).
 */
export function letTokenWindowsPass(engine: Engine, emu: RunningEmulator): number {
    const entries = [...engine.state.values(), ...engine.pendingDeletes];
    const open = entries.flatMap((e) => {
        const r = requestOf(e);
        return r === undefined ? [] : [Date.parse(r.until) + CLOCK_SKEW_MS];
    });
    const ms = Math.max(0, ...open.map((end) => end - Date.now() + 1000));
    if (ms === 0) return 0;
    for (const [name, e] of engine.state) engine.state.set(name, shifted(e, ms));
    engine.pendingDeletes.splice(
        0,
        engine.pendingDeletes.length,
        ...engine.pendingDeletes.map((e) => ({ ...shifted(e, ms), name: e.name })),
    );
    for (const tokens of Object.values(emu.state.scimTokens)) {
        for (const t of tokens) {
            t.created_at = earlier(t.created_at, ms);
            if (t.valid_until !== undefined) t.valid_until = earlier(t.valid_until, ms);
            if (t.last_used_at !== undefined) t.last_used_at = earlier(t.last_used_at, ms);
        }
    }
    return ms;
}

/**
 * The live tokens (`id`, `scopes`) on a connection that a token request without a clear answer,
 * kept in the state `entries` of that connection's tokens, may have created: not listed before it,
 * with exactly its scopes; at most one per request, as a request creates at most one token. Such a
 * token is accounted for: the run that settles the request revokes it.
 */
export function heldByPendingRequests(
    entries: readonly StateEntry[],
    live: ReadonlyArray<{ readonly id: string; readonly scopes: readonly string[] }>,
    held: ReadonlySet<string>,
): Set<string> {
    const key = (scopes: readonly string[]) => [...scopes].sort().join(" ");
    const taken = new Set<string>();
    for (const e of entries) {
        const request = requestOf(e);
        const scopes: unknown = e.outs.scopes;
        if (request === undefined || !Array.isArray(scopes)) continue;
        const baseline: unknown = Reflect.get(request.raw, "baseline");
        const before = new Set(Array.isArray(baseline) ? baseline.map(String) : []);
        const match = live.find(
            (t) => !held.has(t.id) && !taken.has(t.id) && !before.has(t.id) && key(t.scopes) === key(scopes.map(String)),
        );
        if (match !== undefined) taken.add(match.id);
    }
    return taken;
}
