/**
 * The root program's logic: stack config in, one ConnectionSync per declared connection out.
 * Every problem (bad config, unknown name, feature on the wrong strategy) is reported together,
 * before any resource is registered, so nothing touches a tenant until the whole config is right.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConnectionSync } from "./ConnectionSync";
import { formatFailures, parseConnectionsConfig, type ConnectionConfig } from "./config";
import type { Auth0Api } from "./provider/client";
import type { Failure } from "./provider/schemas";
import { DIRECTORY_STRATEGIES, PASSWORDLESS_STRATEGIES, SCIM_STRATEGIES, type Connection } from "./provider/types";

/** What the stack exports for each declared connection. */
export interface ConnectionSummary {
    readonly id: string;
    readonly name: string;
    readonly strategy: string;
    readonly manages: string[];
    readonly profileSyncMode?: pulumi.Output<string | undefined>;
    readonly scimEndpointUrl?: pulumi.Output<string | undefined>;
    readonly scimTokenIds?: pulumi.Output<string[]>;
}

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        let prev = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const tmp = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
            prev = tmp;
        }
    }
    return row[b.length];
}

/** Names close to `name`: small edit distance or one containing the other, case-insensitively. */
export function closeMatches(name: string, candidates: readonly string[]): string[] {
    const n = name.toLowerCase();
    return candidates
        .map((c) => ({ c, d: editDistance(n, c.toLowerCase()) }))
        .filter(({ c, d }) => d <= Math.max(2, Math.floor(n.length / 3)) || c.toLowerCase().includes(n) || n.includes(c.toLowerCase()))
        .sort((x, y) => x.d - y.d)
        .slice(0, 3)
        .map(({ c }) => c);
}

/** Finds each declared connection among the tenant's, and checks each feature against its strategy. */
export function resolveConnections(
    config: Record<string, ConnectionConfig>,
    tenant: readonly Connection[],
): { resolved: Map<string, Connection>; failures: Failure[] } {
    const byId = new Map(tenant.map((c) => [c.id, c]));
    const byName = new Map(tenant.map((c) => [c.name, c]));
    const resolved = new Map<string, Connection>();
    const failures: Failure[] = [];
    for (const [key, entry] of Object.entries(config)) {
        const at = `connections.${key}`;
        const conn = byId.get(key) ?? byName.get(key);
        if (conn === undefined) {
            const near = closeMatches(
                key,
                tenant.map((c) => c.name),
            );
            const hint = near.length > 0 ? `; did you mean ${near.map((n) => `"${n}"`).join(", ")}?` : "";
            failures.push({ property: at, reason: `no connection with this name or id in the tenant${hint}` });
            continue;
        }
        const need = (declared: unknown, supported: readonly string[], field: string, what: string) => {
            if (declared !== undefined && !supported.includes(conn.strategy)) {
                failures.push({
                    property: `${at}.${field}`,
                    reason: `${what} is not available for strategy ${conn.strategy} (supported: ${supported.join(", ")})`,
                });
            }
        };
        need(entry.scim, SCIM_STRATEGIES, "scim", "SCIM");
        need(entry.directoryProvisioning, DIRECTORY_STRATEGIES, "directoryProvisioning", "directory provisioning");
        if (entry.profileSync !== undefined && (PASSWORDLESS_STRATEGIES as readonly string[]).includes(conn.strategy)) {
            failures.push({
                property: `${at}.profileSync`,
                reason: `passwordless (${conn.strategy}) connections have no profile sync setting`,
            });
        }
        resolved.set(key, conn);
    }
    return { resolved, failures };
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
            ...(entry.scim !== undefined ? { scimEndpointUrl: sync.scimEndpointUrl, scimTokenIds: sync.scimTokenIds } : {}),
        };
    }
    return summary;
}
