/**
 * Issuing one SCIM token: a POST, re-sent after Auth0's own 429 (it carries the x-ratelimit-*
 * headers, and Auth0 answers it before doing any work) once the pacer lets it, and after a
 * gateway's 429 (without them) only once a listing showed what the answered POST issued anyway.
 * What an ambiguous POST may still create is never guessed in this run: it is recorded
 * (`unanswered` when the create fails, `earlierAttempts` when a later POST succeeded) so that the
 * next run settles it from facts.
 */
import type { Auth0Api } from "../../management-api/client";
import { isAuth0ApiError, isAuth0RateLimit, mayHaveBeenProcessed } from "../../management-api/errors";
import type { ScimTokenCreated, ScimTokenInfo } from "../../management-api/types";
import { MAX_ACTIVE_SCIM_TOKENS, type ScimTokenInputs } from "./schemas";
import type { CreateProgress } from "./skeleton";
import {
    blockedUntil,
    isActive,
    lateLandingMs,
    lateTokenCandidates,
    sameScopes,
    type ScimTokenOutputs,
    type UnansweredRequest,
} from "./token-facts";
import { pendingRequestMessage, tooManyActiveMessage } from "./token-messages";
import { block, blockedBy, held, unansweredOn } from "./token-run";

/** How long to look for a token that an unanswered POST may still create. */
const STRAY_SEARCH_MS = 3000;

/** Token POSTs sent in one create when each is answered 429, every repeat after a listing. */
const RATE_LIMITED_POSTS = 3;

/** A token issued, and the POSTs before it answered 429 whose token had not shown up when it was. */
export interface Issued {
    readonly token: ScimTokenCreated;
    /** Absent when no earlier POST of the create is still unaccounted for. */
    readonly earlierAttempts?: UnansweredRequest;
}

/**
 * A token POST answered without a clear outcome: no answer, a 5xx, or a gateway's 429 (it may come
 * after the server issued the token). Auth0's own 429 is a clear "nothing done".
 */
function ambiguous(err: unknown): boolean {
    return mayHaveBeenProcessed(err) || (isAuth0ApiError(err) && err.status === 429 && !isAuth0RateLimit(err));
}

/**
 * After a POST that may have been processed (5xx, 429, no answer) the API may hold a token nobody knows
 * the value of. Token creation on one connection runs one at a time in this process, so a token
 * with our scopes that is not in `baseline` (the list read right before the POST) is ours: revoke
 * it, so a failed create leaves the tenant as it was and the next run starts clean.
 */
async function revokeStrays(
    api: Auth0Api,
    connectionId: string,
    baseline: readonly ScimTokenInfo[],
    scopes: readonly string[],
    searchMs = STRAY_SEARCH_MS,
): Promise<string[]> {
    const known = new Set(baseline.map((t) => t.token_id));
    const revoked: string[] = [];
    const deadline = Date.now() + searchMs;
    for (;;) {
        const strays = (await api.listScimTokens(connectionId)).filter((t) => !known.has(t.token_id) && sameScopes(t.scopes, scopes));
        for (const t of strays) {
            await api.deleteScimToken(connectionId, t.token_id);
            revoked.push(t.token_id);
        }
        if (revoked.length > 0 || Date.now() >= deadline) return revoked;
        await new Promise((r) => setTimeout(r, 500));
    }
}

/** The refusal when the connection already holds the most active tokens (see `tooManyActiveMessage`). */
function tooManyActive(api: Auth0Api, connectionId: string, active: readonly ScimTokenInfo[]): Error {
    const heldIds = held(api, connectionId);
    const late = unansweredOn(api, connectionId).flatMap(({ request, scopes }) => lateTokenCandidates(request, scopes, active, heldIds));
    return new Error(tooManyActiveMessage(connectionId, active, heldIds, new Set(late.map((t) => t.token_id))));
}

/**
 * The record of a create's POSTs answered 429 whose token did not show up before the next POST
 * (`outstanding`: when each went out, in ms after `askedAt`), or undefined when there are none. A
 * gateway may answer 429 and the server issue the token later: that token is held by nobody, so
 * the next run settles these POSTs as it settles an unanswered request, in a window as long as the
 * one an unanswered request gets.
 */
function earlierAttemptsOf(
    askedAt: number,
    outstanding: readonly number[],
    lastAnsweredAt: number,
    baseline: readonly ScimTokenInfo[],
): UnansweredRequest | undefined {
    const [first, ...later] = outstanding;
    if (first === undefined) return undefined;
    const from = askedAt + first;
    return {
        askedAt: new Date(from).toISOString(),
        until: new Date(Date.now() + lateLandingMs(from, lastAnsweredAt)).toISOString(),
        baseline: baseline.map((t) => t.token_id),
        ...(later.length > 0 ? { retriedAfterMs: later.map((after) => after - first) } : {}),
    };
}

/**
 * Issues the token; after an ambiguous failure, revokes what that POST created if it shows up in
 * the stray search, else records the request (through `progress`) so the next run settles it. A
 * success after 429 answers returns those POSTs too, unless each one's token was revoked already.
 */
export async function issue(api: Auth0Api, inputs: ScimTokenInputs, progress: CreateProgress<ScimTokenOutputs>): Promise<Issued> {
    // A sibling issued now would fall inside that request's window, where the settle looks for its token.
    const blocked = blockedBy(api, inputs.connectionId);
    if (blocked !== undefined) throw new Error(blocked);
    // The baseline is what tells our stray token from the identity provider's live ones: without it
    // nothing may be revoked, so a failed read fails the create before anything is written.
    const baseline = await api.listScimTokens(inputs.connectionId);
    const active = baseline.filter((t) => isActive(t, Date.now()));
    // The API's refusal of a third token is not a documented answer; say what is wrong before asking.
    if (active.length >= MAX_ACTIVE_SCIM_TOKENS) throw tooManyActive(api, inputs.connectionId, active);
    const askedAt = new Date().toISOString();
    // When each POST that may have created a token went out (ms after `askedAt`): every POST answered
    // without a clear outcome, the one that failed the create included; never one Auth0's limiter refused.
    const sent: number[] = [];
    // The POSTs answered 429 by a gateway (ms after `askedAt`) whose token has not shown up: each may still create one.
    const outstanding: number[] = [];
    let lastAnsweredAt = Date.parse(askedAt);
    try {
        for (let attempt = 1; ; attempt += 1) {
            const sentAfter = attempt === 1 ? 0 : Math.max(0, Date.now() - Date.parse(askedAt));
            try {
                const token = await api.createScimToken(inputs.connectionId, {
                    scopes: [...inputs.scopes],
                    ...(inputs.tokenLifetime !== undefined ? { token_lifetime: inputs.tokenLifetime } : {}),
                });
                const earlierAttempts = earlierAttemptsOf(Date.parse(askedAt), outstanding, lastAnsweredAt, baseline);
                // A create later in this run that reaches the limit names their token as theirs.
                if (earlierAttempts !== undefined)
                    unansweredOn(api, inputs.connectionId).push({ request: earlierAttempts, scopes: inputs.scopes });
                return { token, ...(earlierAttempts !== undefined ? { earlierAttempts } : {}) };
            } catch (err) {
                if (ambiguous(err)) sent.push(sentAfter);
                if (!(isAuth0ApiError(err) && err.status === 429) || attempt >= RATE_LIMITED_POSTS) throw err;
                // Refused before any work: nothing to look for, and the pacer holds the repeat until the bucket refills.
                if (isAuth0RateLimit(err)) continue;
                lastAnsweredAt = Date.now();
                outstanding.push(sentAfter);
                // A gateway may answer 429 after the server issued the token: list before asking again,
                // and revoke what that POST issued.
                const revoked = await revokeStrays(api, inputs.connectionId, baseline, inputs.scopes, 0);
                // Each token revoked was some earlier POST's: those POSTs are accounted for.
                outstanding.splice(0, revoked.length);
            }
        }
    } catch (err) {
        // Nothing to account for when no POST may still create a token: the last one's answer was clear,
        // and each gateway 429 before it had its token revoked (or none was sent).
        const [first, ...later] = sent;
        if (first === undefined || (!ambiguous(err) && outstanding.length === 0)) throw err;
        const from = Date.parse(askedAt) + first;
        const failedAt = Date.now();
        const message = err instanceof Error ? err.message : String(err);
        let revoked: string[] = [];
        let what: string;
        try {
            revoked = await revokeStrays(api, inputs.connectionId, baseline, inputs.scopes);
            what =
                revoked.length > 0
                    ? `the token it created anyway (${revoked.join(", ")}) was revoked`
                    : "no token it created has shown up yet";
        } catch (cleanup) {
            what = `looking for a token it may have created failed too (${cleanup instanceof Error ? cleanup.message : String(cleanup)})`;
        }
        if (revoked.length === 0) {
            // The request may still land: the engine keeps these facts, and the next run revokes the one
            // token they match (its value was shown only in the answer we lost, so it cannot be adopted).
            const request: UnansweredRequest = {
                askedAt: new Date(from).toISOString(),
                until: new Date(Date.now() + lateLandingMs(from, failedAt)).toISOString(),
                baseline: baseline.map((t) => t.token_id),
                ...(later.length > 0 ? { retriedAfterMs: later.map((after) => after - first) } : {}),
            };
            block(api, inputs.connectionId, blockedUntil(request), pendingRequestMessage(inputs.connectionId, request));
            unansweredOn(api, inputs.connectionId).push({ request, scopes: inputs.scopes });
            progress.wrote(`unanswered-${from}`, { ...inputs, tokenId: "", token: "", createdAt: "", unanswered: request });
            what += `; the next run revokes a token this request creates late (it may land until ${request.until})`;
        }
        throw new Error(`${message}; ${what}. Run again to issue the token.`);
    }
}
