/**
 * What the SCIM token provider says when it refuses or cannot settle: each message names the
 * connection, the token ids and requests concerned, and how to revoke an unknown token by hand.
 */
import * as pulumi from "@pulumi/pulumi";
import { MAX_ACTIVE_SCIM_TOKENS } from "./schemas";
import type { UnansweredRequest } from "./token-facts";

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
 * The refusal to settle a connection's unanswered requests when the unknown tokens with their
 * scopes in their windows are more than those requests can have created (another token with those
 * scopes was created then, by someone else or by hand): revoking any would be a guess, so none is,
 * the requests stay in state, and each candidate is named with how to revoke it by hand.
 */
export function ambiguousLateTokensMessage(
    connectionId: string,
    requests: readonly UnansweredRequest[],
    candidates: readonly { readonly token_id: string }[],
): string {
    const ids = candidates.map((t) => t.token_id);
    const posts = requests.reduce((n, r) => n + 1 + (r.retriedAfterMs?.length ?? 0), 0);
    const what =
        requests.length === 1 && posts === 1
            ? `a SCIM token request on connection ${connectionId} at ${requests[0]?.askedAt} got no clear answer`
            : `${requests.length} SCIM token request(s) on connection ${connectionId} (sent at ${requests.map((r) => r.askedAt).join(", ")}, ` +
              `${posts} POST(s) in all) got no clear answer`;
    return (
        `${what}, and ${ids.length} unknown tokens with their scopes were created in their windows (${ids.join(", ")}), more than ` +
        `those requests can account for; nothing was revoked, as that would be a guess, and ${
            requests.length === 1 ? "the request stays" : "the requests stay"
        } in state. For each one ` +
        `the identity provider does not use: ${ids.map((id) => `${id}: ${revokeAdvice(connectionId, id)}`).join("; ")}. Then run again.`
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

/**
 * Shows a warning to the person running the command: the provider process has no engine
 * connection, so this goes to its stderr, which the CLI shows (a run that goes on, but leaves
 * something a person may have to do by hand).
 */
export function warn(message: string): void {
    void pulumi.log.warn(message);
}

/**
 * The warning when a delete forgets a token request instead of settling it: the run read none of
 * the other tokens declared with it (`unseen` of them: a `destroy`, or `--target`), so a token
 * created in its window may be a sibling's the config still holds, and nothing is revoked.
 * `candidates` are the unknown tokens with its scopes created in its window, each with its DELETE.
 */
export function forgottenRequestMessage(
    connectionId: string,
    request: UnansweredRequest,
    unseen: number,
    candidates: readonly { readonly token_id: string }[],
): string {
    const named = candidates.map((t) => `${t.token_id}: ${revokeAdvice(connectionId, t.token_id)}`).join("; ");
    return (
        `connection "${connectionId}": the SCIM token request sent at ${request.askedAt} (no clear answer, or a 429 before the ` +
        `token was issued) is forgotten with its ` +
        `resource, and nothing was revoked: ${unseen} other token(s) declared on the connection were not read in this run ` +
        `(a destroy or --target), so a token created in its window may be one of theirs, which the identity provider may hold. ` +
        `Unknown tokens with its scopes created in its window: ${named}. Revoke only one the identity provider does not use.`
    );
}

/**
 * The warning when the POSTs answered 429 before a token was issued could not be settled in this
 * run (`err` says why): the record is kept in the token's state for the next run, or (a delete)
 * forgotten with its resource.
 */
export function earlierAttemptsKeptMessage(
    connectionId: string,
    id: string,
    request: UnansweredRequest,
    err: unknown,
    fate: "kept" | "forgotten" = "kept",
): string {
    const posts = 1 + (request.retriedAfterMs?.length ?? 0);
    const why = err instanceof Error ? err.message : String(err);
    return (
        `SCIM token ${id} on connection "${connectionId}": the ${posts} token POST(s) answered 429 from ${request.askedAt} before it ` +
        `was issued were not settled in this run (${why}). Nothing was revoked; ${
            fate === "kept" ? "the record stays in the token's state and the next run settles it" : "the record goes with the token"
        }.`
    );
}
