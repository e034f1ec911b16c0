/**
 * Property P10: a token resource is replaced (a new token issued, the one the identity provider
 * holds revoked) only for a reason the config or the server's stored facts give: new scopes or
 * lifetime, the token revoked or expired, or its rotation due. Rotation is due within
 * `rotateBeforeExpiry` of an expiry, and only when the server granted the token more than that
 * window: a capped lifetime would make the replacement due again at once, so every run would rotate
 * (README, token rotation). An expiry the listing shows oddly (`null`, `""`, not a date) while the
 * server stores a good one is no reason either. Written from the stored tokens, never from a listing.
 */
import type { ScimToken } from "../../emulator";
import type { RunContext, Violation } from "./invariants";
import { type Model, names } from "./model";
import { ROTATE_SECONDS, SCIM_CONNS, SLOTS } from "./steps";

const TOKEN_DELETE = /^\/api\/v2\/connections\/[^/]+\/scim-configuration\/tokens\/([^/]+)$/;

/** Why replacing the token `outs` holds is right now, or undefined when nothing asks for it. */
function reasonFor(
    outs: Readonly<Record<string, unknown>>,
    declared: { scopes: readonly string[]; lifetime: number | null; rotate: keyof typeof ROTATE_SECONDS | null },
    stored: readonly ScimToken[],
    now: number,
): string | undefined {
    if (outs.unanswered !== undefined || outs.initError === true) return "its last create had no clear answer";
    const scopes = Array.isArray(outs.scopes) ? outs.scopes.map(String) : [];
    if ([...scopes].sort().join(" ") !== [...declared.scopes].sort().join(" ")) return "new scopes";
    if ((outs.tokenLifetime ?? null) !== declared.lifetime) return "new lifetime";
    const mine = stored.find((t) => t.token_id === outs.tokenId);
    if (mine === undefined) return "its token is gone";
    if (mine.valid_until === undefined) return undefined;
    const expires = Date.parse(mine.valid_until);
    if (expires <= now) return "its token expired";
    if (declared.rotate === null) return undefined;
    const window = ROTATE_SECONDS[declared.rotate] * 1000;
    const granted = expires - Date.parse(mine.created_at);
    return expires - now < window && granted > window ? "rotation due" : undefined;
}

/** How the command went about replacing `name`'s token, or undefined when it did not try. */
function replacing(ctx: RunContext, name: string, tokenId: unknown): string | undefined {
    const o = ctx.result.outcomes.get(name);
    if (o?.op === "replace") return `replace ${o.ok ? "ok" : "failed"}`;
    // Revoked first, then the new token's create failed: the engine reports a failed create.
    if (o?.op === "create" && !o.ok) return "revoked first, then create failed";
    const revoked = ctx.journal.some(
        (e) => e.method === "DELETE" && TOKEN_DELETE.exec(e.path)?.[1] === encodeURIComponent(String(tokenId)),
    );
    return revoked && o !== undefined ? `${o.op}${o.ok ? "" : " failed"} with a DELETE of its token` : undefined;
}

/** P10 for one `up`: every token replaced (or attempted) had a reason. */
export function checkReplacements(model: Model, ctx: RunContext): Violation[] {
    if (ctx.cmd !== "up") return [];
    const out: Violation[] = [];
    for (const c of SCIM_CONNS) {
        for (const slot of SLOTS) {
            const name = names.token(c, slot);
            const declared = model.declared.scim[c]?.tokens[slot];
            const outs = ctx.outsBefore.get(name);
            if (declared === undefined || outs === undefined) continue;
            const how = replacing(ctx, name, outs.tokenId);
            if (how === undefined || reasonFor(outs, declared, ctx.tokensBefore[c], ctx.startedAt) !== undefined) continue;
            const stored = ctx.tokensBefore[c].find((t) => t.token_id === outs.tokenId);
            out.push({
                property: "P10",
                message:
                    `${name}: token ${String(outs.tokenId)} replaced (${how}) with nothing asking for it: stored created_at ` +
                    `${stored?.created_at}, valid_until ${stored?.valid_until ?? "(none)"}, rotateBeforeExpiry ${declared.rotate ?? "(none)"}`,
            });
        }
    }
    return out;
}
