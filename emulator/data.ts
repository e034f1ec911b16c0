import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { DirectoryMappingItem, ScimMappingItem } from "./types";

// Recorded from real tenants; kept as the emulator's own copy so it never reads the product's files.
const DATA_DIR = join(__dirname, "data");

function readMapping(file: string): Array<Record<string, string>> {
    const parsed: unknown = JSON.parse(readFileSync(join(DATA_DIR, file), "utf8"));
    const mapping = (parsed as { mapping?: unknown }).mapping;
    if (!Array.isArray(mapping)) throw new Error(`${file}: expected {"mapping": [...]}`);
    return mapping as Array<Record<string, string>>;
}

const scimDefaults = new Map<string, ScimMappingItem[]>();
let directoryDefault: DirectoryMappingItem[] | undefined;

/**
 * A fresh copy of the strategy's SCIM default mapping, keys in the server's scim-first order:
 * waad has its own 30 pairs (upn → userName first); okta, samlp and oidc share the 32-pair list.
 */
export function defaultScimMapping(strategy: string): ScimMappingItem[] {
    const file = strategy === "waad" ? "scim-default-mapping-waad.json" : "scim-default-mapping.json";
    let mapping = scimDefaults.get(file);
    if (mapping === undefined) {
        mapping = readMapping(file).map((m) => ({ scim: m.scim, auth0: m.auth0 }));
        scimDefaults.set(file, mapping);
    }
    return mapping.map((m) => ({ ...m }));
}

/** A fresh copy of the directory provisioning default mapping (51 pairs). */
export function defaultDirectoryMapping(): DirectoryMappingItem[] {
    directoryDefault ??= readMapping("directory-default-mapping.json").map((m) => ({ idp: m.idp, auth0: m.auth0 }));
    return directoryDefault.map((m) => ({ ...m }));
}

/** Where the bundled sample seed lives. */
export const SAMPLE_SEED_PATH = join(__dirname, "seeds", "sample.json");

/** Every Management API scope the emulator knows about. */
export const ALL_SCOPES: readonly string[] = [
    "read:connections",
    "create:connections",
    "update:connections",
    "delete:connections",
    "read:connections_options",
    "update:connections_options",
    "read:scim_config",
    "create:scim_config",
    "update:scim_config",
    "delete:scim_config",
    "read:scim_token",
    "create:scim_token",
    "delete:scim_token",
    "read:directory_provisionings",
    "create:directory_provisionings",
    "update:directory_provisionings",
    "delete:directory_provisionings",
];
