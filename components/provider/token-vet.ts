/**
 * A change the two-token limit cannot carry in one run is refused whole, before any token of it is
 * issued: at preview (the check that completes a connection's round of checks), and in an `up`
 * without a preview, where the engine may start creating a token it checked before it checks the
 * next one, by that create (it waits for its siblings' checks, see token-settle.ts `afterSettles`).
 */
import { getApi } from "../../management-api/client";
import { unlessGone } from "../../management-api/errors";
import { liveScimTokens } from "./live-reads";
import { MAX_ACTIVE_SCIM_TOKENS, type ScimTokenInputs } from "./schemas";
import { isActive } from "./token-facts";
import { countCheck, issuedOn, noteDeclared, noteRefusal } from "./token-run";

/**
 * Refuses, at preview, a change that declares more new tokens on a connection than it has free
 * slots: the engine issues every new token before it revokes any token removed from the config
 * (deletes run last), so such a run would issue some, then stop at Auth0's limit with the removed
 * token never revoked, and so would every later run. Decided once every declared token was checked.
 */
export async function vetNewTokens(olds: Partial<ScimTokenInputs>, news: ScimTokenInputs): Promise<void> {
    const api = getApi();
    noteDeclared(api, news.connectionId, news.tokensOnConnection ?? 1);
    const { tokensOnConnection: _count, ...own } = news;
    const round = countCheck(api, news.connectionId, Object.keys(olds).length === 0, news.tokensOnConnection ?? 1, JSON.stringify(own));
    if (round === undefined || round.added === 0) return;
    // No SCIM configuration yet: no token either. Tokens this run issued are counted as new already.
    const live = (await unlessGone(liveScimTokens(api, news.connectionId))) ?? [];
    const issued = issuedOn(api, news.connectionId);
    const active = live.filter((t) => isActive(t, Date.now()) && !issued.has(t.token_id));
    if (active.length + round.added <= MAX_ACTIVE_SCIM_TOKENS) return;
    const refusal = new Error(
        `connection "${news.connectionId}" cannot take this change in one run: it declares ${round.added} new SCIM token(s) ` +
            `while the connection holds ${active.length} active (${active.map((t) => t.token_id).join(", ")}), and Auth0 allows ` +
            `${MAX_ACTIVE_SCIM_TOKENS}. A token removed from the config is revoked only at the end of a run, after every new one ` +
            "is issued, so this run would stop half-way. Do it in two runs: first remove the tokens you no longer use (a renamed " +
            "token counts as removed and added), then add the new ones.",
    );
    noteRefusal(api, news.connectionId, refusal);
    throw refusal;
}
