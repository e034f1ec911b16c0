/**
 * Settling, in a later run, the token requests an earlier run sent without a clear answer (kept in
 * the state as `unanswered`): all of a connection's requests together, once every token declared
 * on it was read (so none is taken for a late token), once their tokens can no longer land; and
 * new tokens on that connection issued only after that, so none is taken for a late token either.
 */
import type { Auth0Api } from "../../management-api/client";
import { unlessGone } from "../../management-api/errors";
import { oneAtATime, providerState } from "./process";
import { ambiguousLateTokensMessage, forgottenRequestMessage, warn } from "./token-messages";
import { blockedUntil, landsBy, lateTokensOf, type PendingRequest, type UnansweredRequest } from "./token-facts";
import {
    block,
    declaredOn,
    forgottenOn,
    held,
    lastActivity,
    nextChange,
    notifyChange,
    requestKey,
    type Settle,
    settlesOn,
    settlingNow,
    unansweredOn,
    verdictOn,
} from "./token-run";

/**
 * How long a settle waits, after the last token was checked, diffed or read in this run, for the
 * declared tokens it has not seen read yet. The engine reads a connection's tokens one after the
 * other at the start of a run; a token it never reads (`--target` left it out) would wait for ever.
 */
export const DECLARED_READS_QUIET_MS = 5_000;

/**
 * Notes a request read from state (its resource's diff): creates on its connection wait for its
 * settle, and its settle counts it among the connection's requests.
 */
export function settleLater(api: Auth0Api, connectionId: string, pending: PendingRequest): void {
    const settles = settlesOn(api, connectionId);
    const key = requestKey(pending.request);
    if (settles.has(key)) return;
    settles.set(key, { pending });
    if (!unansweredOn(api, connectionId).some((u) => requestKey(u.request) === key)) unansweredOn(api, connectionId).push(pending);
    notifyChange(api);
}

/**
 * Why the settle cannot yet tell late tokens from declared ones, or undefined when it can: every
 * token declared on the connection must have been read from state (its token id is then held) or
 * be a new one whose create has started (it waits for the settle, or was issued and is held). A
 * run that read no token on the connection (a destroy, a delete of a removed token) knows nothing
 * to wait for.
 */
function unread(api: Auth0Api, connectionId: string): string | undefined {
    const { declared, read, creating } = declaredOn(api, connectionId);
    if (declared === undefined || read.size + creating >= declared) return undefined;
    const ids = [...read].map((k) => (k.startsWith("unanswered@") ? `the request sent at ${k.slice(11).split("|")[0]}` : k));
    return (
        `the config declares ${declared} SCIM token(s) on connection ${connectionId}, and this run read ${read.size} of them from ` +
        `the state (${ids.join(", ") || "none"}) and started creating ${creating} new one(s)`
    );
}

/**
 * Waits until every token declared on the connection was read, until the run has gone quiet, or
 * until the checks refused the change there (no token of it will be read or created); returns what
 * is still unread.
 */
async function declaredRead(api: Auth0Api, connectionId: string): Promise<string | undefined> {
    for (;;) {
        const missing = unread(api, connectionId);
        const quietAt = lastActivity(api) + DECLARED_READS_QUIET_MS;
        if (missing === undefined || Date.now() >= quietAt || verdictOn(api, connectionId) instanceof Error) return missing;
        await nextChange(api, quietAt - Date.now());
    }
}

/** Settles every request of the connection not settled yet, together; records the outcome on each. */
async function settleAll(api: Auth0Api, connectionId: string): Promise<void> {
    const open = (): Settle[] => [...settlesOn(api, connectionId).values()].filter((s) => s.outcome === undefined);
    let mine: Settle[] = open();
    try {
        const missing = await declaredRead(api, connectionId);
        mine = open();
        const requests = mine.map((s) => s.pending.request);
        if (missing !== undefined) {
            throw new Error(
                `the SCIM token request(s) on connection ${connectionId} sent at ${requests.map((r) => r.askedAt).join(", ")} got no ` +
                    `clear answer, and are settled only once every token declared on the connection was read in the same run, so that ` +
                    `no declared token is taken for a late one and revoked: ${missing}. Nothing was revoked. Run again without --target ` +
                    "(or target every token of the connection).",
            );
        }
        // Until every request's token can no longer land: one that lands later would be held by nobody.
        const wait = Math.max(0, ...requests.map((r) => landsBy(r, Date.now()))) - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        await oneAtATime(providerState().tokenCreations, `${api.host}|${connectionId}`, async () => {
            // A sibling's request its delete forgot in this run (see `forget`) still accounts for a token:
            // its resource is gone, so that token is ours and held by nobody. Such a delete may come a
            // moment after this one: once unaccounted, look again when the run has gone quiet.
            const forgotten = forgottenOn(api, connectionId);
            for (;;) {
                const counted = forgotten.length;
                const live = await api.listScimTokens(connectionId);
                const { tokens, accounted } = lateTokensOf([...mine.map((s) => s.pending), ...forgotten], live, held(api, connectionId));
                if (accounted) {
                    // A token only a forgotten request's window covers may still be a sibling's the
                    // config holds (why it was forgotten): it counts, but is not revoked here.
                    const own = new Set(
                        lateTokensOf(
                            mine.map((s) => s.pending),
                            live,
                            held(api, connectionId),
                        ).tokens.map((t) => t.token_id),
                    );
                    for (const t of tokens) if (own.has(t.token_id)) await unlessGone(api.deleteScimToken(connectionId, t.token_id));
                    return;
                }
                // Listed again only when a delete forgot another request meanwhile.
                for (let quietAt = lastActivity(api) + DECLARED_READS_QUIET_MS; forgotten.length === counted; ) {
                    if (Date.now() >= quietAt) throw new Error(ambiguousLateTokensMessage(connectionId, requests, tokens));
                    await nextChange(api, quietAt - Date.now());
                    quietAt = lastActivity(api) + DECLARED_READS_QUIET_MS;
                }
            }
        });
        for (const s of mine) s.outcome = "settled";
    } catch (err) {
        const failure = err instanceof Error ? err : new Error(String(err));
        for (const s of mine) s.outcome = failure;
        const until = Math.max(0, ...mine.map((s) => blockedUntil(s.pending.request)));
        block(api, connectionId, until, unsettledMessage(connectionId, mine, failure));
        throw failure;
    } finally {
        notifyChange(api, false);
    }
}

/** Why no token is issued on a connection whose unanswered requests this run failed to settle. */
function unsettledMessage(connectionId: string, settles: readonly Settle[], failure: Error): string {
    const at = settles.map((s) => s.pending.request.askedAt).join(", ");
    return (
        `connection "${connectionId}": the unanswered SCIM token request(s) sent at ${at} were not settled in this run (${failure.message}), ` +
        "so no other token is issued on the connection in this run: it could be taken for their late token. Run again."
    );
}

/**
 * In a run that checked and diffed no token on the connection (a `destroy`, or `--target` on tokens
 * removed from the config), how many of the other tokens declared with the request's token
 * (`tokensOnConnection` in its state) the run did not read, or undefined when it read them all,
 * when there are none, or when the run's diffs tell the settle what to wait for (see `unread`).
 */
function siblingsUnseen(api: Auth0Api, connectionId: string, request: UnansweredRequest, tokensOnConnection: number): number | undefined {
    const { declared, read } = declaredOn(api, connectionId);
    if (declared !== undefined) return undefined;
    const key = requestKey(request);
    const missing = tokensOnConnection - 1 - [...read].filter((k) => k !== key).length;
    return missing > 0 ? missing : undefined;
}

/**
 * Forgets a request whose resource goes away in a run that did not read the other declared tokens
 * (`unseen` of them): a token in its window may be one of theirs, still in the config, so none is
 * revoked; once its token can no longer land, each unknown token with its scopes in its window is
 * named in a warning, with how to revoke it. The run goes on: a destroy must finish.
 */
async function forget(api: Auth0Api, connectionId: string, pending: PendingRequest, unseen: number): Promise<void> {
    forgottenOn(api, connectionId).push(pending);
    notifyChange(api, false);
    const wait = landsBy(pending.request, Date.now()) - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    // No SCIM configuration any more: no token either.
    const live = (await unlessGone(api.listScimTokens(connectionId))) ?? [];
    const { tokens } = lateTokensOf([pending], live, held(api, connectionId));
    if (tokens.length > 0) warn(forgottenRequestMessage(connectionId, pending.request, unseen, tokens));
}

/**
 * Settles the request (its resource's delete or update; a failure keeps it in state), with every
 * other request of the connection read from state in this run: at most one settle runs per
 * connection, and a request a settle already covered is done. `tokensOnConnection` is what the
 * request's state says was declared with it: in a run that read none of those others, the request
 * is forgotten instead (see `forget`), and a lone token's late token is still revoked.
 */
export async function settleRequest(api: Auth0Api, connectionId: string, pending: PendingRequest, tokensOnConnection = 1): Promise<void> {
    const unseen = siblingsUnseen(api, connectionId, pending.request, tokensOnConnection);
    if (unseen !== undefined) return forget(api, connectionId, pending, unseen);
    settleLater(api, connectionId, pending);
    const mine = settlesOn(api, connectionId).get(requestKey(pending.request));
    for (;;) {
        if (mine?.outcome === "settled") return;
        if (mine?.outcome instanceof Error) throw mine.outcome;
        await settleOnce(api, connectionId);
    }
}

/** Waits for the connection's settle running now, or runs one: at most one at a time per connection. */
async function settleOnce(api: Auth0Api, connectionId: string): Promise<void> {
    const running = settlingNow(api).get(connectionId);
    if (running !== undefined) {
        await running.catch(() => undefined);
        return;
    }
    const run = settleAll(api, connectionId);
    settlingNow(api).set(connectionId, run);
    await run.catch(() => undefined);
    if (settlingNow(api).get(connectionId) === run) settlingNow(api).delete(connectionId);
}

/**
 * Holds a token create on the connection until every token declared there was read (or the run
 * went quiet), then until every unanswered request read from state there was settled (or failed
 * to, which blocks the connection), and at most until no token issued now could be taken for
 * theirs (`blockedUntil`): a token issued earlier would fall inside their windows, and the stray
 * search of a create whose own POST goes unanswered could take their token for its own.
 */
export async function afterSettles(api: Auth0Api, connectionId: string): Promise<void> {
    // First every sibling with state is read: one whose request is unanswered may be diffed after this create started.
    await declaredRead(api, connectionId);
    // Then the settle itself, run here when no delete has started it yet: a create must not sit idle
    // until blockedUntil waiting for a delete that runs after it (or never, under --target).
    for (;;) {
        const open = [...settlesOn(api, connectionId).values()].filter((s) => s.outcome === undefined);
        const until = Math.max(0, ...open.map((s) => blockedUntil(s.pending.request)));
        if (open.length === 0 || Date.now() >= until) return;
        await settleOnce(api, connectionId);
    }
}
