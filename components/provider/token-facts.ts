/**
 * What the API says about a SCIM token, checked before anything is decided from it. A token the
 * API lists is one it holds: an expiry we cannot read (`null`, `""`, not a date) is unknown, never
 * "expired", so it is not replaced on every run; and a server that grants a shorter lifetime than
 * asked (a tenant policy, a gateway, a skewed clock) must not make every run rotate the token the
 * identity provider holds.
 */

import { MAX_ACTIVE_SCIM_TOKENS } from "./schemas";

/** A token's expiry as listed: none, a time, or a value we cannot read. */
export type Expiry =
    | { readonly kind: "never" }
    | { readonly kind: "at"; readonly at: number }
    | { readonly kind: "unknown"; readonly raw: string };

/** The fields of a listed or issued token that its expiry is decided from; typed loosely, as the API may send anything. */
export interface TokenFacts {
    readonly created_at?: unknown;
    readonly valid_until?: unknown;
}

/** A time in an ISO 8601 date-time string, or undefined for anything else. */
function timeOf(value: unknown): number | undefined {
    if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}T/.test(value)) return undefined;
    const at = Date.parse(value);
    return Number.isFinite(at) ? at : undefined;
}

/** The token's expiry: absent is "never" (the API omits it for a token without a lifetime). */
export function expiryOf(token: TokenFacts): Expiry {
    if (token.valid_until === undefined) return { kind: "never" };
    const at = timeOf(token.valid_until);
    return at === undefined ? { kind: "unknown", raw: JSON.stringify(token.valid_until) } : { kind: "at", at };
}

/** True for a token the API still accepts: listed and not known to be past its expiry. */
export function isActive(token: TokenFacts, now: number): boolean {
    const expiry = expiryOf(token);
    return expiry.kind !== "at" || expiry.at > now;
}

/** The lifetime the server granted (from its own `created_at` to `valid_until`, so our clock does not matter), in ms. */
export function grantedLifetimeMs(token: TokenFacts): number | undefined {
    const expiry = expiryOf(token);
    const created = timeOf(token.created_at);
    return expiry.kind === "at" && created !== undefined ? expiry.at - created : undefined;
}

/**
 * Whether an active token within `windowMs` of its expiry is rotated. Only when the server granted
 * it more than the window: a server that grants no more would issue the replacement just as short,
 * and every run would rotate again, each time revoking the token the identity provider holds.
 * An expiry or a grant we cannot read is kept: the token works, and guessing would rotate.
 */
export function rotationDue(token: TokenFacts, windowMs: number, now: number): boolean {
    const expiry = expiryOf(token);
    if (expiry.kind !== "at" || expiry.at - now >= windowMs) return false;
    const granted = grantedLifetimeMs(token);
    return granted !== undefined && granted > windowMs;
}

/**
 * A warning when the server issued `token` shorter than `askedSeconds` and so short that it is
 * within the rotation window `rotateBeforeExpiry` (`windowMs`) at once: it names the cap, and says
 * the token will be kept until it expires instead.
 */
export function cappedLifetimeWarning(
    token: TokenFacts & { readonly token_id: string },
    askedSeconds: number | undefined,
    rotateBeforeExpiry: string | undefined,
    windowMs: number,
): string | undefined {
    const granted = grantedLifetimeMs(token);
    if (askedSeconds === undefined || rotateBeforeExpiry === undefined || granted === undefined || granted > windowMs) return undefined;
    const cap = Math.floor(granted / 1000);
    return (
        `SCIM token ${token.token_id} was issued for ${cap} s instead of the ${askedSeconds} s asked (tokenLifetime): the tenant ` +
        `or a gateway caps token lifetimes at ${cap} s, within rotateBeforeExpiry (${rotateBeforeExpiry}), so the token is ` +
        `kept until it expires instead of being rotated on every run. Set rotateBeforeExpiry below ${cap} s and tokenLifetime to at most ${cap} s.`
    );
}

/** True when two scope lists hold the same scopes, in any order. */
export function sameScopes(a: readonly string[], b: readonly string[]): boolean {
    return a.length === b.length && [...a].sort().join(" ") === [...b].sort().join(" ");
}

/**
 * What a token POST that got no clear answer leaves in the resource's state, so that the next run
 * can settle it from facts instead of a guess: when we asked, the latest creation time still
 * counted as that request's, and the tokens listed right before it (never ours).
 */
export interface UnansweredRequest {
    readonly askedAt: string;
    readonly until: string;
    readonly baseline: readonly string[];
}

/** How far the server's clock may be from ours when a token's `created_at` is compared with our times. */
export const CLOCK_SKEW_MS = 60_000;

/**
 * The listed tokens that the unanswered request may have created: created inside its window, with
 * exactly the scopes asked, neither listed before it nor held by a token this run knows is declared.
 * A token whose `created_at` we cannot read is never one: we revoke only on facts.
 */
export function lateTokenCandidates<T extends TokenFacts & { readonly token_id: string; readonly scopes: readonly string[] }>(
    request: UnansweredRequest,
    scopes: readonly string[],
    live: readonly T[],
    held: ReadonlySet<string>,
): T[] {
    const from = Date.parse(request.askedAt) - CLOCK_SKEW_MS;
    const to = Date.parse(request.until) + CLOCK_SKEW_MS;
    const before = new Set(request.baseline);
    return live.filter((t) => {
        const created = timeOf(t.created_at);
        return (
            created !== undefined &&
            created >= from &&
            created <= to &&
            sameScopes(t.scopes, scopes) &&
            !before.has(t.token_id) &&
            !held.has(t.token_id)
        );
    });
}

/** The shortest and the longest time after its stray search that an unanswered request may still land. */
export const LATE_LANDING_MIN_MS = 1_000;
export const LATE_LANDING_MAX_MS = 60_000;

/**
 * How long after its stray search an unanswered request may still land: as long again as it went
 * unanswered (the client's timeout and retries), between LATE_LANDING_MIN_MS and LATE_LANDING_MAX_MS.
 * A request the server has not carried out by then is taken as never to be carried out.
 */
export function lateLandingMs(askedAt: number, failedAt: number): number {
    return Math.min(LATE_LANDING_MAX_MS, Math.max(LATE_LANDING_MIN_MS, failedAt - askedAt));
}

/**
 * Until when, by our clock, the request's token may still land (`until`); a run that settles the
 * request waits until then, so it never forgets a request whose token is on its way. An unreadable
 * window (a state edited by hand) is not waited for: it matches no token (see `lateTokenCandidates`).
 * A window further ahead than LATE_LANDING_MAX_MS (a clock that jumped back) is waited for that long at most.
 */
export function landsBy(request: UnansweredRequest, now: number): number {
    const until = Date.parse(request.until);
    return Number.isFinite(until) ? Math.min(until, now + LATE_LANDING_MAX_MS) : 0;
}

/**
 * Until when no other token may be issued on the connection in the run that sent the request: a
 * token issued before its window (and the clock skew) has passed could be taken for the late one
 * by the next run's settle, which runs before that token's own resource is read.
 */
export function blockedUntil(request: UnansweredRequest): number {
    const until = Date.parse(request.until);
    return Number.isFinite(until) ? until + CLOCK_SKEW_MS : 0;
}

/**
 * Why no other token is issued on the connection in the run whose token request got no clear
 * answer: it names the connection and the request, and says that the next run settles it.
 */
export function pendingRequestMessage(connectionId: string, request: UnansweredRequest): string {
    return (
        `connection "${connectionId}": the SCIM token request POST /api/v2/connections/${connectionId}/scim-configuration/tokens ` +
        `sent at ${request.askedAt} by this run got no clear answer, and the token it may create can still land until ${request.until}, ` +
        "so no other token is issued on the connection in this run (it could be taken for the late one). The next run settles the " +
        "request (waiting until then if it starts earlier, and revoking a token it created) and issues the tokens. Run again."
    );
}

/** How to revoke a token by hand. */
export function revokeAdvice(connectionId: string, tokenId: string): string {
    return `revoke it in the dashboard or with DELETE /api/v2/connections/${connectionId}/scim-configuration/tokens/${tokenId}`;
}

/**
 * The refusal to settle an unanswered request that more than one listed token matches (another
 * token with its scopes was created in its window, by someone else or by hand): revoking one would
 * be a guess, so none is, the request stays in state, and each candidate is named with how to
 * revoke it by hand.
 */
export function ambiguousLateTokensMessage(
    connectionId: string,
    request: UnansweredRequest,
    candidates: readonly { readonly token_id: string }[],
): string {
    const ids = candidates.map((t) => t.token_id);
    return (
        `a SCIM token request on connection ${connectionId} at ${request.askedAt} got no clear answer, and ${ids.length} ` +
        `unknown tokens with its scopes were created in its window (${ids.join(", ")}); nothing was revoked, as that would be ` +
        `a guess, and the request stays in state. For each one the identity provider does not use: ` +
        `${ids.map((id) => `${id}: ${revokeAdvice(connectionId, id)}`).join("; ")}. Then run again.`
    );
}

/**
 * Why no token was issued on a connection that holds `active.length` active tokens (the most Auth0
 * allows). A token no declared token of this run holds (`held`) is named, with how to revoke it;
 * one inside an unanswered request's window (`late`) is said to be that request's likely token.
 */
export function tooManyActiveMessage(
    connectionId: string,
    active: readonly { readonly token_id: string }[],
    held: ReadonlySet<string>,
    late: ReadonlySet<string>,
): string {
    const head =
        `connection ${connectionId} already holds ${active.length} active SCIM tokens (${active.map((t) => t.token_id).join(", ")}) ` +
        `and Auth0 allows ${MAX_ACTIVE_SCIM_TOKENS}, so no token was issued.`;
    const unknown = active.filter((t) => !held.has(t.token_id));
    if (unknown.length === 0) {
        return (
            `${head} A token removed from the config is revoked only at the end of a run, after every new one is issued: ` +
            "remove it in one run and add the new token in the next, or revoke a token you no longer use in the dashboard."
        );
    }
    const named = unknown.map(
        (t) =>
            `${t.token_id} ${
                late.has(t.token_id)
                    ? "is unknown: it was created with the scopes of a token request that got no clear answer, while it could still land"
                    : "is held by no token this stack declares on the connection"
            }; if the identity provider does not use it, ${revokeAdvice(connectionId, t.token_id)}`,
    );
    return `${head} ${named.join(". ")}. Then run again.`;
}
