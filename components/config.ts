/**
 * The stack config of the root program, `auth0-connection-sync:connections`: a map from a
 * connection's name (or `con_...` id) to what we manage on it. Validation reuses the resources' own
 * checks, so the config and the resources can never disagree, and reports every problem at once
 * with its full path (`connections.okta-workforce.scim.mapping[0].scim`).
 */
import { checkInputs, type Failure } from "./provider/schemas";
import type { DirectoryMappingItem, ProfileSyncMode, ScimMappingItem, SynchronizeGroups } from "./provider/types";

/** What may be declared for one connection. */
export interface ConnectionConfig {
    readonly profileSync?: ProfileSyncMode | { readonly mode: ProfileSyncMode; readonly onDelete?: "retain" | "restore" };
    readonly scim?: {
        readonly userIdAttribute?: string;
        readonly mapping?: ScimMappingItem[];
        readonly onDelete?: "delete" | "retain";
        readonly adoptExisting?: boolean;
        readonly tokens?: Array<{ readonly scopes: string[]; readonly tokenLifetime?: number }>;
    };
    readonly directoryProvisioning?: {
        readonly mapping?: DirectoryMappingItem[];
        readonly synchronizeAutomatically?: boolean;
        readonly synchronizeGroups?: SynchronizeGroups;
        readonly onDelete?: "delete" | "retain";
        readonly adoptExisting?: boolean;
        readonly synchronizeOnChange?: boolean;
    };
}

/** The whole `auth0-connection-sync:connections` value. */
export type ConnectionsConfig = Record<string, ConnectionConfig>;

/** The keys a connection entry may have, with what each one is (also the config reference in the README). */
export const CONNECTION_KEYS = {
    profileSync: "options.set_user_root_attributes: on_each_login | on_first_login | never_on_login, or {mode, onDelete: retain|restore}",
    scim: "SCIM configuration: {userIdAttribute, mapping: [{auth0, scim}], onDelete: delete|retain, adoptExisting, tokens: [{scopes, tokenLifetime}]}",
    directoryProvisioning:
        "directory provisioning: {mapping: [{auth0, idp}], synchronizeAutomatically, synchronizeGroups: all|off|selected, onDelete, adoptExisting, synchronizeOnChange}",
} as const;

/** The ID placeholder used when validating before names are resolved. */
const PLACEHOLDER_ID = "con_0000000000000000";

function isObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

function prefixed(prefix: string, failures: Failure[], skip: string[] = ["connectionId"]): Failure[] {
    return failures.filter((f) => !skip.includes(f.property)).map((f) => ({ property: `${prefix}.${f.property}`, reason: f.reason }));
}

function checkEntry(key: string, entry: unknown): Failure[] {
    const at = `connections.${key}`;
    if (!isObject(entry)) {
        return [{ property: at, reason: "must be a map with profileSync, scim and/or directoryProvisioning" }];
    }
    const failures: Failure[] = [];
    for (const k of Object.keys(entry)) {
        if (!(k in CONNECTION_KEYS)) {
            failures.push({
                property: `${at}.${k}`,
                reason: `is not a setting we manage (allowed: ${Object.keys(CONNECTION_KEYS).join(", ")})`,
            });
        }
    }
    if (Object.keys(entry).every((k) => !(k in CONNECTION_KEYS))) {
        failures.push({ property: at, reason: "declares nothing to manage: add profileSync, scim or directoryProvisioning" });
    }
    const ps = entry.profileSync;
    if (ps !== undefined) {
        const args = isObject(ps) ? ps : { mode: ps };
        const own = prefixed(`${at}.profileSync`, checkInputs("ProfileSync", { connectionId: PLACEHOLDER_ID, ...args }).failures);
        // A bare mode string reports as `profileSync`, not `profileSync.mode`.
        failures.push(...(isObject(ps) ? own : own.map((f) => ({ ...f, property: f.property.replace(/\.mode$/, "") }))));
    }
    if (entry.scim !== undefined) {
        if (!isObject(entry.scim)) {
            failures.push({ property: `${at}.scim`, reason: "must be a map (use {} for the defaults)" });
        } else {
            const { tokens, ...scim } = entry.scim;
            failures.push(...prefixed(`${at}.scim`, checkInputs("ScimConfiguration", { connectionId: PLACEHOLDER_ID, ...scim }).failures));
            if (tokens !== undefined && !Array.isArray(tokens)) {
                failures.push({ property: `${at}.scim.tokens`, reason: "must be a list of {scopes, tokenLifetime}" });
            }
            (Array.isArray(tokens) ? tokens : []).forEach((t, i) => {
                const args = isObject(t) ? t : {};
                failures.push(
                    ...prefixed(`${at}.scim.tokens[${i}]`, checkInputs("ScimToken", { connectionId: PLACEHOLDER_ID, ...args }).failures),
                );
            });
        }
    }
    if (entry.directoryProvisioning !== undefined) {
        if (!isObject(entry.directoryProvisioning)) {
            failures.push({ property: `${at}.directoryProvisioning`, reason: "must be a map (use {} for the defaults)" });
        } else {
            const args = { connectionId: PLACEHOLDER_ID, ...entry.directoryProvisioning };
            failures.push(...prefixed(`${at}.directoryProvisioning`, checkInputs("DirectoryProvisioning", args).failures));
        }
    }
    return failures;
}

/** Validates the whole config; returns it typed, or every failure. */
export function parseConnectionsConfig(raw: unknown): { config?: ConnectionsConfig; failures: Failure[] } {
    if (!isObject(raw)) {
        return { failures: [{ property: "connections", reason: "must be a map from connection name (or con_ id) to settings" }] };
    }
    const failures = Object.entries(raw).flatMap(([k, v]) => checkEntry(k, v));
    return failures.length > 0 ? { failures } : { config: raw as ConnectionsConfig, failures };
}

/** One readable error listing every failure, one per line. */
export function formatFailures(failures: readonly Failure[]): string {
    return `invalid auth0-connection-sync:connections config:\n${failures.map((f) => `  - ${f.property}: ${f.reason}`).join("\n")}`;
}
