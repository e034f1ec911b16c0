/**
 * What one run (one provider process, one client) knows about the SCIM tokens of each connection,
 * beyond any single resource: the token ids its declared tokens hold, the unanswered token requests
 * it recorded or read from state, and the connections where one of its own token requests got no
 * clear answer. Kept per client, so a new client (a new run, a new test) starts empty.
 */
import type { Auth0Api } from "../../management-api/client";
import type { UnansweredRequest } from "./token-facts";

/** An unanswered request and the scopes it asked with. */
export interface Unanswered {
    readonly request: UnansweredRequest;
    readonly scopes: readonly string[];
}

interface RunFacts {
    readonly held: Map<string, Set<string>>;
    readonly unanswered: Map<string, Unanswered[]>;
    readonly blocked: Set<string>;
}

const byClient = new WeakMap<Auth0Api, RunFacts>();

function facts(api: Auth0Api): RunFacts {
    let f = byClient.get(api);
    if (f === undefined) {
        f = { held: new Map(), unanswered: new Map(), blocked: new Set() };
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

/** Marks a connection where a token request of this run got no clear answer. */
export function block(api: Auth0Api, connectionId: string): void {
    facts(api).blocked.add(connectionId);
}

/** True when a token request of this run on the connection got no clear answer. */
export function isBlocked(api: Auth0Api, connectionId: string): boolean {
    return facts(api).blocked.has(connectionId);
}
