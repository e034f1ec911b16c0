/**
 * Pure: turns what was read into the `auth0-connection-sync:connections` block, and writes it into
 * a stack file without disturbing anything else in it (comments included).
 */
import { Document, isMap, parseDocument, type YAMLMap } from "yaml";
import type { ConnectionConfigInput as ConnectionConfig } from "../../program/config";
import { effectiveMode, sameMapping } from "../../components/provider/diff";
import { PASSWORDLESS_STRATEGIES } from "../../management-api/types";
import type { CollectedConnection, CollectedTenant } from "./collect";

/** The config key the block lives under. */
export const CONNECTIONS_KEY = "auth0-connection-sync:connections";

/** One exported connection: its config entry and the comments to write above it. */
export interface ExportedConnection {
    readonly name: string;
    readonly entry: ConnectionConfig;
    readonly notes: string[];
    readonly scimNote?: string;
}

/** True when the connection has anything but defaults: a mode other than on_each_login, SCIM, or directory provisioning. */
export function hasNonDefault(c: CollectedConnection): boolean {
    const mode = c.connection.options ? effectiveMode(c.connection.options) : "on_each_login";
    return mode !== "on_each_login" || c.scim !== undefined || c.directory !== undefined;
}

/** The config entry for one connection; mappings equal to the API's default are left out. */
export function exportConnection(c: CollectedConnection, tenant: CollectedTenant): ExportedConnection {
    const entry: { -readonly [K in keyof ConnectionConfig]: ConnectionConfig[K] } = {};
    const { connection } = c;
    if (connection.options !== undefined && !(PASSWORDLESS_STRATEGIES as readonly string[]).includes(connection.strategy)) {
        entry.profileSync = effectiveMode(connection.options);
    }
    let scimNote: string | undefined;
    if (c.scim !== undefined) {
        const dflt = tenant.scimDefaults.get(connection.strategy);
        const isDefault = dflt !== undefined && sameMapping(c.scim.mapping, dflt, "scim");
        entry.scim = {
            userIdAttribute: c.scim.user_id_attribute,
            ...(isDefault ? {} : { mapping: c.scim.mapping.map((m) => ({ auth0: m.auth0, scim: m.scim })) }),
        };
        if (c.scimTokens && c.scimTokens.length > 0) {
            const ids = c.scimTokens.map((t) => `${t.token_id} [${t.scopes.join(" ")}]`).join(", ");
            scimNote = ` existing SCIM tokens (values cannot be read back; declare new ones under tokens:): ${ids}`;
        }
    }
    if (c.directory !== undefined) {
        const dflt = tenant.directoryDefaults.get(connection.strategy);
        const isDefault = dflt !== undefined && sameMapping(c.directory.mapping, dflt, "idp");
        entry.directoryProvisioning = {
            ...(isDefault ? {} : { mapping: c.directory.mapping.map((m) => ({ auth0: m.auth0, idp: m.idp })) }),
            synchronizeAutomatically: c.directory.synchronize_automatically,
            synchronizeGroups: c.directory.synchronize_groups ?? "off",
        };
    }
    return { name: connection.name, entry, notes: c.problems, ...(scimNote ? { scimNote } : {}) };
}

/** Builds the YAML node of the whole block, with per-connection comments. */
export function connectionsNode(doc: Document, exported: readonly ExportedConnection[]): YAMLMap {
    const block = doc.createNode(
        Object.fromEntries(exported.filter((e) => Object.keys(e.entry).length > 0).map((e) => [e.name, e.entry])),
    ) as YAMLMap;
    for (const e of exported) {
        const node = block.get(e.name, true);
        if (!isMap(node)) continue;
        if (e.notes.length > 0) node.commentBefore = e.notes.map((n) => ` ${n}`).join("\n");
        const scim = node.get("scim", true);
        if (e.scimNote && isMap(scim)) scim.commentBefore = e.scimNote;
    }
    return block;
}

/** The block alone, as it would sit under `config:` (for printing). */
export function renderBlock(exported: readonly ExportedConnection[]): string {
    const doc = new Document({});
    doc.setIn(["config", CONNECTIONS_KEY], connectionsNode(doc, exported));
    return doc.toString({ lineWidth: 0 });
}

/** A stack file with the block replaced (or added), everything else kept as it was. */
export function mergeIntoStackFile(existing: string | undefined, exported: readonly ExportedConnection[]): string {
    const doc = existing === undefined || existing.trim() === "" ? new Document({ config: {} }) : parseDocument(existing);
    if (doc.errors.length > 0) throw new Error(`the stack file is not valid YAML: ${doc.errors[0].message}`);
    doc.setIn(["config", CONNECTIONS_KEY], connectionsNode(doc, exported));
    return doc.toString({ lineWidth: 0 });
}
