/**
 * Our one door to the Management API: a thin facade over the official `auth0` SDK. The SDK does
 * the HTTP, the token fetching and the typing; we add the transport (pacing, timeouts, safe
 * retries, https only), two error classes, and "absent" instead of 404 where absence is an answer
 * rather than a failure.
 */
import { createHash } from "node:crypto";
import { ManagementClient, type Management } from "auth0";
import type { Auth0Api } from "./api";
import { readModifyWrite } from "./read-modify-write";
import { call, orAbsent } from "./sdk-calls";
import { processState } from "./state";
import { resolveCredentials, type ResolvedCredentials } from "./settings";
import { reserve } from "./bucket-queue";
import { createTransport, SINGLE_ATTEMPT_HEADER, type TransportOptions, unsafeOptionsOf } from "./transport";
import { Auth0NoResponseError } from "./errors";
import { settledFetch } from "./settled-fetch";
import { allPages } from "./paging";
import {
    LISTING_PAGE_SIZE,
    SYNCHRONIZED_GROUPS_BATCH,
    type Connection,
    type DirectoryMappingItem,
    type DirectoryProvisioningConfig,
    type ScimConfig,
    type ScimMappingItem,
    type SynchronizedGroup,
} from "./types";

export type { Auth0Api, ListConnectionsQuery } from "./api";

const SCIM_LISTING = "/api/v2/connections-scim-configurations";
const DIRECTORY_LISTING = "/api/v2/connections-directory-provisionings";
export { toApiError } from "./sdk-calls";

/** Builds a facade over a fresh SDK client. Prefer `getApi()`, which shares clients (and tokens). */
export function createApi(
    creds: ResolvedCredentials,
    transport?: Partial<TransportOptions> & { readonly pairReadModifyWrite?: boolean },
): Auth0Api {
    const fetchFn = createTransport({
        timeoutMs: creds.timeoutMs,
        scheme: creds.scheme,
        caCertificate: creds.caCertificate,
        maxRateLimitWaitMs: creds.maxRateLimitWaitMs,
        ...transport,
    });
    const common = { domain: creds.host, fetch: settledFetch(fetchFn), maxRetries: 0, timeoutInSeconds: 3600 };
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
            const path = "/api/v2/connections";
            let out: Connection[] = [];
            await call("GET", path, async () => {
                const first = await sdk.connections.list({
                    strategy: query.strategy as Management.ConnectionStrategyEnum[] | undefined,
                    name: query.name,
                    take: LISTING_PAGE_SIZE,
                });
                out = (await allPages(path, first)) as unknown as Connection[];
            });
            return out;
        },
        async countConnections() {
            const path = "/api/v2/connections";
            // Offset mode with totals: `take` would switch the API to checkpoint pages, which carry no total.
            const total = await call<unknown>("GET", path, async () => {
                const page = await sdk.connections.list(
                    { take: null, include_totals: true, fields: "id", include_fields: true },
                    { queryParams: { per_page: 1 } },
                );
                const body: unknown = page.response;
                return typeof body === "object" && body !== null && "total" in body ? body.total : undefined;
            });
            if (typeof total !== "number" || !Number.isSafeInteger(total) || total < 0) {
                throw new Auth0NoResponseError({
                    method: "GET",
                    path,
                    reason: "unexpected answer: expected a count of connections (total)",
                });
            }
            return total;
        },
        listScimConfigs: () =>
            call<ScimConfig[]>("GET", SCIM_LISTING, async () => allPages(SCIM_LISTING, await scim.list({ take: LISTING_PAGE_SIZE }))),
        listDirectoryProvisionings: () =>
            call<DirectoryProvisioningConfig[]>("GET", DIRECTORY_LISTING, async () =>
                allPages(DIRECTORY_LISTING, await dir.list({ take: LISTING_PAGE_SIZE })),
            ),
        readModifyWriteOptions: (id, modify) =>
            readModifyWrite(
                {
                    get: async (headers) => {
                        let unsafe: string[] = [];
                        const connection = await call<Connection>("GET", conn(id), async () => {
                            const { data, rawResponse } = await sdk.connections.get(id, {}, { headers }).withRawResponse();
                            unsafe = unsafeOptionsOf(rawResponse.headers);
                            return data;
                        });
                        return { connection, unsafe };
                    },
                    patch: (options, headers) =>
                        call<Connection>("PATCH", conn(id), () => sdk.connections.update(id, { options }, { headers })),
                    reserve: (count, aheadOfQueue) => reserve(creds.host, count, aheadOfQueue),
                },
                modify,
                { paired: transport?.pairReadModifyWrite ?? true },
            ),
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
        // Sent once, even after a 429: a gateway may answer 429 after the server issued the token, and
        // a blind repeat would mint a second one. The provider lists before it asks again.
        createScimToken: (id, body) =>
            call("POST", `${conn(id)}/scim-configuration/tokens`, () =>
                scim.tokens.create(id, body, { headers: { [SINGLE_ATTEMPT_HEADER]: "1" } }),
            ),
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
        async listSynchronizedGroups(id) {
            const path = `${conn(id)}/directory-provisioning/synchronized-groups`;
            let out: SynchronizedGroup[] = [];
            await call("GET", path, async () => {
                out = await allPages(path, await dir.listSynchronizedGroups(id, { take: SYNCHRONIZED_GROUPS_BATCH }));
            });
            return out;
        },
        // PUT and DELETE are retried by the transport after a 5xx; the POST is not (it cannot be
        // told that re-adding a group is a no-op), so a failed add surfaces and the next run converges.
        replaceSynchronizedGroups: (id, groups) =>
            call("PUT", `${conn(id)}/directory-provisioning/synchronized-groups`, () => dir.set(id, { groups: [...groups] })),
        addSynchronizedGroups: (id, groups) =>
            call("POST", `${conn(id)}/directory-provisioning/synchronized-groups`, () =>
                dir.addSynchronizedGroupSelections(id, { groups: [...groups] }),
            ),
        removeSynchronizedGroups: (id, groupIds) =>
            call("DELETE", `${conn(id)}/directory-provisioning/synchronized-groups`, () =>
                dir.deleteSynchronizedGroupSelections(id, { groups: groupIds.map((g) => ({ id: g })) }),
            ),
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
    const key = `${creds.scheme}://${creds.host}|${creds.kind}|${creds.timeoutMs}|${creds.maxRateLimitWaitMs}|${fingerprint}`;
    const clients = processState().clients;
    let api = clients.get(key);
    if (api === undefined) {
        api = createApi(creds);
        clients.set(key, api);
    }
    return api;
}
