import { readFileSync } from "node:fs";
import { defaultDirectoryMapping, defaultScimMapping, SAMPLE_SEED_PATH } from "./data";
import { sortGroups } from "./groups";
import { isoNow, randomId } from "./ids";
import { fillConnectionFields } from "./routes/connection-defaults";
import { checkSeed, type SeedCheckOptions } from "./seed-check";
import type { Connection, DirectoryProvisioning, EmulatorState, ScimConfiguration, Seed } from "./types";

/**
 * Reads a seed from an object, a JSON file path, or the bundled sample; always returns a private,
 * checked copy. A broken seed throws `seed error: <entry>: <problem>` (plus the file, if any).
 */
export function loadSeed(seed: Seed | string | undefined, check: SeedCheckOptions = {}): Seed {
    const file = typeof seed === "object" ? undefined : (seed ?? SAMPLE_SEED_PATH);
    const raw: unknown = file === undefined ? seed : JSON.parse(readFileSync(file, "utf8"));
    try {
        checkSeed(raw, check);
    } catch (error) {
        if (file === undefined || !(error instanceof Error)) throw error;
        throw new Error(`${error.message} (in ${file})`);
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
        mapping: (given.mapping ?? defaultScimMapping(connection.strategy)).map((m) => ({ scim: m.scim, auth0: m.auth0 })),
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

/**
 * Builds the live tenant state from a seed (checked again, for callers that skip loadSeed). Seed
 * connections get the server's top-level fields where they lack them; their options stay as given,
 * because a seed is a snapshot of a live tenant and only POST/PATCH make the server rewrite options.
 * `check` is passed to checkSeed (`realTenant` for a seed read from a tenant snapshot).
 */
export function buildState(seed: Seed, directoryProvisioningEnabled?: boolean, check: SeedCheckOptions = {}): EmulatorState {
    checkSeed(seed, check);
    const state: EmulatorState = {
        tenant: seed.tenant,
        clients: seed.clients ?? [],
        tokens: seed.tokens ?? [],
        connections: {},
        scimConfigurations: {},
        scimTokens: {},
        directoryProvisionings: {},
        synchronizations: {},
        synchronizedGroups: {},
        deletedConnectionIds: new Set(),
        directoryProvisioningEnabled: directoryProvisioningEnabled ?? seed.directory_provisioning_enabled ?? true,
    };
    for (const connection of seed.connections ?? []) {
        const id = connection.id ?? randomId("con_");
        state.connections[id] = fillConnectionFields({ ...connection, id }, seed.tenant);
    }
    const owner = (id: string): Connection => state.connections[id];
    for (const [id, given] of Object.entries(seed.scim_configurations ?? {})) {
        state.scimConfigurations[id] = makeScimConfiguration(state, owner(id), given);
    }
    for (const [id, tokens] of Object.entries(seed.scim_tokens ?? {})) state.scimTokens[id] = tokens;
    for (const [id, given] of Object.entries(seed.directory_provisionings ?? {})) {
        state.directoryProvisionings[id] = makeDirectoryProvisioning(owner(id), given);
    }
    for (const [id, runs] of Object.entries(seed.synchronizations ?? {})) state.synchronizations[id] = runs;
    for (const [id, groups] of Object.entries(seed.synchronized_groups ?? {})) state.synchronizedGroups[id] = sortGroups(groups);
    return state;
}
