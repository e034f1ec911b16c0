/**
 * The SDK starts a timer for each request (`timeoutInSeconds`, an hour here) and clears it only
 * when fetch returns, never when it throws: each request that failed without an answer kept its
 * process alive for that hour. So the fetch the SDK sees always returns; a failure travels as a
 * marked stand-in answer, and `transportFailure` hands the original error back to `call`.
 */

/** The status of the stand-in answer; no server sends it, and the SDK only passes it on. */
const STAND_IN_STATUS = 599;

// On globalThis, as the other process state: a provider serialized whole (earlier versions' state)
// copies module values, and a copied WeakMap fails every call.
const KEY = "__auth0ConnectionSyncTransportFailures";

function failures(): WeakMap<Headers, unknown> {
    const holder = globalThis as typeof globalThis & { [KEY]?: WeakMap<Headers, unknown> };
    holder[KEY] ??= new WeakMap();
    return holder[KEY];
}

function isTokenRequest(input: string | URL | Request): boolean {
    const href = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    return new URL(href).pathname === "/oauth/token";
}

/** Wraps `fetchFn` so that a failure comes back as a stand-in answer instead of a throw. */
export function settledFetch(fetchFn: typeof fetch): typeof fetch {
    return async (input, init) => {
        try {
            return await fetchFn(input, init);
        } catch (err) {
            // The SDK's token request starts no timer, and reads the error it is given.
            if (isTokenRequest(input)) throw err;
            const answer = new Response("{}", { status: STAND_IN_STATUS, headers: { "content-type": "application/json" } });
            failures().set(answer.headers, err);
            return answer;
        }
    };
}

/** The error a stand-in answer carried, when the SDK failed on one; undefined otherwise. */
export function transportFailure(sdkError: unknown): unknown {
    if (typeof sdkError !== "object" || sdkError === null || !("rawResponse" in sdkError)) return undefined;
    const raw = sdkError.rawResponse;
    if (typeof raw !== "object" || raw === null || !("headers" in raw) || !(raw.headers instanceof Headers)) return undefined;
    return failures().get(raw.headers);
}
