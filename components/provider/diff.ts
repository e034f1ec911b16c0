/**
 * The decisions, kept pure: what the live state means, whether it matches what was declared, and
 * exactly what to send. Providers only fetch, call these, and write what they return.
 */
import type {
    ConnectionOptions,
    DirectoryMappingItem,
    DirectoryProvisioningConfig,
    DirectoryProvisioningPatch,
    ProfileSyncMode,
    ScimConfig,
    ScimMappingItem,
    SynchronizeGroups,
} from "../../management-api/types";

/** The option key ProfileSync owns. */
export const MODE_KEY = "set_user_root_attributes";

/** What a connection had before we took over: a mode, or the key was not there at all. */
export type PreviousMode = ProfileSyncMode | "absent";

/** The mode the live options mean: Auth0 treats an absent key as `on_each_login`. */
export function effectiveMode(options: ConnectionOptions): ProfileSyncMode {
    const v = options[MODE_KEY];
    return v === "on_first_login" || v === "never_on_login" ? v : "on_each_login";
}

/** The literal state of the key, for recording what to restore later. */
export function literalMode(options: ConnectionOptions): PreviousMode {
    const v = options[MODE_KEY];
    return v === "on_each_login" || v === "on_first_login" || v === "never_on_login" ? v : "absent";
}

/**
 * The full options object to PATCH so that only our key changes. Every other key keeps its value
 * and its position; `absent` removes the key. The input is not modified.
 */
export function optionsWithMode(options: ConnectionOptions, mode: PreviousMode): ConnectionOptions {
    // Entries, not assignment: a key named "__proto__" must stay an own property.
    const entries: Array<[string, unknown]> = [];
    for (const [k, v] of Object.entries(options)) {
        if (k !== MODE_KEY) {
            entries.push([k, v]);
        } else if (mode !== "absent") {
            entries.push([k, mode]);
        }
    }
    if (mode !== "absent" && !Object.hasOwn(options, MODE_KEY)) {
        entries.push([MODE_KEY, mode]);
    }
    return Object.fromEntries(entries);
}

/** True when the live options already mean the desired mode (no write needed). */
export function modeSatisfied(options: ConnectionOptions, desired: ProfileSyncMode): boolean {
    return effectiveMode(options) === desired;
}

/** For `onDelete: restore`: the options to send, or undefined when nothing needs writing. */
export function restorePlan(options: ConnectionOptions, previous: PreviousMode): ConnectionOptions | undefined {
    return literalMode(options) === previous ? undefined : optionsWithMode(options, previous);
}

/** A mapping pair: an Auth0 attribute and its counterpart under `K` (`scim` or `idp`). */
export type MappingPair<K extends "scim" | "idp"> = { readonly auth0: string } & { readonly [P in K]: string };

function cmp(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}

/** Canonical copy of a mapping: fixed key order, pairs sorted. Order carries no meaning for the API. */
export function canonicalMapping<K extends "scim" | "idp">(items: readonly MappingPair<K>[], other: K): Array<[string, string]> {
    return items.map((i): [string, string] => [i.auth0, i[other]]).sort((a, b) => (a[0] === b[0] ? cmp(a[1], b[1]) : cmp(a[0], b[0])));
}

/** True when two mappings hold the same pairs, whatever their order or key order. */
export function sameMapping<K extends "scim" | "idp">(a: readonly MappingPair<K>[], b: readonly MappingPair<K>[], other: K): boolean {
    if (a.length !== b.length) {
        return false;
    }
    const ca = canonicalMapping(a, other);
    const cb = canonicalMapping(b, other);
    return ca.every((p, i) => p[0] === cb[i][0] && p[1] === cb[i][1]);
}

/** Problems that make a mapping ambiguous: repeated pairs, or two targets for one Auth0 attribute. */
export function mappingProblems<K extends "scim" | "idp">(
    items: readonly MappingPair<K>[],
    other: K,
): Array<{ index: number; reason: string }> {
    const seen = new Map<string, number>();
    const problems: Array<{ index: number; reason: string }> = [];
    items.forEach((item, index) => {
        const first = seen.get(item.auth0);
        if (first === undefined) {
            seen.set(item.auth0, index);
        } else if (items[first][other] === item[other]) {
            problems.push({ index, reason: `duplicates mapping[${first}] ({auth0: "${item.auth0}", ${other}: "${item[other]}"})` });
        } else {
            problems.push({ index, reason: `maps Auth0 attribute "${item.auth0}" a second time (first at mapping[${first}])` });
        }
    });
    return problems;
}

/** The desired SCIM configuration with defaults resolved. */
export interface DesiredScim {
    readonly userIdAttribute: string;
    readonly mapping: readonly ScimMappingItem[];
}

/** Which SCIM fields differ between live and desired (empty: nothing to write). */
export function scimDifferences(live: ScimConfig, desired: DesiredScim): Array<"userIdAttribute" | "mapping"> {
    const out: Array<"userIdAttribute" | "mapping"> = [];
    if (live.user_id_attribute !== desired.userIdAttribute) out.push("userIdAttribute");
    if (!sameMapping(live.mapping, desired.mapping, "scim")) out.push("mapping");
    return out;
}

/** The SCIM PATCH body: the API demands both fields every time. */
export function scimPatchBody(desired: DesiredScim): { user_id_attribute: string; mapping: ScimMappingItem[] } {
    return { user_id_attribute: desired.userIdAttribute, mapping: desired.mapping.map((m) => ({ auth0: m.auth0, scim: m.scim })) };
}

/** The desired directory provisioning with defaults resolved. */
export interface DesiredDirectory {
    readonly mapping: readonly DirectoryMappingItem[];
    readonly synchronizeAutomatically: boolean;
    readonly synchronizeGroups: SynchronizeGroups;
}

/** The directory-provisioning PATCH body: only the fields that differ (empty object: nothing to write). */
export function directoryPatch(live: DirectoryProvisioningConfig, desired: DesiredDirectory): DirectoryProvisioningPatch {
    const patch: DirectoryProvisioningPatch = {};
    if (!sameMapping(live.mapping, desired.mapping, "idp")) {
        patch.mapping = desired.mapping.map((m) => ({ auth0: m.auth0, idp: m.idp }));
    }
    if (live.synchronize_automatically !== desired.synchronizeAutomatically) {
        patch.synchronize_automatically = desired.synchronizeAutomatically;
    }
    if ((live.synchronize_groups ?? "off") !== desired.synchronizeGroups) {
        patch.synchronize_groups = desired.synchronizeGroups;
    }
    return patch;
}
