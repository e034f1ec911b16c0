import { ApiError } from "../errors";
import { pageByOffset } from "../pagination";
import { path, type Route, type RouteContext, type RouteResult } from "../router";
import type { DirectoryProvisioning, ScimConfiguration } from "../types";
import { render as renderDirectory } from "./directory";

function scimConfigurations(ctx: RouteContext): RouteResult {
    const { state } = ctx;
    const all: ScimConfiguration[] = Object.values(state.scimConfigurations).map((config) => ({
        ...config,
        // Names and the tenant are read live, as the per-connection GET does.
        tenant_name: state.tenant,
        connection_name: state.connections[config.connection_id]?.name ?? config.connection_name,
        mapping: config.mapping.map((m) => ({ scim: m.scim, auth0: m.auth0 })),
    }));
    const page = pageByOffset(ctx.query, all);
    const body: { scim_configurations: ScimConfiguration[]; next?: string } = { scim_configurations: page.items };
    if (page.next !== undefined) body.next = page.next;
    return { status: 200, body, pageOne: page.pageOne };
}

function directoryProvisionings(ctx: RouteContext): RouteResult {
    const { state } = ctx;
    if (!state.directoryProvisioningEnabled) {
        throw new ApiError(403, "Directory provisioning is not enabled for this tenant.", "feature_not_enabled");
    }
    const all: DirectoryProvisioning[] = [];
    for (const config of Object.values(state.directoryProvisionings)) {
        const connection = state.connections[config.connection_id];
        if (connection !== undefined) all.push(renderDirectory(config, connection));
    }
    const page = pageByOffset(ctx.query, all);
    const body: { directory_provisionings: DirectoryProvisioning[]; next?: string } = { directory_provisionings: page.items };
    if (page.next !== undefined) body.next = page.next;
    return { status: 200, body, pageOne: page.pageOne };
}

/**
 * Tenant-wide listings with checkpoint pagination (`from`, `take`); each page is one request for
 * the rate limiter like any other call.
 */
export const listingRoutes: Route[] = [
    {
        method: "GET",
        pattern: path("/api/v2/connections-scim-configurations"),
        scope: "read:scim_config",
        authenticated: true,
        handle: scimConfigurations,
    },
    {
        method: "GET",
        pattern: path("/api/v2/connections-directory-provisionings"),
        scope: "read:directory_provisionings",
        authenticated: true,
        handle: directoryProvisionings,
    },
];
