/**
 * What one run (one provider process, one client) knows about the SCIM tokens of each connection,
 * beyond any single resource: the token ids its declared tokens hold, the unanswered token requests
 * it recorded or read from state, the connections where one of its own token requests got no clear
 * answer, and the checks of its declared tokens (to refuse a change the two-token limit cannot
 * carry). Kept per client, so a new client (a new run, a new test) starts empty.
 */
import type { Auth0Api } from "../../management-api/client";
import type { PendingRequest, UnansweredRequest } from "./token-facts";

/** An unanswered request and the scopes it asked with. */
export interface Unanswered {
    readonly request: UnansweredRequest;
    readonly scopes: readonly string[];
}

interface RunFacts {
    readonly held: Map<string, Set<string>>;
    readonly unanswered: Map<string, Unanswered[]>;
    readonly blocked: Map<string, { readonly until: number; readonly why: string }>;
    readonly rounds: Map<string, Round>;
    /** Per connection, the verdict of the current (or last) round of checks on the change. */
    readonly verdicts: Map<string, Verdict>;
    /** Per connection, the inputs of tokens checked against old inputs in this round and the one before. */
    readonly rechecks: Map<string, string[]>;
    /**
     * Per connection, the tokens this process issued. Not per round: the engine checks and creates a
     * level's tokens concurrently, so a token can be issued after the round that counted it closed.
     */
    readonly issued: Map<string, Set<string>>;
    /** Per connection, the declared tokens with state this run read (diff or read): token ids, or an unanswered request's key. */
    readonly reads: Map<string, Set<string>>;
    /** Per connection, how many tokens the config declares there, as this run's checks and diffs said. */
    readonly declared: Map<string, number>;
    /** Per connection, how many token creates this run started. */
    readonly creates: Map<string, number>;
    /**
     * Per connection, the tokens read from state that this run's diffs replace (their creates are no
     * new tokens); a set, as a process serving a preview and then the \`up\` diffs each twice.
     */
    readonly replacing: Map<string, Set<string>>;
    /** Per connection, the unanswered requests read from state, by key, and what settling each came to. */
    readonly settles: Map<string, Map<string, Settle>>;
    /** Per connection, the settle in progress. */
    readonly settling: Map<string, Promise<void>>;
    /** Per connection, requests a delete forgot in this run (their resource went away): a settle still counts their POSTs. */
    readonly forgotten: Map<string, PendingRequest[]>;
    /** Resolved (and replaced) whenever one of the facts above changes: waiters look again. */
    changed: { readonly promise: Promise<void>; readonly resolve: () => void };
    /** When a token was last checked, diffed or read in this run. */
    lastActivity: number;
}

/** An unanswered request read from state, and what settling it came to (undefined: not yet). */
export interface Settle {
    readonly pending: PendingRequest;
    outcome?: "settled" | Error;
}

/**
 * Whether the change the config makes to a connection's tokens fits in one run: `open` while not
 * every declared token was checked, `deciding` while the last check reads the live tokens, then
 * `ok` or the refusal.
 */
export type Verdict = "open" | "deciding" | "ok" | Error;

/** The checks of one run's declared tokens on a connection: each is checked once per run. */
export interface Round {
    checked: number;
    added: number;
}

// On globalThis, as the other process state: a provider serialized whole (earlier versions' state)
// copies module values, and a copied WeakMap fails every call.
const KEY = "__auth0ConnectionSyncTokenRuns";

function byClient(): WeakMap<Auth0Api, RunFacts> {
    const holder = globalThis as typeof globalThis & { [KEY]?: WeakMap<Auth0Api, RunFacts> };
    holder[KEY] ??= new WeakMap();
    return holder[KEY];
}

function facts(api: Auth0Api): RunFacts {
    let f = byClient().get(api);
    if (f === undefined) {
        f = {
            held: new Map(),
            unanswered: new Map(),
            blocked: new Map(),
            rounds: new Map(),
            verdicts: new Map(),
            rechecks: new Map(),
            issued: new Map(),
            reads: new Map(),
            declared: new Map(),
            creates: new Map(),
            replacing: new Map(),
            settles: new Map(),
            settling: new Map(),
            forgotten: new Map(),
            changed: signal(),
            lastActivity: Date.now(),
        };
        byClient().set(api, f);
    }
    return f;
}

function signal(): RunFacts["changed"] {
    let resolve = () => {};
    const promise = new Promise<void>((r) => {
        resolve = r;
    });
    return { promise, resolve };
}

/**
 * Wakes every waiter: a fact changed (a token read, a check round done, a settle done). Only a
 * token checked, diffed, read or created (`activity`) restarts the quiet period the waits count
 * from: a settle ending must not push back the other connections' waits.
 */
export function notifyChange(api: Auth0Api, activity = true): void {
    const f = facts(api);
    if (activity) f.lastActivity = Date.now();
    const { resolve } = f.changed;
    f.changed = signal();
    resolve();
}

/** Resolves at the next change, or after `ms`, whichever comes first. */
export async function nextChange(api: Auth0Api, ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((r) => {
        timer = setTimeout(r, Math.max(0, ms));
    });
    try {
        await Promise.race([facts(api).changed.promise, timeout]);
    } finally {
        clearTimeout(timer);
    }
}

/** When a token was last checked, diffed or read in this run (or the run began). */
export function lastActivity(api: Auth0Api): number {
    return facts(api).lastActivity;
}

/** A key for an unanswered request, the same whichever copy of the state it was read from. */
export function requestKey(request: UnansweredRequest): string {
    return `unanswered@${request.askedAt}|${request.until}`;
}

/**
 * Notes a declared token this run read from state on the connection (by token id, or by its
 * unanswered request's key), and how many tokens the config declares there.
 */
export function noteRead(api: Auth0Api, connectionId: string, key: string, declared: number | undefined): void {
    entry(facts(api).reads, connectionId, () => new Set<string>()).add(key);
    noteDeclared(api, connectionId, declared);
}

/** Notes how many tokens the config declares on the connection, as a check or diff said. */
export function noteDeclared(api: Auth0Api, connectionId: string, declared: number | undefined): void {
    const { declared: counts } = facts(api);
    if (declared !== undefined) counts.set(connectionId, Math.max(declared, counts.get(connectionId) ?? 0));
    notifyChange(api);
}

/** Counts a token create started on the connection. */
export function noteCreate(api: Auth0Api, connectionId: string): void {
    const { creates } = facts(api);
    creates.set(connectionId, (creates.get(connectionId) ?? 0) + 1);
    notifyChange(api);
}

/** Notes a token read from state that this run's diff replaces: its create is no new token. */
export function noteReplacing(api: Auth0Api, connectionId: string, tokenId: string): void {
    entry(facts(api).replacing, connectionId, () => new Set<string>()).add(tokenId);
    notifyChange(api);
}

/**
 * What this run knows of the tokens declared on the connection: how many (undefined when no token
 * there was checked or diffed, as in a destroy), which it read from state, and how many new ones it
 * has started creating (creates started beyond the replacements of tokens read; at least that many).
 */
export function declaredOn(
    api: Auth0Api,
    connectionId: string,
): { readonly declared?: number; readonly read: ReadonlySet<string>; readonly creating: number } {
    const f = facts(api);
    const creates = f.creates.get(connectionId) ?? 0;
    return {
        declared: f.declared.get(connectionId),
        read: entry(f.reads, connectionId, () => new Set<string>()),
        creating: Math.max(0, creates - (f.replacing.get(connectionId)?.size ?? 0)),
    };
}

/** The unanswered requests on the connection read from state in this run, by key, with what settling each came to. */
export function settlesOn(api: Auth0Api, connectionId: string): Map<string, Settle> {
    return entry(facts(api).settles, connectionId, () => new Map<string, Settle>());
}

/** Per connection, the settle in progress in this run. */
export function settlingNow(api: Auth0Api): Map<string, Promise<void>> {
    return facts(api).settling;
}

/**
 * Forgets what this client's run knew: a new run starts. Each Pulumi command runs the providers in
 * a new process, so this only matters to a harness that keeps its clients across commands.
 */
export function newRun(api: Auth0Api): void {
    byClient().delete(api);
}

function entry<T>(map: Map<string, T>, key: string, empty: () => T): T {
    const found = map.get(key);
    if (found !== undefined) return found;
    const made = empty();
    map.set(key, made);
    return made;
}

/** The token ids the connection's declared tokens hold, as this run read them. */
export function held(api: Auth0Api, connectionId: string): Set<string> {
    return entry(facts(api).held, connectionId, () => new Set<string>());
}

/** Requests a delete forgot on the connection in this run (see token-settle.ts `forget`). */
export function forgottenOn(api: Auth0Api, connectionId: string): PendingRequest[] {
    return entry(facts(api).forgotten, connectionId, (): PendingRequest[] => []);
}

/** The unanswered requests on the connection this run recorded or read from state. */
export function unansweredOn(api: Auth0Api, connectionId: string): Unanswered[] {
    return entry(facts(api).unanswered, connectionId, (): Unanswered[] => []);
}

/**
 * Marks a connection where a token request got no clear answer: no other token is issued on it
 * until `until` (when that request can be settled) or until a run settles it (`unblock`), for a
 * process that serves more than one run. `why` is the refusal, naming the request.
 */
export function block(api: Auth0Api, connectionId: string, until: number, why: string): void {
    facts(api).blocked.set(connectionId, { until, why });
}

/** Lifts the block: a new run is settling the unanswered request. */
export function unblock(api: Auth0Api, connectionId: string): void {
    facts(api).blocked.delete(connectionId);
}

/** Why no token may be issued on the connection now (an unanswered request not yet settled), or undefined. */
export function blockedBy(api: Auth0Api, connectionId: string): string | undefined {
    const found = facts(api).blocked.get(connectionId);
    return found !== undefined && found.until >= Date.now() ? found.why : undefined;
}

/** Notes a token this process issued on the connection: a round's count of new tokens already has it. */
export function noteIssued(api: Auth0Api, connectionId: string, tokenId: string): void {
    entry(facts(api).issued, connectionId, () => new Set<string>()).add(tokenId);
}

/** The per-run state of the checks of each connection's declared tokens, by connection (token-vet.ts counts them). */
export interface CheckRounds {
    readonly rounds: Map<string, Round>;
    readonly rechecks: Map<string, string[]>;
    readonly verdicts: Map<string, Verdict>;
}

/** This run's check rounds. */
export function checkRounds(api: Auth0Api): CheckRounds {
    return facts(api);
}

/** The tokens this process issued on the connection. */
export function issuedOn(api: Auth0Api, connectionId: string): ReadonlySet<string> {
    return entry(facts(api).issued, connectionId, () => new Set<string>());
}

/** Records the verdict of the connection's round of checks (token writes on it wait for one, see token-vet.ts). */
export function setVerdict(api: Auth0Api, connectionId: string, verdict: Verdict): void {
    facts(api).verdicts.set(connectionId, verdict);
    notifyChange(api, false);
}

/** The verdict of the connection's round of checks in this run; undefined when no token there was checked (a destroy). */
export function verdictOn(api: Auth0Api, connectionId: string): Verdict | undefined {
    return facts(api).verdicts.get(connectionId);
}
