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

/** What a connection had before we took over, as earlier versions recorded it: a mode, or absent. */
export type PreviousMode = ProfileSyncMode | "absent";

/**
 * The literal state of our key, exactly: absent, or present with its value as JSON text (any JSON:
 * null, a mode Auth0 adds later, another case, a number, an object). Text, not the value itself,
 * because the engine rebuilds objects by assignment, which would turn a nested `__proto__` key into
 * a prototype, and may drop nulls. `position` is the key's index among the options, so a restore
 * after the key was removed puts it back where it was.
 */
export type LiteralValue = { readonly present: false } | { readonly present: true; readonly json: string; readonly position?: number };

/**
 * Strategies whose dashboard shows "sync user profile at each login" correctly only when the key
 * is absent; on these, `on_each_login` is written by removing the key (as terraform-provider-auth0 does).
 */
export const ABSENT_MEANS_EACH_LOGIN = ["samlp", "ad", "adfs", "waad", "google-apps", "pingfederate"] as const;

const ABSENT: LiteralValue = { present: false };

function isMode(v: unknown): v is ProfileSyncMode {
    return v === "on_each_login" || v === "on_first_login" || v === "never_on_login";
}

/**
 * The mode the live options mean. Auth0 treats an absent key as `on_each_login`; a value we do not
 * recognise (another case, a mode added later, not a string) is reported the same way, since
 * `on_first_login` and `never_on_login` are the only values that stop the sync.
 */
export function effectiveMode(options: ConnectionOptions): ProfileSyncMode {
    const v = options[MODE_KEY];
    return v === "on_first_login" || v === "never_on_login" ? v : "on_each_login";
}

/** The key's state as earlier versions recorded it (`previousMode`): a value they did not know reads as absent. */
export function literalMode(options: ConnectionOptions): PreviousMode {
    const v = options[MODE_KEY];
    return isMode(v) ? v : "absent";
}

/** The exact literal state of the key, with its position, for recording what to restore later. */
export function literalValue(options: ConnectionOptions): LiteralValue {
    if (!Object.hasOwn(options, MODE_KEY)) return ABSENT;
    return { present: true, json: JSON.stringify(options[MODE_KEY]), position: Object.keys(options).indexOf(MODE_KEY) };
}

/** A `previousMode` of an earlier version as a literal (its position was not recorded). */
export function literalOfMode(mode: PreviousMode): LiteralValue {
    return mode === "absent" ? ABSENT : { present: true, json: JSON.stringify(mode) };
}

/** The `previousMode` field written beside the literal, for state read by earlier versions. */
export function modeOfLiteral(value: LiteralValue): PreviousMode {
    if (!value.present) return "absent";
    const v: unknown = JSON.parse(value.json);
    return isMode(v) ? v : "absent";
}

/** What to restore: the recorded literal when it is well formed, else the `previousMode` of earlier versions. */
export function recordedPrevious(recorded: { readonly previousValue?: unknown; readonly previousMode?: PreviousMode }): LiteralValue {
    const v = recorded.previousValue;
    if (typeof v === "object" && v !== null && "present" in v) {
        if (v.present === false) return ABSENT;
        if (v.present === true && "json" in v && typeof v.json === "string" && isJson(v.json)) {
            const position = "position" in v && typeof v.position === "number" ? { position: v.position } : {};
            return { present: true, json: v.json, ...position };
        }
    }
    return literalOfMode(recorded.previousMode ?? "absent");
}

function isJson(text: string): boolean {
    try {
        JSON.parse(text);
        return true;
    } catch {
        return false;
    }
}

/**
 * The full options object with only our key set to `value` (or removed). Every other key keeps its
 * value and its position; a key that was absent goes to its recorded position, else last. The
 * input is not modified.
 */
export function optionsWithValue(options: ConnectionOptions, value: LiteralValue): ConnectionOptions {
    // Entries, not assignment: a key named "__proto__" must stay an own property.
    const entries: Array<[string, unknown]> = Object.entries(options).filter(([k]) => k !== MODE_KEY);
    if (value.present) {
        const at = Object.keys(options).indexOf(MODE_KEY);
        const index = at >= 0 ? at : Math.min(value.position ?? entries.length, entries.length);
        entries.splice(index, 0, [MODE_KEY, JSON.parse(value.json)]);
    }
    return Object.fromEntries(entries);
}

/** `optionsWithValue` for a mode, or `absent` to remove the key. */
export function optionsWithMode(options: ConnectionOptions, mode: PreviousMode): ConnectionOptions {
    return optionsWithValue(options, literalOfMode(mode));
}

/** The options that declare `mode` on a connection of `strategy`: `on_each_login` is the absent key where the dashboard needs it. */
export function optionsForMode(options: ConnectionOptions, strategy: string, mode: ProfileSyncMode): ConnectionOptions {
    const absent = mode === "on_each_login" && (ABSENT_MEANS_EACH_LOGIN as readonly string[]).includes(strategy);
    return optionsWithMode(options, absent ? "absent" : mode);
}

/**
 * True when the live options already declare the desired mode (no write needed): the literal mode,
 * or an absent key for `on_each_login`. A value we do not recognise satisfies no mode, since we
 * cannot know what Auth0 does with it: the declared one is written over it.
 */
export function modeSatisfied(options: ConnectionOptions, desired: ProfileSyncMode): boolean {
    return Object.hasOwn(options, MODE_KEY) ? options[MODE_KEY] === desired : desired === "on_each_login";
}

/** For `onDelete: restore`: the options to send, or undefined when the literal value is already the recorded one. */
export function restorePlan(options: ConnectionOptions, previous: LiteralValue | PreviousMode): ConnectionOptions | undefined {
    const want = typeof previous === "string" ? literalOfMode(previous) : previous;
    const live = literalValue(options);
    const same = live.present ? want.present && want.json === live.json : !want.present;
    return same ? undefined : optionsWithValue(options, want);
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

/** Repeated group ids, by the index of the repeat: the API refuses a body that holds one twice. */
export function groupProblems(groups: readonly { readonly id: string }[]): Array<{ index: number; reason: string }> {
    const seen = new Map<string, number>();
    const problems: Array<{ index: number; reason: string }> = [];
    groups.forEach((g, index) => {
        const first = seen.get(g.id);
        if (first === undefined) seen.set(g.id, index);
        else problems.push({ index, reason: `repeats the group id "${g.id}" of groups[${first}]; list each group once` });
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
