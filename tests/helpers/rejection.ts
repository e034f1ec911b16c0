/**
 * What a promise that must fail was rejected with, for tests that then look at the error: the test
 * fails, saying what was expected (`what`), when it resolves or rejects with something other than
 * an Error. Call it where the promise is made, so its rejection is never left unhandled meanwhile.
 */
import * as assert from "node:assert/strict";

/** The Error `promise` rejected with. */
export async function rejection(promise: Promise<unknown>, what: string): Promise<Error> {
    let outcome: { readonly error: unknown } | undefined;
    try {
        await promise;
    } catch (error) {
        outcome = { error };
    }
    if (outcome === undefined) return assert.fail(`expected ${what}`);
    assert.ok(outcome.error instanceof Error, `expected ${what}, with an Error`);
    return outcome.error;
}
