/**
 * Pure: turns what was read into one exported entry per connection, keeping apart what the tenant
 * has, what it does not have, and what we could not see (only the first two may change a stack
 * file), and renders a block with its per-connection comments.
 */
import { Document, isMap, type YAMLMap } from "yaml";
import type { ConnectionConfigInput as ConnectionConfig } from "../../program/config";
import { MODE_KEY, effectiveMode, sameMapping } from "../../components/provider/diff";
import {
    DIRECTORY_STRATEGIES,
    PASSWORDLESS_STRATEGIES,
    PROFILE_SYNC_MODES,
    SCIM_STRATEGIES,
    type DirectoryMappingItem,
    type ProfileSyncMode,
    type ScimMappingItem,
    type SynchronizedGroupSelection,
    type SynchronizeGroups,
} from "../../management-api/types";
import { SETTING_KEYS, type CollectedConnection, type CollectedTenant, type SettingKey } from "./collect";

/** The config key the block lives under. */
export const CONNECTIONS_KEY = "auth0-connection-sync:connections";

/** What the export knows of one setting: its live value, that the tenant has none, or nothing (and why). */
export type Setting<T> =
    | { readonly state: "value"; readonly value: T }
    | { readonly state: "absent"; readonly what: string }
    | { readonly state: "unknown"; readonly reason: string };

/** The SCIM settings the export can read back (tokens cannot be). */
export interface ScimEntry {
    readonly userIdAttribute: string;
    /** Left out when equal to the API's default. */
    readonly mapping?: ScimMappingItem[];
}

/** The directory provisioning settings the export reads. */
export interface DirectoryEntry {
    /** Left out when equal to the API's default. */
    readonly mapping?: DirectoryMappingItem[];
    readonly synchronizeAutomatically: boolean;
    readonly synchronizeGroups: SynchronizeGroups;
    /** The selected groups, with `synchronizeGroups: selected` when they could be read. */
    readonly groups?: SynchronizedGroupSelection[];
}

/** Per setting key, what was exported; a key that does not apply to the strategy is missing. */
export interface ExportedSettings {
    readonly profileSync?: Setting<ProfileSyncMode>;
    readonly scim?: Setting<ScimEntry>;
    readonly directoryProvisioning?: Setting<DirectoryEntry>;
}

/** One exported connection: what was read of its settings and the comments to write with it. */
export interface ExportedConnection {
    readonly name: string;
    readonly id: string;
    readonly settings: ExportedSettings;
    /** The API's default mappings, where the entry leaves its mapping out (an equal explicit one may stay). */
    readonly defaults: { readonly scim?: readonly ScimMappingItem[]; readonly directoryProvisioning?: readonly DirectoryMappingItem[] };
    readonly notes: string[];
    readonly scimNote?: string;
}

/**
 * The beginnings of the comment lines the export writes. Lines starting so are ours: a later
 * export replaces them, and every other comment of the file stays as it was.
 */
const NOTE_PREFIXES = ["options are hidden", "could not read ", "existing SCIM tokens", "left out "];

/** True for a comment line the export wrote (and may replace). */
export function isExportNote(line: string): boolean {
    const text = line.trim();
    return NOTE_PREFIXES.some((p) => text.startsWith(p));
}

/** True when the connection has anything but defaults: a mode other than on_each_login, SCIM, or directory provisioning. */
export function hasNonDefault(c: CollectedConnection): boolean {
    const mode = c.connection.options ? effectiveMode(c.connection.options) : "on_each_login";
    return mode !== "on_each_login" || c.scim !== undefined || c.directory !== undefined;
}

/**
 * The live mode. A value that is none of our modes (another case, null, a mode added later) cannot
 * be declared without being overwritten by the next `up`, so it is left out, saying why.
 */
function modeSetting(c: CollectedConnection, notes: string[]): Setting<ProfileSyncMode> {
    const { options } = c.connection;
    if (options === undefined) return { state: "unknown", reason: c.unreadable.profileSync ?? "options are hidden" };
    const raw = options[MODE_KEY];
    if (Object.hasOwn(options, MODE_KEY) && !(PROFILE_SYNC_MODES as readonly unknown[]).includes(raw)) {
        const reason = `options.${MODE_KEY} is ${JSON.stringify(raw)}, not one of ${PROFILE_SYNC_MODES.join(", ")}; declaring a mode would overwrite it`;
        notes.push(`left out profileSync: ${reason}`);
        return { state: "unknown", reason };
    }
    return { state: "value", value: effectiveMode(options) };
}

function scimSetting(c: CollectedConnection, dflt: readonly ScimMappingItem[] | undefined): Setting<ScimEntry> {
    if (c.unreadable.scim !== undefined) return { state: "unknown", reason: c.unreadable.scim };
    if (c.scim === undefined) return { state: "absent", what: "the tenant has no SCIM configuration on this connection" };
    const isDefault = dflt !== undefined && sameMapping(c.scim.mapping, dflt, "scim");
    return {
        state: "value",
        value: {
            userIdAttribute: c.scim.user_id_attribute,
            ...(isDefault ? {} : { mapping: c.scim.mapping.map((m) => ({ auth0: m.auth0, scim: m.scim })) }),
        },
    };
}

function directorySetting(c: CollectedConnection, dflt: readonly DirectoryMappingItem[] | undefined): Setting<DirectoryEntry> {
    if (c.unreadable.directoryProvisioning !== undefined) return { state: "unknown", reason: c.unreadable.directoryProvisioning };
    if (c.directory === undefined) return { state: "absent", what: "the tenant has no directory provisioning on this connection" };
    const isDefault = dflt !== undefined && sameMapping(c.directory.mapping, dflt, "idp");
    return {
        state: "value",
        value: {
            ...(isDefault ? {} : { mapping: c.directory.mapping.map((m) => ({ auth0: m.auth0, idp: m.idp })) }),
            synchronizeAutomatically: c.directory.synchronize_automatically,
            synchronizeGroups: c.directory.synchronize_groups ?? "off",
            // Only what a request may carry: the member count is the server's.
            ...(c.groups !== undefined
                ? {
                      groups: c.groups.map((g) => ({
                          id: g.id,
                          ...(g.name !== undefined ? { name: g.name } : {}),
                          ...(g.email !== undefined ? { email: g.email } : {}),
                      })),
                  }
                : {}),
        },
    };
}

/** What was read of one connection; mappings equal to the API's default are left out. */
export function exportConnection(c: CollectedConnection, tenant: CollectedTenant): ExportedConnection {
    const { connection } = c;
    const settings: { -readonly [K in keyof ExportedSettings]: ExportedSettings[K] } = {};
    const notes = [...c.problems];
    if (!(PASSWORDLESS_STRATEGIES as readonly string[]).includes(connection.strategy)) {
        settings.profileSync = modeSetting(c, notes);
    }
    const scimDefault = tenant.scimDefaults.get(connection.strategy);
    const directoryDefault = tenant.directoryDefaults.get(connection.strategy);
    if ((SCIM_STRATEGIES as readonly string[]).includes(connection.strategy)) settings.scim = scimSetting(c, scimDefault);
    if ((DIRECTORY_STRATEGIES as readonly string[]).includes(connection.strategy)) {
        settings.directoryProvisioning = directorySetting(c, directoryDefault);
    }
    let scimNote: string | undefined;
    if (c.scimTokens && c.scimTokens.length > 0) {
        const ids = c.scimTokens.map((t) => `${t.token_id} [${t.scopes.join(" ")}]`).join(", ");
        scimNote = ` existing SCIM tokens (values cannot be read back; declare new ones under tokens:): ${ids}`;
    }
    return {
        name: connection.name,
        id: connection.id,
        settings,
        defaults: { scim: scimDefault, directoryProvisioning: directoryDefault },
        notes,
        ...(scimNote ? { scimNote } : {}),
    };
}

/** The config entry of what the export read (settings it could not read, or the tenant lacks, are left out). */
export function entryOf(e: ExportedConnection): ConnectionConfig {
    const { profileSync, scim, directoryProvisioning } = e.settings;
    return {
        ...(profileSync?.state === "value" ? { profileSync: profileSync.value } : {}),
        ...(scim?.state === "value" ? { scim: scim.value } : {}),
        ...(directoryProvisioning?.state === "value" ? { directoryProvisioning: directoryProvisioning.value } : {}),
    };
}

/** The settings of `e` in a given state, in key order. */
export function keysIn(e: ExportedConnection, state: "value" | "absent" | "unknown"): SettingKey[] {
    return SETTING_KEYS.filter((k) => e.settings[k]?.state === state);
}

/** Replaces the export's own comment lines on a node with `notes`, keeping every other comment line. */
export function setNotes(node: YAMLMap, notes: readonly string[]): void {
    const kept = (node.commentBefore ?? "").split("\n").filter((l) => l !== "" && !isExportNote(l));
    const lines = [...kept, ...notes.map((n) => (n.startsWith(" ") ? n : ` ${n}`))];
    node.commentBefore = lines.length > 0 ? lines.join("\n") : undefined;
}

/** Writes the comments of `e` on its entry node (and the token ids above its scim). */
export function annotate(node: YAMLMap, e: ExportedConnection): void {
    setNotes(node, e.notes);
    const scim = node.get("scim", true);
    if (isMap(scim)) setNotes(scim, e.scimNote ? [e.scimNote] : []);
}

/** The block alone, as it would sit under `config:` (for printing). */
export function renderBlock(block: YAMLMap): string {
    const doc = new Document({});
    doc.setIn(["config", CONNECTIONS_KEY], block.clone());
    return doc.toString({ lineWidth: 0 });
}
