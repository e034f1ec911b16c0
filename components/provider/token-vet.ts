/**
 * A change the two-token limit cannot carry in one run is refused whole, before any token is issued
 * or revoked: at preview (by the check that completes a connection's round of checks), and in an
 * `up` without a preview, where the engine starts a token's create, or the delete of a token it
 * replaces, as soon as that token is checked: every token write on the connection first waits for
 * the round's verdict (`awaitVerdict`).
 */
import { type Auth0Api, getApi } from "../../management-api/client";
import { unlessGone } from "../../management-api/errors";
import { liveScimTokens } from "./live-reads";
import { MAX_ACTIVE_SCIM_TOKENS, type ScimTokenInputs } from "./schemas";
import { isActive } from "./token-facts";
import { DECLARED_READS_QUIET_MS } from "./token-settle";
import { checkRounds, issuedOn, lastActivity, nextChange, noteDeclared, setVerdict, verdictOn } from "./token-run";

/**
 * Notes a token this run's diff replaces (its `key`): the engine checks a replacement a second
 * time, with no old inputs, right after that diff, and that check is no new token.
 */
export function noteRecheck(api: Auth0Api, connectionId: string, key: string): void {
    const { rechecks } = checkRounds(api);
    rechecks.set(connectionId, [...(rechecks.get(connectionId) ?? []), key]);
}

/**
 * Counts one declared token's check on the connection; once all `declared` were checked (the
 * engine checks each once per run), returns how many are new to the state and sets the round's
 * verdict to deciding; the next counted check starts a new round (a provider process may serve more
 * than one run). A check with no old inputs that a replacement's diff announced (`noteRecheck`)
 * takes that announcement and is not counted: tokens with equal inputs are interchangeable.
 */
export function countCheck(
    api: Auth0Api,
    connectionId: string,
    isNew: boolean,
    declared: number,
    key: string,
): { readonly added: number } | undefined {
    const { rounds, rechecks, verdicts } = checkRounds(api);
    const due = rechecks.get(connectionId) ?? [];
    const announced = isNew ? due.indexOf(key) : -1;
    if (announced >= 0) {
        rechecks.set(
            connectionId,
            due.filter((_, i) => i !== announced),
        );
        return undefined;
    }
    let round = rounds.get(connectionId);
    if (round === undefined) {
        // A new run: what an earlier run's diffs announced is no longer due.
        rechecks.delete(connectionId);
        verdicts.set(connectionId, "open");
        round = { checked: 0, added: 0 };
        rounds.set(connectionId, round);
    }
    round.checked += 1;
    if (isNew) round.added += 1;
    if (round.checked < declared) return undefined;
    rounds.delete(connectionId);
    setVerdict(api, connectionId, round.added === 0 ? "ok" : "deciding");
    return { added: round.added };
}

/** What tells one declared token's checked inputs from another's, whatever order the engine sends their fields in. */
export function tokenKey(inputs: ScimTokenInputs): string {
    return JSON.stringify([inputs.connectionId, inputs.scopes, inputs.tokenLifetime ?? null, inputs.rotateBeforeExpiry ?? null]);
}

/**
 * A declared token whose check failed (its error says why): the run fails, and no token write on
 * the connection may go ahead meanwhile (a replaced token revoked with no replacement to follow).
 */
export function tokenCheckFailed(news: Readonly<Record<string, unknown>>): void {
    const connectionId = news.connectionId;
    if (typeof connectionId !== "string") return;
    let api: Auth0Api;
    try {
        api = getApi();
    } catch {
        // No credentials: no client, so no write in this run either; the check's own failures stand.
        return;
    }
    setVerdict(
        api,
        connectionId,
        new Error(
            `a SCIM token declared on connection "${connectionId}" failed its check (its own error says why): nothing is written to the connection's tokens in this run`,
        ),
    );
}

/**
 * Refuses, at preview, a change that declares more new tokens on a connection than it has free
 * slots: the engine issues every new token before it revokes any token removed from the config
 * (deletes run last), so such a run would issue some, then stop at Auth0's limit with the removed
 * token never revoked, and so would every later run. Decided once every declared token was checked.
 */
export async function vetNewTokens(olds: Partial<ScimTokenInputs>, news: ScimTokenInputs): Promise<void> {
    const api = getApi();
    noteDeclared(api, news.connectionId, news.tokensOnConnection ?? 1);
    const round = countCheck(api, news.connectionId, Object.keys(olds).length === 0, news.tokensOnConnection ?? 1, tokenKey(news));
    if (round === undefined || round.added === 0) return;
    let refusal: Error | undefined;
    try {
        refusal = await refusalOf(api, news.connectionId, round.added);
    } catch (err) {
        // No verdict without the live tokens: the writes waiting for one do not guess.
        refusal = err instanceof Error ? err : new Error(String(err));
    }
    setVerdict(api, news.connectionId, refusal ?? "ok");
    if (refusal !== undefined) throw refusal;
}

/** Why `added` new tokens do not fit on the connection in one run, or undefined when they do. */
async function refusalOf(api: Auth0Api, connectionId: string, added: number): Promise<Error | undefined> {
    // No SCIM configuration yet: no token either. Tokens this run issued are counted as new already.
    const live = (await unlessGone(liveScimTokens(api, connectionId))) ?? [];
    const issued = issuedOn(api, connectionId);
    const active = live.filter((t) => isActive(t, Date.now()) && !issued.has(t.token_id));
    if (active.length + added <= MAX_ACTIVE_SCIM_TOKENS) return undefined;
    return new Error(
        `connection "${connectionId}" cannot take this change in one run: it declares ${added} new SCIM token(s) ` +
            `while the connection holds ${active.length} active (${active.map((t) => t.token_id).join(", ")}), and Auth0 allows ` +
            `${MAX_ACTIVE_SCIM_TOKENS}. A token removed from the config is revoked only at the end of a run, after every new one ` +
            "is issued, so this run would stop half-way. Do it in two runs: first remove the tokens you no longer use (a renamed " +
            "token counts as removed and added), then add the new ones.",
    );
}

/**
 * Waits, before a token write on the connection (a create, a revocation, a settle), for the verdict
 * of this run's checks there, and throws the refusal when they refused the change. A round some
 * declared token never joins (`--target` left it out) is waited for until the run has gone quiet;
 * a verdict being read (the last check's listing) however long that takes. No round at all (a
 * destroy checks nothing): no wait.
 */
export async function awaitVerdict(api: Auth0Api, connectionId: string): Promise<void> {
    for (;;) {
        const verdict = verdictOn(api, connectionId);
        if (verdict instanceof Error) throw verdict;
        if (verdict === undefined || verdict === "ok") return;
        if (verdict === "deciding") await nextChange(api, 60_000);
        else {
            const quietAt = lastActivity(api) + DECLARED_READS_QUIET_MS;
            if (Date.now() >= quietAt) return;
            await nextChange(api, quietAt - Date.now());
        }
    }
}

/** Throws the refusal when this run's checks refused the change on the connection (right before a POST). */
export function unlessRefused(api: Auth0Api, connectionId: string): void {
    const verdict = verdictOn(api, connectionId);
    if (verdict instanceof Error) throw verdict;
}
