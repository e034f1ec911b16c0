/**
 * Property P9: a token that a resource in state holds (its `tokenId`) is revoked only when the
 * config asks for it, by that resource's own delete or replacement. A settle or a stray search
 * that takes it for the token of a request without a clear answer revokes the token the identity
 * provider holds, with nothing in the config asking for it.
 */
import type { Engine } from "./engine";
import type { RunContext, Violation } from "./invariants";

const TOKEN_DELETE = /^\/api\/v2\/connections\/([^/]+)\/scim-configuration\/tokens\/([^/]+)$/;

/**
 * Outcomes under which a resource's own token may be revoked: it was deleted or replaced (a failed
 * replacement reads as a failed update, or as a failed create once its revoke-first delete ran).
 */
function mayRevoke(op: string | undefined, ok: boolean | undefined): boolean {
    return op === "delete" || op === "replace" || ((op === "update" || op === "create") && ok === false);
}

/** The token ids that resources in the engine's state (and replaced ones still owed their delete) hold, each with its holder's outcome key. */
export function heldTokens(engine: Engine): ReadonlyMap<string, string> {
    const held = new Map<string, string>();
    for (const [name, e] of engine.state) if (e.level === 2 && e.outs.tokenId) held.set(String(e.outs.tokenId), name);
    for (const e of engine.pendingDeletes) if (e.outs.tokenId) held.set(String(e.outs.tokenId), `${e.name}#replaced`);
    return held;
}

/** P9 for one command: every token revoked (a DELETE the server carried out) was its holder's to revoke. */
export function checkRevokes(ctx: RunContext): Violation[] {
    const out: Violation[] = [];
    for (const e of ctx.journal) {
        const m = TOKEN_DELETE.exec(e.path);
        const carriedOut = (e.status >= 200 && e.status < 300) || e.fault === "status-after-processing";
        if (e.method !== "DELETE" || m === null || !carriedOut) continue;
        const id = decodeURIComponent(m[2]);
        const holder = ctx.heldBefore.get(id);
        if (holder === undefined) continue;
        const outcome = ctx.result.outcomes.get(holder);
        if (!mayRevoke(outcome?.op, outcome?.ok)) {
            const what = outcome === undefined ? "not run in this command" : `${outcome.op}${outcome.ok ? "" : " failed"}`;
            out.push({ property: "P9", message: `token ${id}, held by ${holder} (${what}), was revoked` });
        }
    }
    return out;
}
