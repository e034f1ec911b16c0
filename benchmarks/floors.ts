/**
 * What one size manages, and the fewest requests each operation can make on it: the floors the
 * measured counts are judged against. Computed from the same functions that build the seed.
 */
import { LISTING_PAGE_SIZE } from "../management-api/types";
import type { OpName } from "./measure";
import { declaredConnections, type Declared, seededMode } from "./seed";

/** Counts of what one size manages; a "setting" is one dynamic resource. */
export interface SizeShape {
    readonly connections: number;
    readonly declared: Declared;
    readonly resources: number;
    /** Settings `create` must write: profile syncs whose live value differs, plus every SCIM config, token and directory config. */
    readonly createWrites: number;
    /** SCIM configurations in the tenant (all declared here). */
    readonly scimConfigs: number;
    /** Directory provisionings in the tenant (all declared here). */
    readonly directoryConfigs: number;
    /** Connections with declared SCIM tokens: one token listing each, there is no tenant-wide one. */
    readonly tokenConnections: number;
    /** Default mappings a command must ask for: one per kind and strategy left at the API's default. */
    readonly defaultMappings: number;
}

/** The shape of a size, computed from the same functions that build the seed. */
export function shapeOf(n: number, declared: Declared = "all"): SizeShape {
    let resources = 0;
    let createWrites = 0;
    let scimConfigs = 0;
    let directoryConfigs = 0;
    let tokenConnections = 0;
    const defaults = new Set<string>();
    for (const c of declaredConnections(n, declared)) {
        const i = Number(c.name.slice(-4));
        const settings = 1 + (c.scim ? 1 + c.scim.tokens.length : 0) + (c.directoryProvisioning ? 1 : 0);
        resources += settings;
        createWrites += settings - 1 + ((seededMode(i) ?? "on_each_login") === c.mode ? 0 : 1);
        if (c.scim) scimConfigs += 1;
        if (c.scim && c.scim.tokens.length > 0) tokenConnections += 1;
        if (c.directoryProvisioning) directoryConfigs += 1;
        if (c.scim && c.scim.mapping === undefined) defaults.add(`scim|${c.strategy}`);
        if (c.directoryProvisioning && c.directoryProvisioning.mapping === undefined) defaults.add(`directory|${c.strategy}`);
    }
    return {
        connections: n,
        declared,
        resources,
        createWrites,
        scimConfigs,
        directoryConfigs,
        tokenConnections,
        defaultMappings: defaults.size,
    };
}

/**
 * The cheaper way to read `objects` objects of one kind: the tenant-wide listing (one request per
 * 100) or one GET each. Here the tenant holds exactly what is declared.
 */
export function kindFloor(objects: number): number {
    return objects === 0 ? 0 : Math.min(objects, Math.ceil(objects / LISTING_PAGE_SIZE));
}

/**
 * Reads the floor allows. A no-op preview, up or refresh: the list pages of connections, SCIM and
 * directory configurations (or single GETs where fewer), one token listing per connection with
 * tokens, and each default mapping once; `up` with k changes reads each changed connection once
 * more, right before its PATCH. `create` keeps its old floor: at most one read per setting.
 */
export function readFloor(op: OpName, shape: SizeShape, k: number): number {
    if (op === "create") return shape.resources;
    const live =
        kindFloor(shape.connections) +
        kindFloor(shape.scimConfigs) +
        kindFloor(shape.directoryConfigs) +
        shape.tokenConnections +
        shape.defaultMappings;
    return op === "change" ? live + k : live;
}

/** Writes the floor allows: none for a no-op or a refresh, one per changed setting otherwise. */
export function writeFloor(op: OpName, createWrites: number, k: number): number {
    return op === "create" ? createWrites : op === "change" ? k : 0;
}
