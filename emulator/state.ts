import { readFileSync } from "node:fs";
import { defaultDirectoryMapping, defaultScimMapping, SAMPLE_SEED_PATH } from "./data";
import { isPlainObject } from "./errors";
import { isoNow, randomId } from "./ids";
import type { Connection, DirectoryProvisioning, EmulatorState, ScimConfiguration, Seed } from "./types";

/** Reads a seed from an object, a JSON file path, or the bundled sample; always returns a private copy. */
export function loadSeed(seed: Seed | string | undefined): Seed {
    const raw: unknown = typeof seed === "object" ? seed : JSON.parse(readFileSync(seed ?? SAMPLE_SEED_PATH, "utf8"));
    const where = typeof seed === "string" ? seed : seed === undefined ? SAMPLE_SEED_PATH : "seed object";
    if (!isPlainObject(raw) || typeof raw.tenant !== "string" || raw.tenant === "") {
        throw new Error(`${where}: a seed needs a non-empty "tenant" string`);
    }
    for (const key of ["clients", "tokens", "connections"]) {
        if (raw[key] !== undefined && !Array.isArray(raw[key])) throw new Error(`${where}: "${key}" must be an array`);
    }
    for (const key of ["scim_configurations", "directory_provisionings", "scim_tokens", "synchronizations"]) {
        if (raw[key] !== undefined && !isPlainObject(raw[key])) throw new Error(`${where}: "${key}" must be an object`);
    }
    // A JSON round trip detaches the state from the caller's object so tests can reuse seeds.
    return JSON.parse(JSON.stringify(raw)) as Seed;
}

/** Fills a SCIM configuration the way the API does on create. */
export function makeScimConfiguration(
    state: EmulatorState,
    connection: Connection,
    given: Partial<ScimConfiguration> = {},
): ScimConfiguration {
    const created = given.created_at ?? isoNow();
    return {
        tenant_name: state.tenant,
        connection_id: connection.id,
        connection_name: connection.name,
        strategy: connection.strategy,
        user_id_attribute: given.user_id_attribute ?? "externalId",
        mapping: (given.mapping ?? defaultScimMapping()).map((m) => ({ scim: m.scim, auth0: m.auth0 })),
        created_at: created,
        updated_on: given.updated_on ?? created,
    };
}

/** Fills a directory provisioning configuration the way the API does on create. */
export function makeDirectoryProvisioning(connection: Connection, given: Partial<DirectoryProvisioning> = {}): DirectoryProvisioning {
    const created = given.created_at ?? isoNow();
    const config: DirectoryProvisioning = {
        connection_id: connection.id,
        connection_name: connection.name,
        strategy: connection.strategy,
        mapping: (given.mapping ?? defaultDirectoryMapping()).map((m) => ({ idp: m.idp, auth0: m.auth0 })),
        synchronize_automatically: given.synchronize_automatically ?? false,
        synchronize_groups: given.synchronize_groups ?? "off",
        created_at: created,
        updated_at: given.updated_at ?? created,
    };
    for (const key of ["last_synchronization_at", "last_synchronization_status", "last_synchronization_error"] as const) {
        const value = given[key];
        if (value !== undefined) config[key] = value;
    }
    return config;
}

/** Builds the live tenant state from a loaded seed. */
export function buildState(seed: Seed, directoryProvisioningEnabled?: boolean): EmulatorState {
    const state: EmulatorState = {
        tenant: seed.tenant,
        clients: seed.clients ?? [],
        tokens: seed.tokens ?? [],
        connections: {},
        scimConfigurations: {},
        scimTokens: {},
        directoryProvisionings: {},
        synchronizations: {},
        directoryProvisioningEnabled: directoryProvisioningEnabled ?? seed.directory_provisioning_enabled ?? true,
    };
    for (const connection of seed.connections ?? []) {
        if (typeof connection.name !== "string" || typeof connection.strategy !== "string") {
            throw new Error(`seed connection ${JSON.stringify(connection.id)} needs a name and a strategy`);
        }
        const id = typeof connection.id === "string" ? connection.id : randomId("con_");
        state.connections[id] = { ...connection, id };
    }
    const owner = (id: string, what: string): Connection => {
        const connection = state.connections[id];
        if (connection === undefined) throw new Error(`seed ${what} refers to unknown connection ${id}`);
        return connection;
    };
    for (const [id, given] of Object.entries(seed.scim_configurations ?? {})) {
        state.scimConfigurations[id] = makeScimConfiguration(state, owner(id, "scim_configurations"), given);
    }
    for (const [id, tokens] of Object.entries(seed.scim_tokens ?? {})) {
        owner(id, "scim_tokens");
        state.scimTokens[id] = tokens;
    }
    for (const [id, given] of Object.entries(seed.directory_provisionings ?? {})) {
        state.directoryProvisionings[id] = makeDirectoryProvisioning(owner(id, "directory_provisionings"), given);
    }
    for (const [id, runs] of Object.entries(seed.synchronizations ?? {})) {
        owner(id, "synchronizations");
        state.synchronizations[id] = runs;
    }
    return state;
}
