/**
 * What the API says about a SCIM token, checked before anything is decided from it. A token the
 * API lists is one it holds: an expiry we cannot read (`null`, `""`, not a date) is unknown, never
 * "expired", so it is not replaced on every run; and a server that grants a shorter lifetime than
 * asked (a tenant policy, a gateway, a skewed clock) must not make every run rotate the token the
 * identity provider holds.
 */

import { z } from "zod";
import type { ScimTokenInputs } from "./schemas";

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
    /**
     * When each later POST of the request was sent (a 429 answer is retried), in ms after `askedAt`:
     * each may have created a token. Relative, so moving `askedAt` moves them all. Absent: one POST.
     */
    readonly retriedAfterMs?: readonly number[];
}

/** The schema of a state's `unanswered`; built when asked, as a built schema cannot be serialized with the provider. */
function unansweredSchema() {
    const isoTime = (what: string) =>
        z
            .string({ error: `must be an ISO 8601 date-time string (${what})` })
            .refine((v) => timeOf(v) !== undefined, { error: `must be an ISO 8601 date-time string (${what})` });
    return z.object({
        askedAt: isoTime("when the request was sent"),
        until: isoTime("until when its token may land"),
        baseline: z.array(z.string({ error: "must be a token id string" }), {
            error: "must be a list of token ids (listed before the request)",
        }),
        retriedAfterMs: z.array(z.number().int().nonnegative(), { error: "must be a list of whole milliseconds >= 0" }).optional(),
    });
}

/**
 * The unanswered request a token's state holds (in `field`: `unanswered`, or `earlierAttempts` for
 * POSTs answered 429 before one succeeded), checked: a state written by an older version or edited
 * by hand must not be settled from times we cannot read. Throws an error naming the field
 * (`unanswered.until`, ...) and what to do; `where` names the resource.
 */
export function parseUnanswered(value: unknown, where: string, field: "unanswered" | "earlierAttempts" = "unanswered"): UnansweredRequest {
    const parsed = unansweredSchema().safeParse(value);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const named = [field, ...(issue?.path ?? []).map(String)].join(".");
    throw new Error(
        `${where}: the state's ${named} ${issue?.message ?? "is unreadable"}, so the token request it records cannot be settled. ` +
            "Correct it in the state (pulumi stack export, edit, pulumi stack import), or remove the field once no token on the " +
            "connection is one that request created (revoke by hand any token no declared token holds).",
    );
}

/** One unanswered request with the scopes it asked for. */
export interface PendingRequest {
    readonly request: UnansweredRequest;
    readonly scopes: readonly string[];
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

/**
 * The live tokens a connection's unanswered requests may have created, settled together: every
 * token some request's window matches (see `lateTokenCandidates`; each POST a request sent may have
 * created one), and whether they are all accounted for, that is, whether each can be the token of
 * a distinct POST whose window covers it. Then revoking them all is no guess; if not, at least one
 * is someone else's and none may be revoked.
 */
export function lateTokensOf<T extends TokenFacts & { readonly token_id: string; readonly scopes: readonly string[] }>(
    pending: readonly PendingRequest[],
    live: readonly T[],
    held: ReadonlySet<string>,
): { readonly tokens: T[]; readonly accounted: boolean } {
    // One slot per POST sent, each with the tokens its window covers.
    const slots = pending.flatMap(({ request, scopes }) => {
        const asked = Date.parse(request.askedAt);
        const posts = [0, ...(request.retriedAfterMs ?? [])];
        return posts.map((after) =>
            lateTokenCandidates({ ...request, askedAt: new Date(asked + after).toISOString() }, scopes, live, held).map((t) => t.token_id),
        );
    });
    const ids = new Set(slots.flat());
    const tokens = live.filter((t) => ids.has(t.token_id));
    // A matching of tokens to slots (augmenting paths): small inputs, at most a few of each.
    const slotOf = new Map<number, string>();
    const place = (id: string, seen: Set<number>): boolean =>
        slots.some((covers, i) => {
            if (!covers.includes(id) || seen.has(i)) return false;
            seen.add(i);
            const taken = slotOf.get(i);
            if (taken !== undefined && !place(taken, seen)) return false;
            slotOf.set(i, id);
            return true;
        });
    const accounted = tokens.every((t) => place(t.token_id, new Set()));
    return { tokens, accounted };
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
    // Twice: the window's end is stretched by the skew on the server's clock, and a token we ask for
    // at our time t may carry a `created_at` as early as t minus the skew.
    return Number.isFinite(until) ? until + 2 * CLOCK_SKEW_MS : 0;
}

/** State of the ScimToken dynamic resource. */
export interface ScimTokenOutputs extends ScimTokenInputs {
    readonly tokenId: string;
    /** The bearer token for the IdP; secret. */
    readonly token: string;
    readonly createdAt: string;
    readonly validUntil?: string;
    /** Set when the server granted a lifetime so short that the token is within its rotation window at once. */
    readonly lifetimeWarning?: string;
    /** Set (with empty `tokenId` and `token`) when the create's POST got no clear answer: the next run settles it. */
    readonly unanswered?: UnansweredRequest;
    /**
     * Set when POSTs of the create were answered 429 before one issued this token, and their token
     * had not shown up (a gateway may answer 429 and the server issue it later): the next run settles
     * them as it settles `unanswered`, and drops the field. Absent in state written before it existed.
     */
    readonly earlierAttempts?: UnansweredRequest;
}
