import * as pulumi from "@pulumi/pulumi";
import { DirectoryProvisioning, type DirectoryProvisioningArgs } from "./DirectoryProvisioning";
import { ProfileSync, type ProfileSyncArgs } from "./ProfileSync";
import type { ProfileSyncMode } from "../management-api/types";
import { ScimConfiguration, type ScimConfigurationArgs } from "./ScimConfiguration";
import { ScimToken, type ScimTokenArgs } from "./ScimToken";

/** Profile sync for `ConnectionSync`: a mode, or a mode with a delete policy. */
export type ProfileSyncSettings = ProfileSyncArgs["mode"] | Omit<ProfileSyncArgs, "connectionId">;

/** One SCIM token to issue (`ScimToken` without the connection). */
export type ScimTokenSettings = Omit<ScimTokenArgs, "connectionId" | "tokensOnConnection">;

/** SCIM for `ConnectionSync`: the configuration's args, plus the tokens to issue. */
export interface ScimSettings extends Omit<ScimConfigurationArgs, "connectionId"> {
    /**
     * SCIM tokens to issue for the IdP, by name (the name is the token resource's name, so adding,
     * removing or reordering one never touches another). A list still works, named by position.
     * Default: none.
     */
    readonly tokens?: Record<string, ScimTokenSettings> | ScimTokenSettings[];
}

/** What the component tells about one issued token. */
export interface ScimTokenSummary {
    readonly id: string;
    readonly validUntil?: string;
    /** The bearer token to paste into the identity provider. */
    readonly token: string;
}

/** The warning for `scim.tokens` given as a list. */
export const TOKEN_LIST_WARNING =
    "scim.tokens is a list, so tokens are named by position: removing the first one would replace the second. " +
    "Give them names instead (tokens: { okta: { scopes: [...] } }); moving to names re-issues nothing.";

/** Tokens by name; a list is named by position. */
function namedTokens(tokens: ScimSettings["tokens"]): Array<{ name: string; settings: ScimTokenSettings }> {
    if (tokens === undefined) return [];
    if (Array.isArray(tokens)) return tokens.map((settings, i) => ({ name: String(i), settings }));
    return Object.entries(tokens).map(([name, settings]) => ({ name, settings }));
}

/**
 * The earlier positional name (`0`, `1`, ...) each declared token takes over as an alias, so a stack
 * moving from a list to names keeps its tokens. Each positional name goes to at most one token, and
 * never as an alias when a declared token is itself named so (the engine refuses an alias that is
 * another resource's name): such a token is that earlier resource already; every other token takes
 * its own position if free, else the first free one.
 */
export function positionalAliases(names: readonly string[]): Array<string | undefined> {
    const positions = names.map((_, i) => String(i));
    const taken = new Set(names.filter((n) => positions.includes(n)));
    return names.map((name, i) => {
        if (taken.has(name)) return undefined;
        const free = [String(i), ...positions].find((p) => !taken.has(p));
        if (free !== undefined) taken.add(free);
        return free;
    });
}

/** Directory provisioning for `ConnectionSync` (`DirectoryProvisioning` without the connection). */
export type DirectoryProvisioningSettings = Omit<DirectoryProvisioningArgs, "connectionId">;

/** Arguments of `ConnectionSync`. */
export interface ConnectionSyncArgs {
    /** The connection: its id (`con_...`) or a resource with an `id`, such as `auth0.Connection`. Required. */
    readonly connection: pulumi.Input<string> | { readonly id: pulumi.Input<string> };
    /** `options.set_user_root_attributes`. Default: not managed. */
    readonly profileSync?: ProfileSyncSettings;
    /** `/scim-configuration` and its tokens. Default: not managed. */
    readonly scim?: ScimSettings;
    /** `/directory-provisioning`. Default: not managed. */
    readonly directoryProvisioning?: DirectoryProvisioningSettings;
}

/** The warning Auth0's guidance calls for when provisioning meets sync-at-each-login. */
export const EACH_LOGIN_WARNING =
    "profile sync is on_each_login while SCIM or directory provisioning is declared: the IdP will overwrite " +
    "provisioned profile attributes at every login. Auth0 advises on_first_login or never_on_login.";

function connectionIdOf(connection: ConnectionSyncArgs["connection"]): pulumi.Input<string> {
    if (typeof connection === "object" && connection !== null && !pulumi.Output.isInstance(connection) && "id" in connection) {
        return connection.id;
    }
    return connection as pulumi.Input<string>;
}

function profileSyncOf(s: ProfileSyncSettings): { mode: pulumi.Input<ProfileSyncMode>; onDelete?: pulumi.Input<"retain" | "restore"> } {
    return typeof s === "object" && s !== null && !pulumi.Output.isInstance(s) && "mode" in s
        ? s
        : { mode: s as pulumi.Input<ProfileSyncMode> };
}

/**
 * Everything we manage on one Auth0 connection. Creates a child only for what is declared, so an
 * undeclared setting is never touched. Profile sync is applied before SCIM and directory
 * provisioning, as Auth0 recommends.
 */
export class ConnectionSync extends pulumi.ComponentResource {
    /** The connection id. */
    public readonly connectionId: pulumi.Output<string>;
    /** The live profile sync mode, when managed. */
    public readonly profileSyncMode: pulumi.Output<ProfileSyncMode | undefined>;
    /** The SCIM endpoint URL for the IdP, when SCIM is managed. */
    public readonly scimEndpointUrl: pulumi.Output<string | undefined>;
    /** Ids of the SCIM tokens issued here, in declaration order. */
    public readonly scimTokenIds: pulumi.Output<string[]>;
    /** The SCIM tokens by name: id, expiry and value (secret). */
    public readonly scimTokens: pulumi.Output<Record<string, ScimTokenSummary>>;
    /** The last directory synchronization status, when directory provisioning is managed. */
    public readonly lastSynchronizationStatus: pulumi.Output<string | undefined>;
    /** The ProfileSync child, if declared. */
    public readonly profileSync?: ProfileSync;
    /** The ScimConfiguration child, if declared. */
    public readonly scimConfiguration?: ScimConfiguration;
    /** The ScimToken children, by token name. */
    public readonly tokens: Record<string, ScimToken> = {};
    /** The DirectoryProvisioning child, if declared. */
    public readonly directoryProvisioning?: DirectoryProvisioning;

    constructor(name: string, args: ConnectionSyncArgs, opts?: pulumi.ComponentResourceOptions) {
        // The component records no inputs: every setting is an input of the child that owns it, so a
        // change previews once, on that child. Stacks from earlier versions recorded the args here;
        // ignoring changes keeps their next preview from showing the component as updated.
        super("auth0-connection-sync:index:ConnectionSync", name, {}, { ...opts, ignoreChanges: ["*", ...(opts?.ignoreChanges ?? [])] });
        const connectionId = connectionIdOf(args.connection);
        this.connectionId = pulumi.output(connectionId);

        if (args.profileSync !== undefined) {
            const ps = profileSyncOf(args.profileSync);
            this.profileSync = new ProfileSync(
                `${name}-profile-sync`,
                { connectionId, mode: ps.mode, onDelete: ps.onDelete },
                { parent: this },
            );
            if (args.scim !== undefined || args.directoryProvisioning !== undefined) {
                pulumi.output(ps.mode).apply((mode) => {
                    if (mode === "on_each_login") pulumi.log.warn(EACH_LOGIN_WARNING, this);
                });
            }
        }
        const after = this.profileSync ? [this.profileSync] : [];

        if (args.scim !== undefined) {
            const { tokens, ...scim } = args.scim;
            this.scimConfiguration = new ScimConfiguration(`${name}-scim`, { connectionId, ...scim }, { parent: this, dependsOn: after });
            if (Array.isArray(tokens)) pulumi.log.warn(TOKEN_LIST_WARNING, this);
            const declared = namedTokens(tokens);
            const aliases = positionalAliases(declared.map((t) => t.name));
            for (const [i, { name: tokenName, settings }] of declared.entries()) {
                // Earlier versions named tokens by position: the alias keeps a stack moving to names
                // from re-issuing the token the identity provider holds.
                const positional = aliases[i];
                const resourceName = `${name}-scim-token-${tokenName}`;
                this.tokens[tokenName] = new ScimToken(
                    resourceName,
                    // Siblings are created in the same run: the count lets each replacement choose an order
                    // that never needs a third active token.
                    { connectionId, ...settings, tokensOnConnection: declared.length },
                    {
                        parent: this,
                        dependsOn: [this.scimConfiguration],
                        aliases: positional === undefined ? [] : [{ name: `${name}-scim-token-${positional}` }],
                    },
                );
                this.tokens[tokenName].lifetimeWarning.apply((w) => {
                    if (w) pulumi.log.warn(w, this);
                });
            }
        }
        if (args.directoryProvisioning !== undefined) {
            this.directoryProvisioning = new DirectoryProvisioning(
                `${name}-directory-provisioning`,
                { connectionId, ...args.directoryProvisioning },
                { parent: this, dependsOn: after },
            );
            this.directoryProvisioning.synchronizationWarning.apply((w) => {
                if (w) pulumi.log.warn(w, this);
            });
        }

        this.profileSyncMode = this.profileSync?.liveMode ?? pulumi.output(undefined);
        this.scimEndpointUrl = this.scimConfiguration?.scimEndpointUrl ?? pulumi.output(undefined);
        const tokens = Object.entries(this.tokens);
        this.scimTokenIds = pulumi.all(tokens.map(([, t]) => t.tokenId));
        this.scimTokens = pulumi.secret(
            pulumi
                .all(tokens.map(([n, t]) => pulumi.all([n, t.tokenId, t.validUntil, t.token])))
                .apply((rows) =>
                    Object.fromEntries(rows.map(([n, id, validUntil, token]) => [n, { id, token, ...(validUntil ? { validUntil } : {}) }])),
                ),
        );
        this.lastSynchronizationStatus = this.directoryProvisioning
            ? this.directoryProvisioning.lastSynchronizationStatus
            : pulumi.output(undefined);

        this.registerOutputs({
            connectionId: this.connectionId,
            profileSyncMode: this.profileSyncMode,
            scimEndpointUrl: this.scimEndpointUrl,
            scimTokenIds: this.scimTokenIds,
            scimTokens: this.scimTokens,
            lastSynchronizationStatus: this.lastSynchronizationStatus,
        });
    }
}
