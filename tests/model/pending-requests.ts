/**
 * Token requests without a clear answer, kept in the engine state until a later run settles them:
 * which live tokens they account for, and time passing between two commands without waiting for
 * it. A run that starts while such a request's token may still land (before its `until`) waits
 * that out before it settles; a fault-free command of a sequence comes later, as a person's next
 * run would, so instead of waiting the harness moves what the engine and the API recorded into the
 * past: the request's times in the engine state, and every token's times in the emulator, by the
 * same amount (a token created inside the window stays inside it). Only between commands, with no
 * request in flight.
 */
import type { RunningEmulator } from "../../emulator";
import { CLOCK_SKEW_MS } from "../../components/provider/token-facts";
import type { Engine } from "./engine";

/** What a harness keeps of a resource: its outputs. */
export interface Stateful {
    readonly outs: Record<string, unknown>;
}

const earlier = (iso: string, ms: number): string => new Date(Date.parse(iso) - ms).toISOString();

/** The unanswered request a state entry carries, if it carries one with readable times. */
function requestOf(e: Stateful): { readonly raw: object; readonly askedAt: string; readonly until: string } | undefined {
    const raw: unknown = e.outs.unanswered;
    if (typeof raw !== "object" || raw === null) return undefined;
    const askedAt: unknown = Reflect.get(raw, "askedAt");
    const until: unknown = Reflect.get(raw, "until");
    if (typeof askedAt !== "string" || typeof until !== "string" || !Number.isFinite(Date.parse(until))) return undefined;
    return { raw, askedAt, until };
}

function shifted<T extends Stateful>(e: T, ms: number): T {
    const request = requestOf(e);
    if (request === undefined) return e;
    const u = { ...request.raw, askedAt: earlier(request.askedAt, ms), until: earlier(request.until, ms) };
    return { ...e, outs: { ...e.outs, unanswered: u } };
}

/** How far time must move for every request among `entries` to be settleable (0: none is still open). */
function shiftNeeded(entries: Iterable<Stateful>): number {
    let ms = 0;
    for (const e of entries) {
        const r = requestOf(e);
        if (r !== undefined) ms = Math.max(ms, Date.parse(r.until) + CLOCK_SKEW_MS - Date.now() + 1000);
    }
    return ms;
}

function shiftTokens(emu: RunningEmulator, ms: number): void {
    for (const tokens of Object.values(emu.state.scimTokens)) {
        for (const t of tokens) {
            t.created_at = earlier(t.created_at, ms);
            if (t.valid_until !== undefined) t.valid_until = earlier(t.valid_until, ms);
            if (t.last_used_at !== undefined) t.last_used_at = earlier(t.last_used_at, ms);
        }
    }
}

/**
 * Lets every open token request window in a harness's `state` (resource name to what it keeps)
 * pass: returns how far time moved (0 when no request is still inside its window).
 */
export function letTokenWindowsPassIn<T extends Stateful>(state: Map<string, T>, emu: RunningEmulator): number {
    const ms = shiftNeeded(state.values());
    if (ms === 0) return 0;
    for (const [name, e] of state) state.set(name, shifted(e, ms));
    shiftTokens(emu, ms);
    return ms;
}

/**
 * The soonest time, by our clock, until which a token request kept in the model engine's state may
 * still land (its `until`), or undefined when none is kept.
 */
export function soonestLanding(engine: Engine): number | undefined {
    const untils = [...engine.state.values(), ...engine.pendingDeletes].flatMap((e) => {
        const r = requestOf(e);
        return r === undefined ? [] : [Date.parse(r.until)];
    });
    return untils.length === 0 ? undefined : Math.min(...untils);
}

/** `letTokenWindowsPassIn` for the model's engine: its state and the deletes it still owes. */
export function letTokenWindowsPass(engine: Engine, emu: RunningEmulator): number {
    const ms = shiftNeeded([...engine.state.values(), ...engine.pendingDeletes]);
    if (ms === 0) return 0;
    for (const [name, e] of engine.state) engine.state.set(name, shifted(e, ms));
    engine.pendingDeletes.splice(0, engine.pendingDeletes.length, ...engine.pendingDeletes.map((e) => shifted(e, ms)));
    shiftTokens(emu, ms);
    return ms;
}

/**
 * The live tokens (`id`, `scopes`) on a connection that a token request without a clear answer,
 * kept in the state `entries` of that connection's tokens, may have created: not listed before it,
 * with exactly its scopes; at most one per request, as a request creates at most one token. Such a
 * token is accounted for: the run that settles the request revokes it.
 */
export function heldByPendingRequests(
    entries: readonly Stateful[],
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
