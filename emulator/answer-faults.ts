import { isPlainObject } from "./errors";
import { ODD_VALID_UNTIL_VALUES, type PickedFault } from "./faults";
import type { RouteResult } from "./router";

/**
 * Faults that let the request run as usual and then change only the answer, as a proxy, a gateway
 * or a buggy server would: what the client reads is odd, the stored state is not.
 */

/** The odd `valid_until` a fired `odd-valid-until` rule answers: its `value`, or its dice's pick. */
function oddValue(fault: PickedFault): string | null {
    if (fault.rule.value !== undefined) return fault.rule.value;
    return ODD_VALID_UNTIL_VALUES[Math.floor(fault.roll * ODD_VALID_UNTIL_VALUES.length)];
}

/**
 * A SCIM token listing (an array of token objects) with every token's `valid_until` replaced by the
 * odd value, on copies; anything else (an error, another route's answer) is left alone (undefined),
 * and so is a listing the value would not change (no tokens, or each already has it): the journal
 * names only faults that changed an answer.
 */
function withOddValidUntil(result: RouteResult, fault: PickedFault): RouteResult | undefined {
    if (result.status !== 200 || !Array.isArray(result.body)) return undefined;
    const tokens: Record<string, unknown>[] = [];
    for (const item of result.body) {
        if (!isPlainObject(item) || typeof item.token_id !== "string") return undefined;
        tokens.push(item);
    }
    const value = oddValue(fault);
    if (tokens.every((token) => "valid_until" in token && token.valid_until === value)) return undefined;
    return { status: result.status, body: tokens.map((token) => ({ ...token, valid_until: value })) };
}

/**
 * A checkpoint listing page whose `next` is the cursor the request sent, or on page one a cursor of
 * page one: a client that follows `next` blindly asks for the same page for ever. Pages of other
 * answers (errors, page/per_page listings) are left alone (undefined).
 */
function withRepeatedCursor(result: RouteResult, query: URLSearchParams): RouteResult | undefined {
    if (result.status !== 200 || result.pageOne === undefined || !isPlainObject(result.body)) return undefined;
    const sent = query.get("from");
    return { ...result, body: { ...result.body, next: sent === null || sent === "" ? result.pageOne : sent } };
}

/** The answer after an answer-changing fault, or undefined when the fault does not apply to it. */
export function changeAnswer(fault: PickedFault, result: RouteResult, query: URLSearchParams): RouteResult | undefined {
    if (fault.rule.kind === "odd-valid-until") return withOddValidUntil(result, fault);
    if (fault.rule.kind === "repeat-cursor") return withRepeatedCursor(result, query);
    return undefined;
}

/** True for the kinds that act on the answer (see changeAnswer) rather than on the request. */
export function changesAnswer(fault: PickedFault): boolean {
    return fault.rule.kind === "odd-valid-until" || fault.rule.kind === "repeat-cursor";
}
