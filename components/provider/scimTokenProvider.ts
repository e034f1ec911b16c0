/**
 * Issues one SCIM bearer token. The API shows the value once, in the create response, so it is
 * kept in state as a secret output (the resource marks it with `additionalSecretOutputs`). A
 * token cannot be changed: new scopes or lifetime mean a new token, and delete revokes it.
 */
import type * as pulumi from "@pulumi/pulumi";
import { getApi, type Auth0Api } from "./client";
import { configureProvider, handOff, handOffKey, isUnknown, takeHandOff } from "./common";
import { isAuth0ApiError, unlessGone } from "./errors";
import { checkInputs } from "./schemas";
import type { ScimTokenCreated, ScimTokenInfo } from "./types";

/** Inputs of the ScimToken dynamic resource. */
export interface ScimTokenInputs {
    readonly connectionId: string;
    readonly scopes: readonly string[];
    /** Seconds; omitted means the API's default (no expiry). */
    readonly tokenLifetime?: number;
}

/** State of the ScimToken dynamic resource. */
export interface ScimTokenOutputs extends ScimTokenInputs {
    readonly tokenId: string;
    /** The bearer token for the IdP; secret. */
    readonly token: string;
    readonly createdAt: string;
    readonly validUntil?: string;
}

/** How long to look for a token that an unanswered POST may still create. */
const STRAY_SEARCH_MS = 3000;

/**
 * After a POST that may have been processed (5xx, timeout, dropped connection) the API may hold a
 * token nobody knows the value of. Find tokens that appeared since `before` with our scopes and
 * revoke them, so a failed create leaves the tenant as it was and the next run starts clean.
 */
async function revokeStrays(api: Auth0Api, connectionId: string, before: Set<string>, scopes: readonly string[]): Promise<string[]> {
    const revoked: string[] = [];
    const deadline = Date.now() + STRAY_SEARCH_MS;
    for (;;) {
        const strays = (await api.listScimTokens(connectionId)).filter((t) => !before.has(t.token_id) && sameScopes(t.scopes, scopes));
        for (const t of strays) {
            await api.deleteScimToken(connectionId, t.token_id);
            revoked.push(t.token_id);
        }
        if (revoked.length > 0 || Date.now() >= deadline) return revoked;
        await new Promise((r) => setTimeout(r, 500));
    }
}

function sameScopes(a: readonly string[], b: readonly string[]): boolean {
    return a.length === b.length && [...a].sort().join(" ") === [...b].sort().join(" ");
}

/** The dynamic provider behind `ScimToken`. */
export const scimTokenProvider = {
    configure: configureProvider,

    async check(_olds: ScimTokenInputs, news: ScimTokenInputs) {
        const { inputs, failures } = checkInputs("ScimToken", { ...news });
        return { inputs: inputs as unknown as ScimTokenInputs, failures } satisfies pulumi.dynamic.CheckResult<ScimTokenInputs>;
    },

    async diff(_id: string, olds: ScimTokenOutputs, news: ScimTokenInputs) {
        const replaces: string[] = [];
        if (olds.connectionId !== news.connectionId) replaces.push("connectionId");
        if (!Array.isArray(news.scopes) || !sameScopes(olds.scopes, news.scopes)) replaces.push("scopes");
        if (olds.tokenLifetime !== news.tokenLifetime) replaces.push("tokenLifetime");
        if (replaces.length === 0 && !isUnknown(news.connectionId)) {
            // Revoked in the dashboard: the IdP holds a dead token, so issue a new one.
            const api = getApi();
            const key = handOffKey(`scim-token|${olds.tokenId}`, api, news.connectionId);
            const live = takeHandOff<ScimTokenInfo[]>(key) ?? (await api.listScimTokens(news.connectionId));
            if (!live.some((t) => t.token_id === olds.tokenId)) replaces.push("tokenId");
        }
        return { changes: replaces.length > 0, replaces, deleteBeforeReplace: false } satisfies pulumi.dynamic.DiffResult;
    },

    async create(inputs: ScimTokenInputs) {
        const api = getApi();
        // One read first, so that after an ambiguous failure we can tell our stray token from others.
        const before = new Set((await api.listScimTokens(inputs.connectionId).catch(() => [] as ScimTokenInfo[])).map((t) => t.token_id));
        let created: ScimTokenCreated;
        try {
            created = await api.createScimToken(inputs.connectionId, {
                scopes: [...inputs.scopes],
                ...(inputs.tokenLifetime !== undefined ? { token_lifetime: inputs.tokenLifetime } : {}),
            });
        } catch (err) {
            if (isAuth0ApiError(err) && (err.status === 0 || err.status >= 500)) {
                const revoked = await revokeStrays(api, inputs.connectionId, before, inputs.scopes).catch(() => []);
                const what =
                    revoked.length > 0 ? `the token it created anyway (${revoked.join(", ")}) was revoked` : "no stray token was found";
                throw new Error(`${err.message}; ${what}. Run again to issue the token.`);
            }
            throw err;
        }
        const outs: ScimTokenOutputs = {
            ...inputs,
            tokenId: created.token_id,
            token: created.token,
            createdAt: created.created_at,
            ...(created.valid_until ? { validUntil: created.valid_until } : {}),
        };
        return { id: created.token_id, outs } satisfies pulumi.dynamic.CreateResult<ScimTokenOutputs>;
    },

    async read(id: string, props?: ScimTokenOutputs) {
        if (props === undefined) return {} satisfies pulumi.dynamic.ReadResult<ScimTokenOutputs>;
        const api = getApi();
        const live = await unlessGone(api.listScimTokens(props.connectionId));
        const token = live?.find((t) => t.token_id === (props.tokenId ?? id));
        if (token === undefined) return {} satisfies pulumi.dynamic.ReadResult<ScimTokenOutputs>;
        handOff(handOffKey(`scim-token|${props.tokenId ?? id}`, api, props.connectionId), live);
        const inputs: ScimTokenInputs = {
            connectionId: props.connectionId,
            scopes: [...token.scopes],
            ...(props.tokenLifetime !== undefined ? { tokenLifetime: props.tokenLifetime } : {}),
        };
        return {
            id,
            props: { ...props, scopes: [...token.scopes] },
            inputs: inputs as ScimTokenOutputs,
        } satisfies pulumi.dynamic.ReadResult<ScimTokenOutputs>;
    },

    async delete(id: string, props: ScimTokenOutputs) {
        await unlessGone(getApi().deleteScimToken(props.connectionId, props.tokenId ?? id));
    },
} satisfies pulumi.dynamic.ResourceProvider<ScimTokenInputs, ScimTokenOutputs>;
