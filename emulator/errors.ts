import { STATUS_CODES } from "node:http";

/** The Management API error body: reason phrase in `error`, `errorCode` only when Auth0 sends one. */
export interface ApiErrorBody {
    statusCode: number;
    error: string;
    message: string;
    errorCode?: string;
}

/** Builds the Auth0-shaped error body for a status. */
export function errorBody(status: number, message: string, errorCode?: string): ApiErrorBody {
    const body: ApiErrorBody = { statusCode: status, error: STATUS_CODES[status] ?? "Error", message };
    if (errorCode !== undefined) body.errorCode = errorCode;
    return body;
}

/**
 * Thrown by handlers to answer with an error. `body` overrides the Management API shape,
 * because the /oauth/token endpoint answers in OAuth style instead.
 */
export class ApiError extends Error {
    readonly status: number;
    readonly body: object;

    constructor(status: number, message: string, errorCode?: string, body?: object) {
        super(message);
        this.status = status;
        this.body = body ?? errorBody(status, message, errorCode);
    }
}

/** 400 invalid_body in Auth0's "Payload validation error" wording. */
export function payloadError(detail: string, property?: string): ApiError {
    const where = property === undefined ? "" : ` on property ${property}`;
    return new ApiError(400, `Payload validation error: '${detail}'${where}.`, "invalid_body");
}

/** 400 invalid_body with a free-form message, for semantic (cross-field) refusals. */
export function invalidBody(message: string): ApiError {
    return new ApiError(400, message, "invalid_body");
}

/** 400 for bad query strings, as the API words them. */
export function queryError(detail: string, property: string): ApiError {
    return new ApiError(400, `Query validation error: '${detail}' on property ${property}.`, "invalid_query_string");
}

/** The plain 404 Auth0 returns for unknown routes and missing sub-resources (no errorCode). */
export function notFound(): ApiError {
    return new ApiError(404, "Not Found");
}

/** 404 for an unknown connection id. */
export function connectionNotFound(): ApiError {
    return new ApiError(404, "The connection does not exist", "inexistent_connection");
}

/** 403 naming the one scope the route wanted. */
export function insufficientScope(scope: string): ApiError {
    return new ApiError(403, `Insufficient scope, expected any of: ${scope}`, "insufficient_scope");
}

/** 401 with the given message ("Missing authentication", "Invalid token", ...). */
export function unauthorized(message: string): ApiError {
    return new ApiError(401, message);
}

/** Describes a JSON value's type the way Auth0's validator does ("array", "null", "object"...). */
export function jsonType(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "array";
    if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
    return typeof value;
}

/** True for a non-null, non-array object. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}
