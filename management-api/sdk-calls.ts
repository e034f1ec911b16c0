/**
 * One SDK call as our client sees it: whatever the SDK throws becomes one of our two errors, naming
 * the method and path, with anything that looks like a credential taken out of the message.
 */
import { Auth0ApiError, Auth0NoResponseError, isAuth0ApiError, isNoResponse, isUnsupportedStrategy } from "./errors";
import { unexpectedAnswer } from "./answers";
import { redact } from "./redact";
import { transportFailure } from "./settled-fetch";

interface SdkErrorShape {
    statusCode?: number;
    body?: unknown;
    message?: string;
    cause?: unknown;
}

/** Turns whatever the SDK threw into one of our two errors, naming the call that failed. */
export function toApiError(err: unknown, method: string, path: string): Auth0ApiError | Auth0NoResponseError {
    if (isAuth0ApiError(err) || err instanceof Auth0NoResponseError) {
        return err;
    }
    const failure = transportFailure(err);
    if (failure !== undefined) return toApiError(failure, method, path);
    const e = (typeof err === "object" && err !== null ? err : {}) as SdkErrorShape;
    if (isAuth0ApiError(e.cause) || e.cause instanceof Auth0NoResponseError) {
        return e.cause;
    }
    const tokenCall = typeof e.message === "string" && e.message.startsWith("ManagementClient: token request");
    const where = { method: tokenCall ? "POST" : method, path: tokenCall ? "/oauth/token" : path };
    // The SDK aborts a silent sign-in after its own 10 s and reports it as a 408 no server sent.
    if (tokenCall && e.message?.split("\n")[0] === "ManagementClient: token request timed out") {
        return new Auth0NoResponseError({ ...where, reason: "timed out after 10000 ms (the SDK's limit for sign-in)" });
    }
    if (isNoResponse(e.cause) || isNoResponse(err)) {
        const cause = isNoResponse(e.cause) ? e.cause : (err as Error);
        return new Auth0NoResponseError({ ...where, reason: redact(cause.message) });
    }
    const body = (typeof e.body === "object" && e.body !== null ? e.body : {}) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
    const apiMessage =
        str(body.message) ??
        str(body.error_description) ??
        str(body.error) ??
        (typeof e.body === "string" && e.body !== "" ? e.body.slice(0, 200) : undefined) ??
        str(e.message?.split("\n")[0]) ??
        "unknown error";
    if (e.statusCode === undefined || e.statusCode < 100) {
        // The SDK failed without an HTTP status: the answer could not be read.
        return new Auth0NoResponseError({ ...where, reason: `unreadable answer (${redact(apiMessage)})` });
    }
    return new Auth0ApiError({ status: e.statusCode, ...where, errorCode: str(body.errorCode), apiMessage: redact(apiMessage) });
}

/** Runs one SDK call; its failure, or an answer of the wrong shape, becomes our error for `method path`. */
export async function call<T>(method: string, path: string, run: () => Promise<unknown>): Promise<T> {
    let value: unknown;
    try {
        value = await run();
    } catch (err) {
        throw toApiError(err, method, path);
    }
    const wrong = unexpectedAnswer(method, path, value);
    if (wrong !== undefined) {
        // Not an answer we can use: like no answer, the server may still have done the work.
        throw new Auth0NoResponseError({ method, path, reason: `unexpected answer: ${wrong}` });
    }
    return value as T;
}

/**
 * 404 without `errorCode` means "no such config"; with `inexistent_connection` it is a real failure,
 * and so is the 404 that says the strategy does not support SCIM.
 */
export async function orAbsent<T>(p: Promise<T>): Promise<T | undefined> {
    try {
        return await p;
    } catch (err) {
        if (
            isAuth0ApiError(err) &&
            err.status === 404 &&
            err.errorCode !== "inexistent_connection" &&
            !isUnsupportedStrategy(err, "scim")
        ) {
            return undefined;
        }
        throw err;
    }
}
