/**
 * The stack config of the root program, `auth0-connection-sync:connections`: a map from a
 * connection's name (or `con_...` id) to what we manage on it. Its schema is built from the
 * resources' own schemas (without `connectionId`, which comes from the key), so the config and the
 * resources can never disagree; every problem is reported at once with its full path
 * (`connections.okta-workforce.scim.mapping[0].scim`).
 */
import { z } from "zod";
import { PROFILE_SYNC_MODES } from "../management-api/types";
import {
    directoryProvisioningRules,
    directoryProvisioningSchema,
    profileSyncSchema,
    scimConfigurationSchema,
    MAX_ACTIVE_SCIM_TOKENS,
    scimTokenRules,
    scimTokenSchema,
    TOKEN_NAME,
    type Failure,
} from "../components/provider/schemas";
import { failuresOf, keysAt } from "../components/provider/validation";

/** What may be declared for one connection, and the whole config. */
export function connectionsConfigSchema() {
    const profileSync = profileSyncSchema().omit({ connectionId: true });
    const entry = z
        .strictObject(
            {
                /** `options.set_user_root_attributes`: a mode, or `{mode, onDelete}`. */
                profileSync: z.union([z.enum(PROFILE_SYNC_MODES), profileSync], { error: profileSyncError }).optional(),
                /** The SCIM configuration and its tokens. */
                scim: scimConfigurationSchema().omit({ connectionId: true }).extend({ tokens: tokensSchema().optional() }).optional(),
                /** Directory provisioning (Google Workspace). */
                directoryProvisioning: directoryProvisioningSchema().omit({ connectionId: true }).optional(),
            },
            { error: "must be a map with profileSync, scim and/or directoryProvisioning" },
        )
        .refine((e) => e.profileSync !== undefined || e.scim !== undefined || e.directoryProvisioning !== undefined, {
            error: "declares nothing to manage: add profileSync, scim or directoryProvisioning",
        });
    return z.record(z.string(), entry, { error: "must be a map from connection name (or con_ id) to settings" });
}

/** `scim.tokens`: a map from token name to token (a list still works, named by position). */
function tokensSchema() {
    // The count of tokens comes from the map itself, never from the config.
    const token = scimTokenSchema().omit({ connectionId: true, tokensOnConnection: true });
    const name = z.string().regex(TOKEN_NAME, {
        error: (iss) => `must be a token name of letters, digits, - and _ (got ${JSON.stringify(iss.input)})`,
    });
    const fits = (n: number) => n <= MAX_ACTIVE_SCIM_TOKENS;
    const tooMany = `declares more than ${MAX_ACTIVE_SCIM_TOKENS} tokens, and Auth0 keeps at most ${MAX_ACTIVE_SCIM_TOKENS} active tokens per connection`;
    return z.union(
        [
            z.record(name, token).refine((r) => fits(Object.keys(r).length), { error: tooMany }),
            z.array(token).refine((l) => fits(l.length), { error: tooMany }),
        ],
        { error: "must be a map from token name to {scopes, tokenLifetime, rotateBeforeExpiry}" },
    );
}

function profileSyncError(issue: { input?: unknown }): string {
    const modes = PROFILE_SYNC_MODES.join(", ");
    return typeof issue.input === "string" || issue.input === undefined
        ? `must be one of ${modes} (got ${JSON.stringify(issue.input)})`
        : `must be one of ${modes}, or {mode, onDelete}`;
}

/** The whole `auth0-connection-sync:connections` value, defaults filled in. */
export type ConnectionsConfig = z.output<ReturnType<typeof connectionsConfigSchema>>;

/** What may be declared for one connection. */
export type ConnectionConfig = ConnectionsConfig[string];

/** What may be written for one connection (defaults optional), e.g. by the export. */
export type ConnectionConfigInput = z.input<ReturnType<typeof connectionsConfigSchema>>[string];

/**
 * Validates the whole config; returns it typed, or every failure.
 */
export function parseConnectionsConfig(raw: unknown): { config?: ConnectionsConfig; failures: Failure[] } {
    const schema = connectionsConfigSchema();
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
        return { failures: [{ property: "connections", reason: "must be a map from connection name (or con_ id) to settings" }] };
    }
    const reserved = reservedKeys(raw, "connections");
    if (reserved.length > 0) return { failures: reserved };
    const result = schema.safeParse(raw, { reportInput: true });
    if (result.success) {
        const rules = [...tokenRuleFailures(result.data), ...directoryRuleFailures(result.data)];
        return rules.length > 0 ? { failures: rules } : { config: result.data, failures: [] };
    }
    const failures = failuresOf(result.error, "connections", (p) => keysAt(schema, p));
    return { failures };
}

/**
 * Keys that parsing would drop or that could reach an object's prototype (`__proto__`, and any
 * `__`-prefixed key), anywhere in the raw config: an error, never silently ignored.
 */
function reservedKeys(value: unknown, at: string): Failure[] {
    if (Array.isArray(value)) return value.flatMap((v, i) => reservedKeys(v, `${at}[${i}]`));
    if (typeof value !== "object" || value === null) return [];
    return Object.keys(value).flatMap((key) => [
        ...(key.startsWith("__")
            ? [{ property: `${at}.${key}`, reason: "is not a known setting (keys starting with __ are reserved)" }]
            : []),
        ...reservedKeys((value as Record<string, unknown>)[key], `${at}.${key}`),
    ]);
}

/** The cross-field rules of every declared token, with full paths. */
function tokenRuleFailures(config: ConnectionsConfig): Failure[] {
    return Object.entries(config).flatMap(([key, entry]) => {
        const tokens = entry.scim?.tokens ?? [];
        const list = Array.isArray(tokens);
        return Object.entries(tokens).flatMap(([n, t]) =>
            scimTokenRules(t).map((f) => ({
                property: `connections.${key}.scim.tokens${list ? `[${n}]` : `.${n}`}.${f.property}`,
                reason: f.reason,
            })),
        );
    });
}

/** The cross-field rules of every declared directory provisioning (selected groups need `selected`), with full paths. */
function directoryRuleFailures(config: ConnectionsConfig): Failure[] {
    return Object.entries(config).flatMap(([key, entry]) =>
        entry.directoryProvisioning === undefined
            ? []
            : directoryProvisioningRules(entry.directoryProvisioning).map((f) => ({
                  property: `connections.${key}.directoryProvisioning.${f.property}`,
                  reason: f.reason,
              })),
    );
}

/** One readable error listing every failure, one per line. */
export function formatFailures(failures: readonly Failure[]): string {
    return `invalid auth0-connection-sync:connections config:\n${failures.map((f) => `  - ${f.property}: ${f.reason}`).join("\n")}`;
}
