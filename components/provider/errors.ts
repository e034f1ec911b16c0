/**
 * The one error class for Management API failures. Providers are deserialized from closures, so
 * several copies of this class can live in one process: recognise it with `isAuth0ApiError`
 * (a brand property), never with `instanceof`.
 */
const BRAND = "__auth0ConnectionSyncApiError";

/** What the API (or the network) said about one failed call. */
export interface Auth0ApiErrorDetails {
    /** HTTP status; 0 when no response arrived (timeout, dropped connection). */
    readonly status: number;
    readonly method: string;
    /** Path without host or query, e.g. `/api/v2/connections/con_x`. */
    readonly path: string;
    /** Auth0's `errorCode`, when the body had one (e.g. `insufficient_scope`). */
    readonly errorCode?: string;
    /** The API's own message, or what went wrong on the wire. */
    readonly apiMessage: string;
}

/** A failed Management API call: `Auth0 API PATCH /api/v2/connections/con_x failed with 400: <message>`. */
export class Auth0ApiError extends Error implements Auth0ApiErrorDetails {
    readonly status: number;
    readonly method: string;
    readonly path: string;
    readonly errorCode?: string;
    readonly apiMessage: string;

    constructor(details: Auth0ApiErrorDetails) {
        const outcome = details.status > 0 ? `failed with ${details.status}` : "failed";
        super(`Auth0 API ${details.method} ${details.path} ${outcome}: ${details.apiMessage}`);
        this.name = "Auth0ApiError";
        this.status = details.status;
        this.method = details.method;
        this.path = details.path;
        this.errorCode = details.errorCode;
        this.apiMessage = details.apiMessage;
        Object.defineProperty(this, BRAND, { value: true });
    }
}

/** True for an `Auth0ApiError` from any deserialized copy of this module. */
export function isAuth0ApiError(err: unknown): err is Auth0ApiError {
    return typeof err === "object" && err !== null && (err as Record<string, unknown>)[BRAND] === true;
}

/** True when the error is a 404 from the API (connection or config gone). */
export function isNotFound(err: unknown): boolean {
    return isAuth0ApiError(err) && err.status === 404;
}

/** The value, or undefined when the API says 404: "already gone" is an answer for read and delete. */
export async function unlessGone<T>(p: Promise<T>): Promise<T | undefined> {
    try {
        return await p;
    } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
    }
}

/**
 * True when the API refuses a SCIM or directory call because of the connection's strategy: SCIM
 * answers 404 "This connection type does not support SCIM..." and directory provisioning 400.
 * Such a refusal writes nothing, so the provider may learn the strategy from it instead of
 * spending a connection read on every create.
 */
export function isUnsupportedStrategy(err: unknown, feature: "scim" | "directory"): boolean {
    if (!isAuth0ApiError(err) || err.errorCode === "inexistent_connection") return false;
    if (feature === "directory") return err.status === 400;
    return err.status === 404 && /does not support/i.test(err.apiMessage);
}
