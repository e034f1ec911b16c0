/**
 * Our one door to the Management API: a thin facade over the official `auth0` SDK. The SDK does
 * the HTTP, the token fetching and the typing; we add the transport (pacing, timeouts, safe
 * retries, https only), two error classes, and "absent" instead of 404 where absence is an answer
 * rather than a failure.
 */
import { createHash } from "node:crypto";
import { ManagementClient, type Management } from "auth0";
import type { Auth0Api } from "./api";
import { Auth0ApiError, Auth0NoResponseError, isAuth0ApiError, isNoResponse, isUnsupportedStrategy } from "./errors";
import { processState } from "./state";
import { resolveCredentials, type ResolvedCredentials } from "./settings";
import { createTransport, reserve, type TransportOptions } from "./transport";
import type { Connection, DirectoryMappingItem, ScimMappingItem } from "./types";

export type { Auth0Api, ListConnectionsQuery } from "./api";

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
    const e = (typeof err === "object" && err !== null ? err : {}) as SdkErrorShape;
    if (isAuth0ApiError(e.cause)) {
        return e.cause;
    }
    const tokenCall = typeof e.message === "string" && e.message.startsWith("ManagementClient: token request");
    const where = { method: tokenCall ? "POST" : method, path: tokenCall ? "/oauth/token" : path };
    if (isNoResponse(e.cause) || isNoResponse(err)) {
        const cause = isNoResponse(e.cause) ? e.cause : (err as Error);
        return new Auth0NoResponseError({ ...where, reason: cause.message });
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
        return new Auth0NoResponseError({ ...where, reason: `unreadable answer (${apiMessage})` });
    }
    return new Auth0ApiError({ status: e.statusCode, ...where, errorCode: str(body.errorCode), apiMessage });
}

async function call<T>(method: string, path: string, run: () => Promise<unknown>): Promise<T> {
    try {
        return (await run()) as T;
    } catch (err) {
        throw toApiError(err, method, path);
    }
}

/**
 * 404 without `errorCode` means "no such config"; with `inexistent_connection` it is a real failure,
 * and so is the 404 that says the strategy does not support SCIM.
 */
async function orAbsent<T>(p: Promise<T>): Promise<T | undefined> {
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

/** Builds a facade over a fresh SDK client. Prefer `getApi()`, which shares clients (and tokens). */
export function createApi(
    creds: ResolvedCredentials,
    transport?: Partial<TransportOptions> & { readonly pairReadModifyWrite?: boolean },
): Auth0Api {
    const fetchFn = createTransport({ timeoutMs: creds.timeoutMs, scheme: creds.scheme, caCertificate: creds.caCertificate, ...transport });
    const common = { domain: creds.host, fetch: fetchFn, maxRetries: 0, timeoutInSeconds: 3600 };
    const sdk =
        creds.kind === "token"
            ? new ManagementClient({ ...common, token: creds.token })
            : new ManagementClient({ ...common, clientId: creds.clientId, clientSecret: creds.clientSecret });
    const conn = (id: string) => `/api/v2/connections/${encodeURIComponent(id)}`;
    const scim = sdk.connections.scimConfiguration;
    const dir = sdk.connections.directoryProvisioning;

    return {
        host: creds.host,
        baseUrl: `${creds.scheme}://${creds.host}`,
        getConnection: (id) => call("GET", conn(id), () => sdk.connections.get(id)),
        async listConnections(query = {}) {
            const out: Connection[] = [];
            await call("GET", "/api/v2/connections", async () => {
                let page = await sdk.connections.list({
                    strategy: query.strategy as Management.ConnectionStrategyEnum[] | undefined,
                    name: query.name,
                    take: 100,
                });
                out.push(...(page.data as unknown as Connection[]));
                while (page.hasNextPage()) {
                    page = await page.getNextPage();
                    out.push(...(page.data as unknown as Connection[]));
                }
            });
            return out;
        },
        async readModifyWriteOptions(id, modify) {
            const paired = transport?.pairReadModifyWrite ?? true;
            const unpaired = { headers: {}, ready: () => true, release: () => undefined };
            let reservation = paired ? await reserve(creds.host, 2) : unpaired;
            try {
                for (let again = false; ; again = true) {
                    const headers = reservation.headers;
                    const before = await call<Connection>("GET", conn(id), () => sdk.connections.get(id, {}, { headers }));
                    const options = modify(before);
                    if (options === undefined) return { before };
                    if (again || reservation.ready()) {
                        const after = await call<Connection>("PATCH", conn(id), () => sdk.connections.update(id, { options }, { headers }));
                        return { before, after };
                    }
                    // The bucket holds no token for the PATCH now (the server had fewer than we
                    // estimated). Waiting would widen the window in which a dashboard edit is
                    // overwritten, so wait for two tokens and read again right before writing.
                    reservation.release();
                    reservation = await reserve(creds.host, 2, true);
                }
            } finally {
                reservation.release();
            }
        },
        getScimConfig: (id) => orAbsent(call("GET", `${conn(id)}/scim-configuration`, () => scim.get(id))),
        createScimConfig: (id, body) => call("POST", `${conn(id)}/scim-configuration`, () => scim.create(id, body)),
        updateScimConfig: (id, body) => call("PATCH", `${conn(id)}/scim-configuration`, () => scim.update(id, body)),
        deleteScimConfig: (id) => call("DELETE", `${conn(id)}/scim-configuration`, () => scim.delete(id)),
        getScimDefaultMapping: async (id) =>
            (
                await call<{ mapping: ScimMappingItem[] }>("GET", `${conn(id)}/scim-configuration/default-mapping`, () =>
                    scim.getDefaultMapping(id),
                )
            ).mapping,
        createScimToken: (id, body) => call("POST", `${conn(id)}/scim-configuration/tokens`, () => scim.tokens.create(id, body)),
        listScimTokens: (id) => call("GET", `${conn(id)}/scim-configuration/tokens`, () => scim.tokens.get(id)),
        deleteScimToken: (id, tokenId) =>
            call("DELETE", `${conn(id)}/scim-configuration/tokens/${encodeURIComponent(tokenId)}`, () => scim.tokens.delete(id, tokenId)),
        getDirectoryProvisioning: (id) => orAbsent(call("GET", `${conn(id)}/directory-provisioning`, () => dir.get(id))),
        createDirectoryProvisioning: (id, body) => call("POST", `${conn(id)}/directory-provisioning`, () => dir.create(id, body)),
        updateDirectoryProvisioning: (id, body) => call("PATCH", `${conn(id)}/directory-provisioning`, () => dir.update(id, body)),
        deleteDirectoryProvisioning: (id) => call("DELETE", `${conn(id)}/directory-provisioning`, () => dir.delete(id)),
        getDirectoryDefaultMapping: async (id) =>
            (
                await call<{ mapping: DirectoryMappingItem[] }>("GET", `${conn(id)}/directory-provisioning/default-mapping`, () =>
                    dir.getDefaultMapping(id),
                )
            ).mapping,
        startSynchronization: (id) =>
            call("POST", `${conn(id)}/directory-provisioning/synchronizations`, () => dir.synchronizations.create(id)),
    };
}

/**
 * The process-wide client for the configured tenant. Resources share it so the access token is
 * fetched once and the pacer sees every request. The cache key holds a hash, not the secret.
 */
export function getApi(): Auth0Api {
    const creds = resolveCredentials();
    const secret = creds.kind === "token" ? creds.token : `${creds.clientId}\u0000${creds.clientSecret}`;
    const fingerprint = createHash("sha256")
        .update(`${secret}\u0000${creds.caCertificate ?? ""}`)
        .digest("hex");
    const key = `${creds.scheme}://${creds.host}|${creds.kind}|${creds.timeoutMs}|${fingerprint}`;
    const clients = processState().clients;
    let api = clients.get(key);
    if (api === undefined) {
        api = createApi(creds);
        clients.set(key, api);
    }
    return api;
}
