/**
 * What the API says about a SCIM token, checked before anything is decided from it. A token the
 * API lists is one it holds: an expiry we cannot read (`null`, `""`, not a date) is unknown, never
 * "expired", so it is not replaced on every run; and a server that grants a shorter lifetime than
 * asked (a tenant policy, a gateway, a skewed clock) must not make every run rotate the token the
 * identity provider holds.
 */

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
