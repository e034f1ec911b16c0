/**
 * Issues one SCIM bearer token. The API shows the value once, in the create response, so it is
 * kept in state as a secret output (the resource marks it with `additionalSecretOutputs`). A
 * token cannot be changed: new scopes or lifetime mean a new token, and delete revokes it.
 */
import { getApi, type Auth0Api } from "../../management-api/client";
import { isAuth0ApiError, mayHaveBeenProcessed, unlessGone } from "../../management-api/errors";
import type { ScimTokenCreated, ScimTokenInfo } from "../../management-api/types";
import { liveScimTokens } from "./live-reads";
import { handOff, oneAtATime, providerState, takeHandOff } from "./process";
import { durationSeconds, MAX_ACTIVE_SCIM_TOKENS, scimTokenRules, scimTokenSchema, type ScimTokenInputs } from "./schemas";
import { type CreateProgress, defineProvider } from "./skeleton";
import {
    block,
    blockedBy,
    held,
    noteIssued,
    noteCreate,
    noteRead,
    noteReplacing,
    requestKey,
    unansweredOn,
    unblock,
    vetNewTokens,
} from "./token-run";
import {
    cappedLifetimeWarning,
    expiryOf,
    isActive,
    lateTokenCandidates,
    blockedUntil,
    lateLandingMs,
    parseUnanswered,
    rotationDue,
    sameScopes,
    type UnansweredRequest,
} from "./token-facts";
import { pendingRequestMessage, tooManyActiveMessage } from "./token-messages";
import { afterSettles, settleLater, settleRequest } from "./token-settle";

export type { ScimTokenInputs } from "./schemas";
export { sameScopes } from "./token-facts";

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
}

/** How long to look for a token that an unanswered POST may still create. */
const STRAY_SEARCH_MS = 3000;

/** Token POSTs sent in one create when each is answered 429, every repeat after a listing. */
const RATE_LIMITED_POSTS = 3;

/** A token POST answered without a clear outcome: no answer, a 5xx, or a 429 (a gateway may send it after the server issued the token). */
function ambiguous(err: unknown): boolean {
    return mayHaveBeenProcessed(err) || (isAuth0ApiError(err) && err.status === 429);
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

/**
 * Whether a replacement must revoke the old token before issuing the new one. Within one run the
 * engine may issue every declared token not yet live before it revokes anything, so the new token
 * may be issued first only when the active ones plus all declared ones fit within the limit (one
 * declared token: it replaces itself with at most one other active; two: only when none is active).
 */
export function mustRevokeFirst(active: number, tokensOnConnection: number): boolean {
    return active + tokensOnConnection > MAX_ACTIVE_SCIM_TOKENS;
}

/** The refusal when the connection already holds the most active tokens (see `tooManyActiveMessage`). */
function tooManyActive(api: Auth0Api, connectionId: string, active: readonly ScimTokenInfo[]): Error {
    const heldIds = held(api, connectionId);
    const late = unansweredOn(api, connectionId).flatMap(({ request, scopes }) => lateTokenCandidates(request, scopes, active, heldIds));
    return new Error(tooManyActiveMessage(connectionId, active, heldIds, new Set(late.map((t) => t.token_id))));
}

/**
 * Issues the token; after an ambiguous failure, revokes what that POST created if it shows up in
 * the stray search, else records the request (through `progress`) so the next run settles it.
 */
async function issue(api: Auth0Api, inputs: ScimTokenInputs, progress: CreateProgress<ScimTokenOutputs>): Promise<ScimTokenCreated> {
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
    // When each later POST went out, after the first: each may have created a token.
    const retriedAfterMs: number[] = [];
    try {
        for (let attempt = 1; ; attempt += 1) {
            if (attempt > 1) retriedAfterMs.push(Math.max(0, Date.now() - Date.parse(askedAt)));
            try {
                return await api.createScimToken(inputs.connectionId, {
                    scopes: [...inputs.scopes],
                    ...(inputs.tokenLifetime !== undefined ? { token_lifetime: inputs.tokenLifetime } : {}),
                });
            } catch (err) {
                if (!(isAuth0ApiError(err) && err.status === 429) || attempt >= RATE_LIMITED_POSTS) throw err;
                // Auth0 answers 429 before doing any work, but a gateway may answer it after the server
                // issued the token: list before asking again, and revoke what that POST issued.
                await revokeStrays(api, inputs.connectionId, baseline, inputs.scopes, 0);
            }
        }
    } catch (err) {
        if (!ambiguous(err)) throw err;
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
                askedAt,
                until: new Date(Date.now() + lateLandingMs(Date.parse(askedAt), failedAt)).toISOString(),
                baseline: baseline.map((t) => t.token_id),
                ...(retriedAfterMs.length > 0 ? { retriedAfterMs } : {}),
            };
            block(api, inputs.connectionId, blockedUntil(request), pendingRequestMessage(inputs.connectionId, request));
            unansweredOn(api, inputs.connectionId).push({ request, scopes: inputs.scopes });
            progress.wrote(`unanswered-${Date.parse(askedAt)}`, { ...inputs, tokenId: "", token: "", createdAt: "", unanswered: request });
            what += `; the next run revokes a token this request creates late (it may land until ${request.until})`;
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

/** The inputs that declare a token with these props and live scopes. */
function inputsOf(props: ScimTokenOutputs, scopes: readonly string[]): ScimTokenInputs {
    return {
        connectionId: props.connectionId,
        scopes: [...scopes],
        ...(props.tokenLifetime !== undefined ? { tokenLifetime: props.tokenLifetime } : {}),
        ...(props.rotateBeforeExpiry !== undefined ? { rotateBeforeExpiry: props.rotateBeforeExpiry } : {}),
        ...(props.tokensOnConnection !== undefined ? { tokensOnConnection: props.tokensOnConnection } : {}),
    };
}

/** The dynamic provider behind `ScimToken`. */
export const scimTokenProvider = defineProvider<ReturnType<typeof scimTokenSchema>, ScimTokenOutputs>(
    scimTokenSchema,
    {
        vet: vetNewTokens,

        async diff(id, olds, news) {
            const api = getApi();
            if (olds.unanswered !== undefined) {
                // Revoke first what the unanswered request created (delete settles it), then issue.
                const request = parseUnanswered(olds.unanswered, `SCIM token ${id} on connection ${olds.connectionId}`);
                settleLater(api, olds.connectionId, { request, scopes: olds.scopes });
                noteRead(api, olds.connectionId, requestKey(request), news.tokensOnConnection ?? 1);
                // The settle waits for the request's window itself; tokens this run issues wait for the settle.
                unblock(api, olds.connectionId);
                return { changes: true, replaces: ["tokenId"], deleteBeforeReplace: true };
            }
            held(api, olds.connectionId).add(olds.tokenId);
            noteRead(api, olds.connectionId, olds.tokenId, news.tokensOnConnection ?? 1);
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
            // Its create is no new token: a settle on the connection must not count it as one.
            noteReplacing(api, news.connectionId, olds.tokenId);
            return { changes: true, replaces, deleteBeforeReplace: mustRevokeFirst(active, news.tokensOnConnection ?? 1) };
        },

        async create(inputs, progress) {
            const api = getApi();
            noteCreate(api, inputs.connectionId);
            // Before the queue: a settle waiting for its requests' windows must not hold up other connections' work.
            await afterSettles(api, inputs.connectionId);
            const created = await oneAtATime(providerState().tokenCreations, `${api.host}|${inputs.connectionId}`, async () => {
                const token = await issue(api, inputs, progress);
                // Held before the queue moves on, so a settle right after never takes it for a late token.
                held(api, inputs.connectionId).add(token.token_id);
                noteIssued(api, inputs.connectionId, token.token_id);
                return token;
            });
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
            if (props.unanswered !== undefined) {
                // Nothing to read yet: the facts stay in state until the next run settles them.
                const request = parseUnanswered(props.unanswered, `SCIM token ${id} on connection ${props.connectionId}`);
                noteRead(api, props.connectionId, requestKey(request), undefined);
                return { id, props, inputs: inputsOf(props, props.scopes) };
            }
            const live = await liveScimTokens(api, props.connectionId);
            const token = live.find((t) => t.token_id === (props.tokenId ?? id));
            if (token === undefined) return undefined;
            handOff(providerState().handOffs.scimTokens, slot(api, props.connectionId, props.tokenId ?? id), live);
            held(api, props.connectionId).add(token.token_id);
            noteRead(api, props.connectionId, token.token_id, undefined);
            return { id, props: { ...props, scopes: [...token.scopes] }, inputs: inputsOf(props, token.scopes) };
        },

        async delete(id, props) {
            if (props.unanswered !== undefined) {
                const request = parseUnanswered(props.unanswered, `SCIM token ${id} on connection ${props.connectionId}`);
                return settleRequest(getApi(), props.connectionId, { request, scopes: props.scopes });
            }
            await getApi().deleteScimToken(props.connectionId, props.tokenId ?? id);
        },
    },
    scimTokenRules,
);
