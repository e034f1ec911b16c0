/**
 * One zod schema per resource kind: the only place where an argument, its allowed values and its
 * default are written. Provider inputs (`z.output`), component args (`z.input`), the stack-config
 * parser and the README reference all derive from these. Each schema is built by a function
 * because state written by earlier versions serializes whole providers, and a live zod object
 * cannot be captured in a closure (the `zod` module itself is, as `require("zod")`).
 */
import { z } from "zod";
import { PROFILE_SYNC_MODES, SYNCHRONIZE_GROUPS } from "../../management-api/types";
import { groupProblems, mappingProblems, type MappingPair } from "./diff";

/** What Pulumi sends for a value that is not known yet during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The only input key Pulumi itself adds to a dynamic resource: the serialized provider. */
export const PROVIDER_KEY = "__provider";

/** Delete policies of profile sync: leave the value, or put back what was there before. */
export const PROFILE_SYNC_DELETE_POLICIES = ["retain", "restore"] as const;

/** Delete policies of SCIM configuration and directory provisioning. */
export const CONFIG_DELETE_POLICIES = ["delete", "retain"] as const;

/** The SCIM token scopes the API accepts. */
export const SCIM_TOKEN_SCOPE = /^(get|post|put|patch|delete):(users|groups)$/;

/** One failed check, as Pulumi wants it. */
export interface Failure {
    readonly property: string;
    readonly reason: string;
}

function connectionId() {
    return z.string({ error: "must be a connection id string such as con_0123456789abcdef" }).regex(/^con_[A-Za-z0-9]+$/, {
        error: (iss) =>
            `must be a connection id such as con_0123456789abcdef (got ${JSON.stringify(iss.input)}); pass the id, not the name`,
    });
}

function attr(what: string) {
    return z.string({ error: `must be a non-empty string (${what})` }).regex(/\S/, { error: `must be a non-empty string (${what})` });
}

function flag() {
    return z.boolean({ error: "must be true or false" });
}

function mapping<K extends "scim" | "idp">(other: K) {
    const label = other === "scim" ? "SCIM attribute" : "identity provider attribute";
    const pair = z.strictObject({ auth0: attr("Auth0 user attribute"), [other]: attr(label) } as {
        auth0: ReturnType<typeof attr>;
    } & Record<K, ReturnType<typeof attr>>);
    return z
        .array(pair, { error: `must be a list of {auth0, ${other}} pairs` })
        .min(1, { error: `must contain at least one {auth0, ${other}} pair; omit it to use the API's default mapping` })
        .superRefine((items, ctx) => {
            for (const p of mappingProblems(items as readonly MappingPair<K>[], other)) {
                ctx.addIssue({ code: "custom", path: [p.index], message: p.reason, input: items[p.index] });
            }
        });
}

/** `ProfileSync`: `options.set_user_root_attributes` of one connection. */
export function profileSyncSchema() {
    return z.strictObject({
        /** `connections/{id}`: the connection whose profile sync mode we own. Required. */
        connectionId: connectionId(),
        /** `options.set_user_root_attributes`. Required; Auth0 treats absent as `on_each_login`. */
        mode: z.enum(PROFILE_SYNC_MODES),
        /** On destroy: `retain` leaves the value, `restore` puts back what was there before (including absent). */
        onDelete: z.enum(PROFILE_SYNC_DELETE_POLICIES).default("retain"),
    });
}

/** `ScimConfiguration`: `/connections/{id}/scim-configuration`. */
export function scimConfigurationSchema() {
    return z.strictObject({
        /** `connections/{id}`: the connection. Required. */
        connectionId: connectionId(),
        /** `user_id_attribute`: the SCIM attribute used as the user id. Default `externalId`. */
        userIdAttribute: attr("SCIM attribute used as the user id").default("externalId"),
        /** `mapping`: Auth0-to-SCIM attribute pairs; order never matters. Default: the API's default mapping. */
        mapping: mapping("scim").optional(),
        /**
         * On destroy: `delete` the configuration or `retain` it. Default `delete` for one we created,
         * `retain` for one we adopted (deleting it would also remove what others set up, such as their tokens).
         */
        onDelete: z.enum(CONFIG_DELETE_POLICIES).optional(),
        /** Take over a configuration that already exists (`false`: fail instead). Default `true`. */
        adoptExisting: flag().default(true),
    });
}

/** `ScimToken`: one bearer token of `/connections/{id}/scim-configuration/tokens`. */
export function scimTokenSchema() {
    return z.strictObject({
        /** `connections/{id}`: the connection. Required. */
        connectionId: connectionId(),
        /** `scopes`: `get`|`post`|`put`|`patch`|`delete` `:users`|`:groups`. Required; a change issues a new token. */
        scopes: z
            .array(
                z.string().regex(SCIM_TOKEN_SCOPE, {
                    error: (iss) => `must be one of get|post|put|patch|delete:users|groups (got ${JSON.stringify(iss.input)})`,
                }),
                { error: "must be a list of scopes such as get:users" },
            )
            .min(1, { error: "must name at least one scope, e.g. get:users" })
            .refine((s) => new Set(s).size === s.length, { error: "must not repeat a scope" }),
        /** `token_lifetime` in seconds, at least 900. Default: no expiry; a change issues a new token. */
        tokenLifetime: z
            .number({ error: "must be a number of seconds" })
            .int({ error: "must be a whole number of seconds" })
            .min(900, { error: "must be at least 900 seconds" })
            .optional(),
        /** Rotate a token whose `valid_until` is closer than this (`30m`, `12h`, `7d`, `2w`); needs `tokenLifetime`. Default: never. */
        rotateBeforeExpiry: z
            .string({ error: "must be a duration such as 7d, 12h or 30m" })
            .regex(DURATION, { error: (iss) => `must be a duration such as 7d, 12h or 30m (got ${JSON.stringify(iss.input)})` })
            .optional(),
        /**
         * How many tokens the program declares on this connection, this one included (set by
         * `ConnectionSync`; set it yourself when you declare several `ScimToken`s on one connection):
         * a replacement is issued before the old token is revoked only when all of them fit within
         * the two-token limit, and a late token is settled only once all of them were read. Not an
         * API field. Default: 1.
         */
        tokensOnConnection: z
            .number({ error: "must be a number of tokens" })
            .int({ error: "must be a whole number of tokens" })
            .min(1, { error: "must be at least 1 (this token)" })
            .max(MAX_ACTIVE_SCIM_TOKENS, {
                error: `must be at most ${MAX_ACTIVE_SCIM_TOKENS}: Auth0 keeps at most ${MAX_ACTIVE_SCIM_TOKENS} active tokens per connection`,
            })
            .optional(),
    });
}

/** A duration: a whole number and a unit, s, m, h, d or w. */
export const DURATION = /^([1-9][0-9]{0,5})([smhdw])$/;

/** A duration such as `7d` in seconds. */
export function durationSeconds(text: string): number {
    const m = DURATION.exec(text);
    if (m === null) throw new Error(`not a duration: ${JSON.stringify(text)}`);
    const unit = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 }[m[2] as "s" | "m" | "h" | "d" | "w"];
    return Number(m[1]) * unit;
}

/** The rules of a token that span fields: rotating needs an expiry, earlier than it. */
export function scimTokenRules(token: { tokenLifetime?: number; rotateBeforeExpiry?: string }): Failure[] {
    if (token.rotateBeforeExpiry === undefined || !DURATION.test(token.rotateBeforeExpiry)) return [];
    if (token.tokenLifetime === undefined) {
        return [{ property: "rotateBeforeExpiry", reason: "needs tokenLifetime: a token without expiry never needs rotating" }];
    }
    if (durationSeconds(token.rotateBeforeExpiry) >= token.tokenLifetime) {
        return [
            {
                property: "rotateBeforeExpiry",
                reason: `must be shorter than tokenLifetime (${token.tokenLifetime} s), or every run would rotate the token`,
            },
        ];
    }
    return [];
}

/** Auth0 keeps at most this many active SCIM tokens per connection. */
export const MAX_ACTIVE_SCIM_TOKENS = 2;

/** A token name: it names the token's resource, so it must be stable and simple. */
export const TOKEN_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

/**
 * A group email, at least as strict as the API's check (JSON schema `format: email`): a local part
 * of dot-separated atoms (no leading, trailing or double dot), then two or more domain labels of
 * letters, digits and inner hyphens, at most 63 each, with no empty label and no trailing dot.
 */
const GROUP_EMAIL =
    /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/** `DirectoryProvisioning`: `/connections/{id}/directory-provisioning` (Google Workspace). */
export function directoryProvisioningSchema() {
    return z.strictObject({
        /** `connections/{id}`: the connection. Required. */
        connectionId: connectionId(),
        /** `mapping`: Auth0-to-IdP attribute pairs; order never matters. Default: the API's default mapping. */
        mapping: mapping("idp").optional(),
        /** `synchronize_automatically`: periodic synchronization. Default `false`. */
        synchronizeAutomatically: flag().default(false),
        /** `synchronize_groups`: `all` | `off` | `selected`. Default `off`. */
        synchronizeGroups: z.enum(SYNCHRONIZE_GROUPS).default("off"),
        /**
         * `.../synchronized-groups`: the Google Workspace groups to synchronize, by `id`; order never
         * matters. Only with `synchronizeGroups: selected` (see `directoryProvisioningRules`). Default: not managed.
         */
        groups: z
            .array(
                z.strictObject({
                    id: attr("Google Workspace group id"),
                    name: z.string({ error: "must be a string (the group's name)" }).optional(),
                    // The API refuses a malformed email (400) after the configuration exists: check it before any write.
                    email: z
                        .string({ error: "must be a string (the group's email address)" })
                        .regex(GROUP_EMAIL, {
                            error: (iss) => `must be an email address (got ${JSON.stringify(iss.input)})`,
                        })
                        .optional(),
                }),
                { error: "must be a list of Google Workspace groups, each {id, name, email}" },
            )
            .superRefine((items, ctx) => {
                for (const p of groupProblems(items)) {
                    ctx.addIssue({ code: "custom", path: [p.index], message: p.reason, input: items[p.index] });
                }
            })
            .optional(),
        /**
         * On destroy: `delete` the configuration or `retain` it. Default `delete` for one we created,
         * `retain` for one we adopted (deleting it would also remove what others set up, such as their tokens).
         */
        onDelete: z.enum(CONFIG_DELETE_POLICIES).optional(),
        /** Take over a configuration that already exists (409 on create). Default `true`. */
        adoptExisting: flag().default(true),
        /** Start a synchronization after a mapping change; a refusal is a warning. Default `false`. */
        synchronizeOnChange: flag().default(false),
    });
}

/**
 * The rule of directory provisioning that spans fields: `groups` needs `synchronizeGroups:
 * selected`. It is not a refinement of the schema because zod 4 refuses `.omit()` on a refined
 * object, and the stack config omits `connectionId`. Paths are relative; the stack config prefixes
 * its own (`connections.<name>.directoryProvisioning.groups`).
 */
export function directoryProvisioningRules(dp: { readonly synchronizeGroups?: string; readonly groups?: readonly unknown[] }): Failure[] {
    const mode = dp.synchronizeGroups ?? "off";
    if (dp.groups === undefined || mode === "selected") return [];
    return [
        {
            property: "groups",
            reason: `needs synchronizeGroups: selected (it is ${JSON.stringify(mode)}); set synchronizeGroups: selected, or remove groups`,
        },
    ];
}

/** The schema of each resource kind. */
export const SCHEMAS = {
    ProfileSync: profileSyncSchema,
    ScimConfiguration: scimConfigurationSchema,
    ScimToken: scimTokenSchema,
    DirectoryProvisioning: directoryProvisioningSchema,
};

/** A resource kind with a schema (and a dynamic provider). */
export type ResourceKind = keyof typeof SCHEMAS;

/** The checked inputs of a kind, defaults filled in. */
export type InputsOf<K extends ResourceKind> = z.output<ReturnType<(typeof SCHEMAS)[K]>>;

/** What a caller may pass for a kind (defaults optional). */
export type ArgsOf<K extends ResourceKind> = z.input<ReturnType<(typeof SCHEMAS)[K]>>;

/** The inputs of each kind. */
export type ProfileSyncInputs = InputsOf<"ProfileSync">;
/** The inputs of a SCIM configuration. */
export type ScimConfigurationInputs = InputsOf<"ScimConfiguration">;
/** The inputs of a SCIM token. */
export type ScimTokenInputs = InputsOf<"ScimToken">;
/** The inputs of directory provisioning. */
export type DirectoryProvisioningInputs = InputsOf<"DirectoryProvisioning">;
