/**
 * Issues one SCIM bearer token. The API shows the value once, in the create response, so it is
 * kept in state as a secret output (the resource marks it with `additionalSecretOutputs`). A
 * token cannot be changed: new scopes or lifetime mean a new token, and delete revokes it.
 */
import { getApi, type Auth0Api } from "../../management-api/client";
import { unlessGone } from "../../management-api/errors";
import type { ScimTokenInfo } from "../../management-api/types";
import { liveScimTokens } from "./live-reads";
import { handOff, oneAtATime, providerState, takeHandOff } from "./process";
import { durationSeconds, MAX_ACTIVE_SCIM_TOKENS, scimTokenRules, scimTokenSchema, type ScimTokenInputs } from "./schemas";
import { defineProvider } from "./skeleton";
import {
    cappedLifetimeWarning,
    expiryOf,
    isActive,
    type PendingRequest,
    parseUnanswered,
    rotationDue,
    sameScopes,
    type ScimTokenOutputs,
} from "./token-facts";
import { issue } from "./token-issue";
import { earlierAttemptsKeptMessage, warn } from "./token-messages";
import { held, noteCreate, noteIssued, noteRead, noteReplacing, requestKey, unblock } from "./token-run";
import { awaitVerdict, noteRecheck, tokenCheckFailed, tokenKey, unlessRefused, vetNewTokens } from "./token-vet";
import { afterSettles, settleLater, settleRequest } from "./token-settle";

export type { ScimTokenInputs } from "./schemas";
export { sameScopes, type ScimTokenOutputs } from "./token-facts";

/**
 * Whether a replacement must revoke the old token before issuing the new one. Within one run the
 * engine may issue every declared token not yet live before it revokes anything, so the new token
 * may be issued first only when the active ones plus all declared ones fit within the limit (one
 * declared token: it replaces itself with at most one other active; two: only when none is active).
 */
export function mustRevokeFirst(active: number, tokensOnConnection: number): boolean {
    return active + tokensOnConnection > MAX_ACTIVE_SCIM_TOKENS;
}

/** The POSTs answered 429 before the token was issued, recorded in its state, checked; undefined when none are. */
function earlierAttemptsOf(id: string, props: ScimTokenOutputs): PendingRequest | undefined {
    if (props.earlierAttempts === undefined) return undefined;
    const where = `SCIM token ${id} on connection ${props.connectionId}`;
    return { request: parseUnanswered(props.earlierAttempts, where, "earlierAttempts"), scopes: props.scopes };
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
        rejected: tokenCheckFailed,

        async diff(id, olds, news) {
            const api = getApi();
            if (olds.unanswered !== undefined) {
                // Revoke first what the unanswered request created (delete settles it), then issue.
                const request = parseUnanswered(olds.unanswered, `SCIM token ${id} on connection ${olds.connectionId}`);
                settleLater(api, olds.connectionId, { request, scopes: olds.scopes });
                noteRead(api, olds.connectionId, requestKey(request), news.tokensOnConnection ?? 1);
                // The settle waits for the request's window itself; tokens this run issues wait for the settle.
                unblock(api, olds.connectionId);
                noteRecheck(api, news.connectionId, tokenKey(news));
                return { changes: true, replaces: ["tokenId"], deleteBeforeReplace: true };
            }
            // A hand-edited record is refused at preview, naming the field.
            const earlier = earlierAttemptsOf(id, olds);
            held(api, olds.connectionId).add(olds.tokenId);
            // Noted read only once its record's settle is noted (below): a sibling's create waits for every
            // declared token's read, then for the settles noted by then, so it never goes ahead of this one.
            const read = () => noteRead(api, olds.connectionId, olds.tokenId, news.tokensOnConnection ?? 1);
            const live =
                takeHandOff(providerState().handOffs.scimTokens, slot(api, news.connectionId, olds.tokenId)) ??
                // A SCIM configuration deleted out of band took its tokens along: read as none, so the token is re-issued.
                (await unlessGone(liveScimTokens(api, news.connectionId))) ??
                [];
            const replaces = replacementReasons(olds, news, live, Date.now());
            if (replaces.length === 0) {
                // POSTs answered 429 before this token was issued are settled by the update (never at preview),
                // together with the connection's other requests (a late token is accounted to one POST of them all).
                if (earlier !== undefined) settleLater(api, olds.connectionId, earlier);
                read();
                return { changes: olds.rotateBeforeExpiry !== news.rotateBeforeExpiry || earlier !== undefined };
            }
            // Auth0 keeps at most two active tokens per connection: issue the new one first when that
            // fits (the identity provider never holds a dead token), else revoke the old one first.
            const active = live.filter((t) => isActive(t, Date.now())).length;
            const deleteBeforeReplace = mustRevokeFirst(active, news.tokensOnConnection ?? 1);
            // Settled by the delete; counted now only when that delete runs before the new token's create,
            // which would otherwise wait for it.
            if (earlier !== undefined && deleteBeforeReplace) settleLater(api, olds.connectionId, earlier);
            // Its create is no new token: a settle on the connection must not count it as one.
            noteReplacing(api, news.connectionId, olds.tokenId);
            noteRecheck(api, news.connectionId, tokenKey(news));
            read();
            return { changes: true, replaces, deleteBeforeReplace };
        },

        async create(inputs, progress) {
            const api = getApi();
            noteCreate(api, inputs.connectionId);
            // A change its siblings' checks refused issues nothing (`up --skip-preview` creates as it checks).
            await awaitVerdict(api, inputs.connectionId);
            // Before the queue: a settle waiting for its requests' windows must not hold up other connections' work.
            await afterSettles(api, inputs.connectionId);
            const { token: created, earlierAttempts } = await oneAtATime(
                providerState().tokenCreations,
                `${api.host}|${inputs.connectionId}`,
                async () => {
                    unlessRefused(api, inputs.connectionId);
                    const issued = await issue(api, inputs, progress);
                    // Held before the queue moves on, so a settle right after never takes it for a late token.
                    held(api, inputs.connectionId).add(issued.token.token_id);
                    noteIssued(api, inputs.connectionId, issued.token.token_id);
                    return issued;
                },
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
                ...(earlierAttempts !== undefined ? { earlierAttempts } : {}),
            };
            return { id: created.token_id, outs };
        },

        async update(id, olds, news) {
            // Only `rotateBeforeExpiry` changes in place: it is ours alone, the API never sees it.
            const outs = { ...olds, rotateBeforeExpiry: news.rotateBeforeExpiry };
            const pending = earlierAttemptsOf(id, olds);
            if (pending === undefined) return { outs };
            const api = getApi();
            try {
                await awaitVerdict(api, olds.connectionId);
                await settleRequest(api, olds.connectionId, pending, olds.tokensOnConnection ?? 1);
            } catch (err) {
                // Kept for the next run: the token the identity provider holds works, so this run goes on.
                warn(earlierAttemptsKeptMessage(olds.connectionId, id, pending.request, err));
                return { outs };
            }
            const { earlierAttempts: _settled, ...settled } = outs;
            return { outs: settled };
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
            // A replaced token is revoked while the engine still checks the others (`up --skip-preview`):
            // nothing is revoked before the change is known to fit in one run.
            await awaitVerdict(getApi(), props.connectionId);
            if (props.unanswered !== undefined) {
                const request = parseUnanswered(props.unanswered, `SCIM token ${id} on connection ${props.connectionId}`);
                return settleRequest(getApi(), props.connectionId, { request, scopes: props.scopes }, props.tokensOnConnection ?? 1);
            }
            const pending = earlierAttemptsOf(id, props);
            if (pending === undefined) return getApi().deleteScimToken(props.connectionId, props.tokenId ?? id);
            const api = getApi();
            // Revoked first, and held: the settle must not take it for a late token.
            held(api, props.connectionId).add(props.tokenId);
            await unlessGone(api.deleteScimToken(props.connectionId, props.tokenId ?? id));
            try {
                await settleRequest(api, props.connectionId, pending, props.tokensOnConnection ?? 1);
            } catch (err) {
                // The resource goes away whatever: a delete that refused for ever would leave the stack stuck.
                warn(earlierAttemptsKeptMessage(props.connectionId, id, pending.request, err, "forgotten"));
            }
        },
    },
    scimTokenRules,
);
