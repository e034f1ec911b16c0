/**
 * Issues one SCIM bearer token. The API shows the value once, in the create response, so it is
 * kept in state as a secret output (the resource marks it with `additionalSecretOutputs`). A
 * token cannot be changed: new scopes or lifetime mean a new token, and delete revokes it.
 */
import { getApi, type Auth0Api } from "../../management-api/client";
import { mayHaveBeenProcessed, unlessGone } from "../../management-api/errors";
import type { ScimTokenCreated, ScimTokenInfo } from "../../management-api/types";
import { liveScimTokens } from "./live-reads";
import { handOff, oneAtATime, providerState, takeHandOff } from "./process";
import { durationSeconds, MAX_ACTIVE_SCIM_TOKENS, scimTokenRules, scimTokenSchema, type ScimTokenInputs } from "./schemas";
import { defineProvider } from "./skeleton";
import { cappedLifetimeWarning, expiryOf, isActive, rotationDue } from "./token-facts";

export type { ScimTokenInputs } from "./schemas";

/** State of the ScimToken dynamic resource. */
export interface ScimTokenOutputs extends ScimTokenInputs {
    readonly tokenId: string;
    /** The bearer token for the IdP; secret. */
    readonly token: string;
    readonly createdAt: string;
    readonly validUntil?: string;
    /** Set when the server granted a lifetime so short that the token is within its rotation window at once. */
    readonly lifetimeWarning?: string;
}

/** How long to look for a token that an unanswered POST may still create. */
const STRAY_SEARCH_MS = 3000;

/** True when two scope lists hold the same scopes, in any order. */
export function sameScopes(a: readonly string[], b: readonly string[]): boolean {
    return a.length === b.length && [...a].sort().join(" ") === [...b].sort().join(" ");
}

/**
 * After a POST that may have been processed (5xx, no answer) the API may hold a token nobody knows
 * the value of. Token creation on one connection runs one at a time in this process, so a token
 * with our scopes that is not in `baseline` (the list read right before the POST) is ours: revoke
 * it, so a failed create leaves the tenant as it was and the next run starts clean.
 */
async function revokeStrays(
    api: Auth0Api,
    connectionId: string,
    baseline: readonly ScimTokenInfo[],
    scopes: readonly string[],
): Promise<string[]> {
    const known = new Set(baseline.map((t) => t.token_id));
    const revoked: string[] = [];
    const deadline = Date.now() + STRAY_SEARCH_MS;
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

/**
 * Whether a replacement must revoke the old token before issuing the new one. Within one run the
 * engine may issue every declared token not yet live before it revokes anything, so the new token
 * may be issued first only when the active ones plus all declared ones fit within the limit (one
 * declared token: it replaces itself with at most one other active; two: only when none is active).
 */
export function mustRevokeFirst(active: number, tokensOnConnection: number): boolean {
    return active + tokensOnConnection > MAX_ACTIVE_SCIM_TOKENS;
}

/** Issues the token; after an ambiguous failure, revokes what that POST may have created. */
async function issue(api: Auth0Api, inputs: ScimTokenInputs): Promise<ScimTokenCreated> {
    // The baseline is what tells our stray token from the identity provider's live ones: without it
    // nothing may be revoked, so a failed read fails the create before anything is written.
    const baseline = await api.listScimTokens(inputs.connectionId);
    const active = baseline.filter((t) => isActive(t, Date.now()));
    if (active.length >= MAX_ACTIVE_SCIM_TOKENS) {
        // The API's refusal of a third token is not a documented answer; say what is wrong before asking.
        throw new Error(
            `connection ${inputs.connectionId} already holds ${active.length} active SCIM tokens (${active.map((t) => t.token_id).join(", ")}) ` +
                `and Auth0 allows ${MAX_ACTIVE_SCIM_TOKENS}, so no token was issued. A token removed from the config is revoked only ` +
                "at the end of a run, after every new one is issued: remove it in one run and add the new token in the next, " +
                "or revoke a token you no longer use in the dashboard.",
        );
    }
    try {
        return await api.createScimToken(inputs.connectionId, {
            scopes: [...inputs.scopes],
            ...(inputs.tokenLifetime !== undefined ? { token_lifetime: inputs.tokenLifetime } : {}),
        });
    } catch (err) {
        if (!mayHaveBeenProcessed(err)) throw err;
        const message = err instanceof Error ? err.message : String(err);
        let what: string;
        try {
            const revoked = await revokeStrays(api, inputs.connectionId, baseline, inputs.scopes);
            what = revoked.length > 0 ? `the token it created anyway (${revoked.join(", ")}) was revoked` : "no stray token was found";
        } catch (cleanup) {
            what = `looking for a token it may have created failed too (${cleanup instanceof Error ? cleanup.message : String(cleanup)}); check the connection's SCIM tokens`;
        }
        throw new Error(`${message}; ${what}. Run again to issue the token.`);
    }
}

function slot(api: Auth0Api, connectionId: string, tokenId: string): string {
    return `${api.host}|${connectionId}|${tokenId}`;
}

/**
 * Why the issued token must be replaced, if at all: new scopes or lifetime, revoked in the
 * dashboard, expired, or within `rotateBeforeExpiry` of its expiry (unless the server grants no
 * more than that window, see `rotationDue`).
 */
export function replacementReasons(olds: ScimTokenOutputs, news: ScimTokenInputs, live: readonly ScimTokenInfo[], now: number): string[] {
    const replaces: string[] = [];
    if (!sameScopes(olds.scopes, news.scopes)) replaces.push("scopes");
    if (olds.tokenLifetime !== news.tokenLifetime) replaces.push("tokenLifetime");
    if (replaces.length > 0) return replaces;
    const mine = live.find((t) => t.token_id === olds.tokenId);
    // Revoked in the dashboard, or expired: the IdP holds a dead token, so issue a new one.
    if (mine === undefined || !isActive(mine, now)) return ["tokenId"];
    if (news.rotateBeforeExpiry !== undefined && rotationDue(mine, durationSeconds(news.rotateBeforeExpiry) * 1000, now)) {
        return ["validUntil"];
    }
    return [];
}

/** The dynamic provider behind `ScimToken`. */
export const scimTokenProvider = defineProvider<ReturnType<typeof scimTokenSchema>, ScimTokenOutputs>(
    scimTokenSchema,
    {
        async diff(_id, olds, news) {
            const api = getApi();
            const live =
                takeHandOff(providerState().handOffs.scimTokens, slot(api, news.connectionId, olds.tokenId)) ??
                // A SCIM configuration deleted out of band took its tokens along: read as none, so the token is re-issued.
                (await unlessGone(liveScimTokens(api, news.connectionId))) ??
                [];
            const replaces = replacementReasons(olds, news, live, Date.now());
            if (replaces.length === 0) {
                return { changes: olds.rotateBeforeExpiry !== news.rotateBeforeExpiry };
            }
            // Auth0 keeps at most two active tokens per connection: issue the new one first when that
            // fits (the identity provider never holds a dead token), else revoke the old one first.
            const active = live.filter((t) => isActive(t, Date.now())).length;
            return { changes: true, replaces, deleteBeforeReplace: mustRevokeFirst(active, news.tokensOnConnection ?? 1) };
        },

        async create(inputs) {
            const api = getApi();
            const created = await oneAtATime(providerState().tokenCreations, `${api.host}|${inputs.connectionId}`, () =>
                issue(api, inputs),
            );
            const window = inputs.rotateBeforeExpiry === undefined ? 0 : durationSeconds(inputs.rotateBeforeExpiry) * 1000;
            const warning = cappedLifetimeWarning(created, inputs.tokenLifetime, inputs.rotateBeforeExpiry, window);
            const outs: ScimTokenOutputs = {
                ...inputs,
                tokenId: created.token_id,
                token: created.token,
                createdAt: created.created_at,
                // Only an expiry we can read is recorded.
                ...(expiryOf(created).kind === "at" ? { validUntil: created.valid_until } : {}),
                ...(warning !== undefined ? { lifetimeWarning: warning } : {}),
            };
            return { id: created.token_id, outs };
        },

        async update(_id, olds, news) {
            // Only `rotateBeforeExpiry` changes in place: it is ours alone, the API never sees it.
            return { outs: { ...olds, rotateBeforeExpiry: news.rotateBeforeExpiry } };
        },

        async read(id, props) {
            if (props === undefined) return undefined;
            const api = getApi();
            const live = await liveScimTokens(api, props.connectionId);
            const token = live.find((t) => t.token_id === (props.tokenId ?? id));
            if (token === undefined) return undefined;
            handOff(providerState().handOffs.scimTokens, slot(api, props.connectionId, props.tokenId ?? id), live);
            const inputs: ScimTokenInputs = {
                connectionId: props.connectionId,
                scopes: [...token.scopes],
                ...(props.tokenLifetime !== undefined ? { tokenLifetime: props.tokenLifetime } : {}),
                ...(props.rotateBeforeExpiry !== undefined ? { rotateBeforeExpiry: props.rotateBeforeExpiry } : {}),
                ...(props.tokensOnConnection !== undefined ? { tokensOnConnection: props.tokensOnConnection } : {}),
            };
            return { id, props: { ...props, scopes: [...token.scopes] }, inputs };
        },

        async delete(id, props) {
            await getApi().deleteScimToken(props.connectionId, props.tokenId ?? id);
        },
    },
    scimTokenRules,
);
