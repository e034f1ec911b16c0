/**
 * The root program's logic: stack config in, one ConnectionSync per declared connection out.
 * Every problem (bad config, unknown name, feature on the wrong strategy) is reported together,
 * before any resource is registered, so nothing touches a tenant until the whole config is right.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConnectionSync, type ScimTokenSummary } from "../components/ConnectionSync";
import { formatFailures, parseConnectionsConfig } from "./config";
import type { Auth0Api } from "../management-api/client";
import { resolveConnections } from "./resolve";

/** What the stack exports for each declared connection. */
export interface ConnectionSummary {
    readonly id: string;
    readonly name: string;
    readonly strategy: string;
    readonly manages: string[];
    readonly profileSyncMode?: pulumi.Output<string | undefined>;
    readonly scimEndpointUrl?: pulumi.Output<string | undefined>;
    readonly scimTokenIds?: pulumi.Output<string[]>;
    /** Each SCIM token by name: id, expiry and the value to paste into the IdP (secret). */
    readonly scimTokens?: pulumi.Output<Record<string, ScimTokenSummary>>;
}

/**
 * Validates the config, resolves names with one paged list call, and declares one ConnectionSync
 * per entry. Throws one error listing every problem.
 */
export async function declareConnections(rawConfig: unknown, api: Auth0Api): Promise<Record<string, ConnectionSummary>> {
    const parsed = parseConnectionsConfig(rawConfig);
    if (parsed.config === undefined) {
        throw new pulumi.RunError(formatFailures(parsed.failures));
    }
    const tenant = await api.listConnections();
    const { resolved, failures } = resolveConnections(parsed.config, tenant);
    if (failures.length > 0) {
        throw new pulumi.RunError(formatFailures(failures));
    }
    const summary: Record<string, ConnectionSummary> = {};
    for (const [key, entry] of Object.entries(parsed.config)) {
        const conn = resolved.get(key)!;
        const sync = new ConnectionSync(conn.name, {
            connection: conn.id,
            profileSync: entry.profileSync,
            scim: entry.scim,
            directoryProvisioning: entry.directoryProvisioning,
        });
        summary[conn.name] = {
            id: conn.id,
            name: conn.name,
            strategy: conn.strategy,
            manages: (["profileSync", "scim", "directoryProvisioning"] as const).filter((k) => entry[k] !== undefined),
            ...(entry.profileSync !== undefined ? { profileSyncMode: sync.profileSyncMode } : {}),
            ...(entry.scim !== undefined
                ? { scimEndpointUrl: sync.scimEndpointUrl, scimTokenIds: sync.scimTokenIds, scimTokens: sync.scimTokens }
                : {}),
        };
    }
    return summary;
}
