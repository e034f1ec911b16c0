/**
 * What one run (one provider process, one client) knows about the SCIM tokens of each connection,
 * beyond any single resource: the token ids its declared tokens hold, the ones it issued, the
 * unanswered token requests it recorded or read from state, and the tokens it declares that the
 * state does not hold yet. Kept per client, so a new client (a new run, a new test) starts empty.
 */
import { getApi, type Auth0Api } from "../../management-api/client";
import { unlessGone } from "../../management-api/errors";
import { liveScimTokens } from "./live-reads";
import { MAX_ACTIVE_SCIM_TOKENS, type ScimTokenInputs } from "./schemas";
import { isActive, type UnansweredRequest } from "./token-facts";

/** An unanswered request and the scopes it asked with. */
export interface Unanswered {
    readonly request: UnansweredRequest;
    readonly scopes: readonly string[];
}

interface RunFacts {
    readonly held: Map<string, Set<string>>;
    readonly unanswered: Map<string, Unanswered[]>;
    readonly blocked: Set<string>;
    readonly issued: Set<string>;
    readonly added: Map<string, ScimTokenInputs[]>;
}

const byClient = new WeakMap<Auth0Api, RunFacts>();

function facts(api: Auth0Api): RunFacts {
    let f = byClient.get(api);
    if (f === undefined) {
        f = { held: new Map(), unanswered: new Map(), blocked: new Set(), issued: new Set(), added: new Map() };
        byClient.set(api, f);
    }
    return f;
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

/** The unanswered requests on the connection this run recorded or read from state. */
export function unansweredOn(api: Auth0Api, connectionId: string): Unanswered[] {
    return entry(facts(api).unanswered, connectionId, (): Unanswered[] => []);
}

/** The token ids this run issued. */
export function issued(api: Auth0Api): Set<string> {
    return facts(api).issued;
}

/** Marks a connection where a token request of this run got no clear answer. */
export function block(api: Auth0Api, connectionId: string): void {
    facts(api).blocked.add(connectionId);
}

/** True when a token request of this run on the connection got no clear answer. */
export function isBlocked(api: Auth0Api, connectionId: string): boolean {
    return facts(api).blocked.has(connectionId);
}

/**
 * Refuses, at preview, a change that declares more new tokens than the connection has free slots
 * for: the engine issues every new token before it revokes any token removed from the config (deletes
 * run last), so such a run would issue some, then stop at Auth0's limit with the old token never
 * revoked, and every later run would stop there too. Tokens this run issued are not counted twice.
 */
export async function vetNewToken(olds: Partial<ScimTokenInputs>, news: ScimTokenInputs): Promise<void> {
    if (Object.keys(olds).length > 0) return; // In the state already: its replacement orders itself (mustRevokeFirst).
    const api = getApi();
    const added = entry(facts(api).added, news.connectionId, (): ScimTokenInputs[] => []);
    added.push(news);
    // No SCIM configuration yet: no token either.
    const live = (await unlessGone(liveScimTokens(api, news.connectionId))) ?? [];
    const active = live.filter((t) => isActive(t, Date.now()) && !issued(api).has(t.token_id));
    if (active.length + added.length <= MAX_ACTIVE_SCIM_TOKENS) return;
    throw new Error(
        `this change issues ${added.length} new SCIM token(s) on connection ${news.connectionId} ` +
            `(scopes ${added.map((t) => t.scopes.join(",")).join("; ")}) while it holds ${active.length} active ` +
            `(${active.map((t) => t.token_id).join(", ")}), and Auth0 allows ${MAX_ACTIVE_SCIM_TOKENS}. A token removed from the config ` +
            "is revoked only at the end of a run, after every new one is issued, so this run would stop half-way. Do it in two runs: " +
            "first remove the tokens you no longer use (a renamed token counts as removed and added), then add the new ones.",
    );
}
