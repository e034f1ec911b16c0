/**
 * Merges an export into a stack file per connection and per key, so that `--write` can never drop
 * what it did not read: connections not exported this time stay as they are; inside an exported
 * one, keys the export does not produce (`tokens`, `onDelete`, `adoptExisting`, ...) stay; a
 * setting that could not be read keeps the file's value. Every removal or change of an existing
 * value is listed, so nothing disappears silently. Comments and other keys of the file stay.
 */
import { Document, isMap, isNode, isScalar, parseDocument, type Pair, type YAMLMap } from "yaml";
import { isDeepStrictEqual } from "node:util";
import { sameMapping, type MappingPair } from "../../components/provider/diff";
import type { ResourceKind } from "../../components/provider/schemas";
import { fieldFacts } from "../../components/provider/validation";
import type { Connection } from "../../management-api/types";
import { CONNECTIONS_KEY, annotate, entryOf, type ExportedConnection, type Setting } from "./render";

/** The stack file after the merge, and what the merge did to the existing block. */
export interface MergeResult {
    readonly doc: Document;
    readonly block: YAMLMap;
    /** Each existing value removed or changed, and each key or connection added, one line each. */
    readonly changes: string[];
    /** Settings whose live value is unknown and whose value in the file was kept, with why. */
    readonly kept: string[];
    /** Entries of the file that name no connection of the tenant (left as they are). */
    readonly strangers: string[];
}

function keyText(key: unknown): string {
    return isScalar(key) ? String(key.value) : String(key);
}

function plain(node: unknown): unknown {
    return isNode(node) ? node.toJSON() : node;
}

/** A short rendering of a value for a change line: mappings by their size, the rest as JSON. */
function show(v: unknown): string {
    if (Array.isArray(v)) return `[${v.length} pair(s)]`;
    const text = typeof v === "string" ? v : JSON.stringify(v);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function isPair<K extends "scim" | "idp">(p: unknown, other: K): p is MappingPair<K> {
    return typeof p === "object" && p !== null && typeof Reflect.get(p, "auth0") === "string" && typeof Reflect.get(p, other) === "string";
}

/** The pairs of a mapping as found in a file, or undefined when it is not a list of such pairs. */
function pairsOf<K extends "scim" | "idp">(v: unknown, other: K): MappingPair<K>[] | undefined {
    return Array.isArray(v) && v.every((p) => isPair(p, other)) ? v : undefined;
}

function schemaDefault(kind: ResourceKind, field: string): unknown {
    return fieldFacts(kind).find((f) => f.field === field)?.default;
}

/** How to merge one object setting (scim, directoryProvisioning). */
interface ObjectSetting<K extends "scim" | "idp"> {
    readonly kind: ResourceKind;
    readonly other: K;
    /** The API's default mapping, when the export left the mapping out. */
    readonly dflt: readonly MappingPair<K>[] | undefined;
}

/** Merges one exported object setting into the file's map of it, field by field; fields we do not read stay. */
/** True when two group lists select the same groups; order never matters. */
function sameGroups(a: unknown, b: unknown): boolean {
    const key = (l: unknown) => (Array.isArray(l) ? l.map((g) => JSON.stringify(g, Object.keys(g ?? {}).sort())).sort() : l);
    return isDeepStrictEqual(key(a), key(b));
}

function mergeObject<K extends "scim" | "idp">(
    doc: Document,
    target: YAMLMap,
    value: object,
    how: ObjectSetting<K>,
    at: string,
    changes: string[],
): void {
    const { kind, other, dflt } = how;
    for (const [field, v] of Object.entries(value)) {
        const old = plain(target.get(field, true));
        if (old === undefined) {
            // Leaving a default out keeps a hand-written `scim: {}` as short as it was.
            if (isDeepStrictEqual(v, schemaDefault(kind, field))) continue;
            changes.push(`${at}.${field}: added ${show(v)}`);
        } else if (field === "mapping") {
            const had = pairsOf(old, other);
            if (had !== undefined && sameMapping(had, pairsOf(v, other) ?? [], other)) continue;
            changes.push(`${at}.mapping: ${show(old)} -> ${show(v)} (the live mapping)`);
        } else if (field === "groups" ? sameGroups(old, v) : isDeepStrictEqual(old, v)) {
            continue;
        } else if (field === "groups" && Array.isArray(old) && Array.isArray(v)) {
            changes.push(`${at}.groups: ${old.length} -> ${v.length} group(s) (the live selection)`);
        } else {
            changes.push(`${at}.${field}: ${show(old)} -> ${show(v)}`);
        }
        target.set(field, doc.createNode(v));
        if (target.flow && typeof v === "object") target.flow = false;
    }
    if (!("mapping" in value) && target.has("mapping")) {
        // The tenant uses the API's default; an explicit list with the same pairs means the same.
        const had = pairsOf(plain(target.get("mapping", true)), other);
        if (had !== undefined && dflt !== undefined && sameMapping(had, dflt, other)) return;
        changes.push(`${at}.mapping: removed (the tenant uses the API's default mapping)`);
        target.delete("mapping");
    }
}

/**
 * Merges one setting: "unknown" keeps the file's value (and says so), "absent" removes it (and
 * says so), a value goes through `apply` with whatever the file has.
 */
function mergeSetting<T>(
    entry: YAMLMap,
    key: string,
    s: Setting<T> | undefined,
    at: string,
    result: MergeResult,
    apply: (value: T, existing: unknown) => void,
): void {
    const existing: unknown = entry.get(key, true);
    if (s === undefined) return;
    if (s.state === "unknown") {
        if (existing !== undefined) result.kept.push(`${at}: kept as in the stack file (${s.reason})`);
        return;
    }
    if (s.state === "absent") {
        if (existing === undefined) return;
        const tokens = isMap(existing) ? plain(existing.get("tokens", true)) : undefined;
        // Tokens are a map from name to token, or a list (named by position).
        const count = typeof tokens === "object" && tokens !== null ? Object.keys(tokens).length : 0;
        const also = count > 0 ? `, and with it ${count} declared token(s)` : "";
        result.changes.push(`${at}: removed (${s.what}${also})`);
        entry.delete(key);
        return;
    }
    apply(s.value, existing);
}

/** Merges the exported settings of one connection into its existing entry. */
function mergeEntry(doc: Document, entry: YAMLMap, e: ExportedConnection, label: string, result: MergeResult): void {
    const { changes } = result;
    const { profileSync, scim, directoryProvisioning } = e.settings;
    const replace = (key: string, value: object, existing: unknown) => {
        changes.push(
            existing === undefined ? `${label}.${key}: added` : `${label}.${key}: ${show(plain(existing))} -> what the tenant has`,
        );
        entry.set(key, doc.createNode(value));
    };
    mergeSetting(entry, "profileSync", profileSync, `${label}.profileSync`, result, (mode, existing) => {
        if (isMap(existing)) {
            // `{mode, onDelete}`: the mode is live, the delete policy is ours to keep.
            const old = plain(existing.get("mode", true));
            if (old === mode) return;
            changes.push(`${label}.profileSync.mode: ${show(old)} -> ${mode}`);
            existing.set("mode", mode);
        } else if (plain(existing) !== mode) {
            changes.push(
                existing === undefined
                    ? `${label}.profileSync: added ${mode}`
                    : `${label}.profileSync: ${show(plain(existing))} -> ${mode}`,
            );
            entry.set("profileSync", mode);
        }
    });
    mergeSetting(entry, "scim", scim, `${label}.scim`, result, (value, existing) => {
        if (!isMap(existing)) return replace("scim", value, existing);
        mergeObject(doc, existing, value, { kind: "ScimConfiguration", other: "scim", dflt: e.defaults.scim }, `${label}.scim`, changes);
    });
    mergeSetting(entry, "directoryProvisioning", directoryProvisioning, `${label}.directoryProvisioning`, result, (value, existing) => {
        if (!isMap(existing)) return replace("directoryProvisioning", value, existing);
        const how = { kind: "DirectoryProvisioning", other: "idp", dflt: e.defaults.directoryProvisioning } as const;
        mergeObject(doc, existing, value, how, `${label}.directoryProvisioning`, changes);
        // Selected groups mean something only with `synchronizeGroups: selected`; the provider refuses them otherwise.
        if (value.synchronizeGroups !== "selected" && existing.has("groups")) {
            changes.push(
                `${label}.directoryProvisioning.groups: removed (the tenant synchronizes ${value.synchronizeGroups}, not selected groups)`,
            );
            existing.delete("groups");
        }
    });
}

function findPair(block: YAMLMap, e: ExportedConnection): Pair<unknown, unknown> | undefined {
    // A config may name a connection by its `con_` id: that entry is the same connection.
    return block.items.find((p) => keyText(p.key) === e.name) ?? block.items.find((p) => keyText(p.key) === e.id);
}

/**
 * Merges `exported` into the stack file text (undefined: no file yet). `listed` is every
 * connection of the tenant, to name the file's entries that match none.
 */
export function mergeIntoStackFile(
    existing: string | undefined,
    exported: readonly ExportedConnection[],
    listed: readonly Connection[],
): MergeResult {
    const doc = existing === undefined || existing.trim() === "" ? new Document({ config: {} }) : parseDocument(existing);
    if (doc.errors.length > 0) throw new Error(`the stack file is not valid YAML: ${doc.errors[0].message}`);
    let found: unknown = doc.getIn(["config", CONNECTIONS_KEY], true);
    if (found === undefined || found === null || (isScalar(found) && found.value === null)) {
        found = doc.createNode({});
        doc.setIn(["config", CONNECTIONS_KEY], found);
    }
    if (!isMap(found)) throw new Error(`config.${CONNECTIONS_KEY} in the stack file is not a map: fix it first (nothing was written)`);
    const block = found;
    const result: MergeResult = { doc, block, changes: [], kept: [], strangers: [] };
    let added = 0;
    for (const e of exported) {
        const pair = findPair(block, e);
        const entry = entryOf(e);
        if (pair === undefined || !isMap(pair.value)) {
            if (Object.keys(entry).length === 0) continue;
            const node = doc.createNode(entry);
            if (!isMap(node)) continue;
            annotate(node, e);
            if (pair === undefined) {
                added += 1;
                block.flow = false;
                block.add(doc.createPair(e.name, node));
            } else {
                result.changes.push(`${keyText(pair.key)}: ${show(plain(pair.value))} -> what the tenant has`);
                pair.value = node;
            }
            continue;
        }
        const label = keyText(pair.key);
        mergeEntry(doc, pair.value, e, label, result);
        if (pair.value.items.length === 0) {
            result.changes.push(`${label}: removed (nothing left to manage on it)`);
            block.delete(pair.key);
            continue;
        }
        annotate(pair.value, e);
    }
    if (added > 0) result.changes.push(`added ${added} connection(s)`);
    const known = new Set(listed.flatMap((c) => [c.name, c.id]));
    for (const p of block.items) {
        if (!known.has(keyText(p.key))) result.strangers.push(keyText(p.key));
    }
    return result;
}
