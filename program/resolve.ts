/**
 * Name resolution for the root program: finds each declared connection (by name or `con_` id)
 * among the tenant's, suggests close names for typos, refuses a connection declared twice, and
 * checks each declared feature against the connection's strategy.
 */
import type { Failure } from "../components/provider/schemas";
import { DIRECTORY_STRATEGIES, PASSWORDLESS_STRATEGIES, SCIM_STRATEGIES, type Connection } from "../management-api/types";
import type { ConnectionConfig } from "./config";

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
        const twin = [...resolved].find(([, c]) => c.id === conn.id);
        if (twin !== undefined) {
            failures.push({
                property: at,
                reason: `is the same connection (${conn.id}) as connections.${twin[0]}: declare each connection once`,
            });
            continue;
        }
        resolved.set(key, conn);
    }
    return { resolved, failures };
}
