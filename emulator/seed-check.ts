import { jsonType } from "./errors";
import { isEmail } from "./groups";
import { CONNECTION_STRATEGIES, DIRECTORY_STRATEGY, SCIM_STRATEGIES } from "./strategies";

type Entry = Record<string, unknown>;

const TOP_LEVEL = [
    "tenant",
    "clients",
    "tokens",
    "connections",
    "scim_configurations",
    "scim_tokens",
    "directory_provisionings",
    "synchronizations",
    "synchronized_groups",
    "directory_provisioning_enabled",
];
const CONNECTION_ID = /^con_[A-Za-z0-9]{16}$/;
const CONNECTION_NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/;
const GROUP_MODES = ["all", "off", "selected"];

/**
 * How strict the check is. A hand-written seed is checked against everything the emulator knows;
 * a seed read from a real tenant's snapshot (`realTenant`) is what a tenant really holds, so ids,
 * names, strategies and option shapes the emulator has not seen are accepted: only what the
 * emulator cannot serve at all (a connection without id, name or strategy, duplicates, entries of
 * unknown connections) is refused.
 */
export interface SeedCheckOptions {
    readonly realTenant?: boolean;
}

/** Stops at the first problem, naming the entry so a broken seed is fixed in one look. */
function fail(where: string, problem: string): never {
    throw new Error(`seed error: ${where}: ${problem}`);
}

function object(value: unknown, where: string): Entry {
    if (typeof value !== "object" || value === null || Array.isArray(value)) fail(where, `expected an object, found ${jsonType(value)}`);
    return value as Entry;
}

function array(value: unknown, where: string): unknown[] {
    if (!Array.isArray(value)) fail(where, `expected an array, found ${jsonType(value)}`);
    return value;
}

function text(entry: Entry, key: string, where: string, required: boolean): string | undefined {
    const value = entry[key];
    if (value === undefined && !required) return undefined;
    if (typeof value !== "string" || value === "") {
        fail(where, `"${key}" must be a non-empty string, found ${value === "" ? "an empty string" : jsonType(value)}`);
    }
    return value;
}

function texts(entry: Entry, key: string, where: string, required: boolean): void {
    const value = entry[key];
    if (value === undefined && !required) return;
    if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) fail(where, `"${key}" must be an array of strings`);
}

function typed(entry: Entry, key: string, type: string, where: string): void {
    if (entry[key] !== undefined && jsonType(entry[key]) !== type) fail(where, `"${key}" must be ${type}, found ${jsonType(entry[key])}`);
}

function checkClients(seed: Entry): void {
    const seen = new Set<string>();
    array(seed.clients ?? [], "clients").forEach((raw, i) => {
        const entry = object(raw, `clients[${i}]`);
        const id = text(entry, "client_id", `clients[${i}]`, true) ?? "";
        const where = `clients[${i}] (client_id "${id}")`;
        text(entry, "client_secret", where, true);
        texts(entry, "scopes", where, true);
        if (seen.has(id)) fail(where, `duplicate client_id ${id}`);
        seen.add(id);
    });
}

function checkTokens(seed: Entry): void {
    const seen = new Set<string>();
    array(seed.tokens ?? [], "tokens").forEach((raw, i) => {
        const where = `tokens[${i}]`;
        const entry = object(raw, where);
        const token = text(entry, "token", where, true) ?? "";
        texts(entry, "scopes", where, true);
        typed(entry, "expires_at", "integer", where);
        if (seen.has(token)) fail(where, "duplicate token");
        seen.add(token);
    });
}

/** Returns connection id → strategy, for the checks of the configurations that hang off them. */
function checkConnections(seed: Entry, realTenant: boolean): Map<string, string> {
    const strategies = new Map<string, string>();
    const names = new Set<string>();
    array(seed.connections ?? [], "connections").forEach((raw, i) => {
        const entry = object(raw, `connections[${i}]`);
        const name = text(entry, "name", `connections[${i}]`, true) ?? "";
        const where = `connections[${i}] (name "${name}")`;
        const strategy = text(entry, "strategy", where, true) ?? "";
        const id = text(entry, "id", where, realTenant);
        // Options must be an object either way: every route reads and replaces them as one.
        typed(entry, "options", "object", where);
        if (!realTenant) {
            if (!CONNECTION_NAME.test(name) || name.length > 128) fail(where, "name is not a valid connection name");
            if (!CONNECTION_STRATEGIES.has(strategy)) fail(where, `unknown strategy "${strategy}"`);
            if (id !== undefined && !CONNECTION_ID.test(id)) fail(where, `id ${id} is not "con_" + 16 letters or digits`);
            for (const key of ["metadata", "authentication", "connected_accounts"]) typed(entry, key, "object", where);
            for (const key of ["is_domain_connection", "show_as_button"]) typed(entry, key, "boolean", where);
            for (const key of ["display_name", "provisioning_ticket_url"]) typed(entry, key, "string", where);
            for (const key of ["enabled_clients", "realms"]) texts(entry, key, where, false);
        }
        if (id !== undefined && strategies.has(id)) fail(where, `duplicate id ${id}`);
        if (names.has(name)) fail(where, `duplicate name "${name}"`);
        names.add(name);
        if (id !== undefined) strategies.set(id, strategy);
    });
    return strategies;
}

/** Walks a `{connection id: value}` section, checking that each key names a suitable connection. */
function eachOwned(
    seed: Entry,
    section: string,
    visit: (value: unknown, where: string, id: string) => void,
    needs: (id: string) => string | undefined,
): void {
    for (const [id, value] of Object.entries(object(seed[section] ?? {}, section))) {
        const where = `${section}["${id}"]`;
        const problem = needs(id);
        if (problem !== undefined) fail(where, problem);
        visit(value, where, id);
    }
}

function checkMapping(entry: Entry, where: string, keys: [string, string]): void {
    if (entry.mapping === undefined) return;
    array(entry.mapping, `${where}.mapping`).forEach((raw, i) => {
        const item = object(raw, `${where}.mapping[${i}]`);
        for (const key of keys) text(item, key, `${where}.mapping[${i}]`, true);
    });
}

function checkScim(seed: Entry, strategies: Map<string, string>, realTenant: boolean): void {
    const known = (id: string): string | undefined => {
        const strategy = strategies.get(id);
        if (strategy === undefined) return `unknown connection ${id}`;
        // A tenant that has SCIM on a strategy we do not list has it: the snapshot is the truth.
        return realTenant || SCIM_STRATEGIES.includes(strategy) ? undefined : `strategy ${strategy} does not support SCIM`;
    };
    const configured = (id: string): string | undefined =>
        known(id) ?? (isOwned(seed, "scim_configurations", id) ? undefined : `connection ${id} has no scim_configurations entry`);
    eachOwned(
        seed,
        "scim_configurations",
        (value, where) => {
            const entry = object(value, where);
            text(entry, "user_id_attribute", where, false);
            checkMapping(entry, where, ["scim", "auth0"]);
        },
        known,
    );
    const tokenIds = new Set<string>();
    eachOwned(
        seed,
        "scim_tokens",
        (value, where) => {
            let active = 0;
            array(value, where).forEach((raw, i) => {
                const entry = object(raw, `${where}[${i}]`);
                const id = text(entry, "token_id", `${where}[${i}]`, true) ?? "";
                const at = `${where}[${i}] (token_id "${id}")`;
                text(entry, "token", at, true);
                text(entry, "created_at", at, true);
                texts(entry, "scopes", at, true);
                const validUntil = text(entry, "valid_until", at, false);
                text(entry, "last_used_at", at, false);
                if (tokenIds.has(id)) fail(at, `duplicate token_id ${id}`);
                tokenIds.add(id);
                if (validUntil === undefined || Date.parse(validUntil) > Date.now()) active += 1;
            });
            // The same limit routes/scim.ts enforces on POST (not imported: that module depends on this one).
            if (active > 2 && !realTenant) fail(where, `${active} active tokens, the API allows at most 2 per connection`);
        },
        configured,
    );
}

function isOwned(seed: Entry, section: string, id: string): boolean {
    const value = seed[section];
    return typeof value === "object" && value !== null && Object.hasOwn(value, id);
}

function checkDirectory(seed: Entry, strategies: Map<string, string>, realTenant: boolean): void {
    const known = (id: string): string | undefined => {
        const strategy = strategies.get(id);
        if (strategy === undefined) return `unknown connection ${id}`;
        return realTenant || strategy === DIRECTORY_STRATEGY ? undefined : `strategy ${strategy} does not support directory provisioning`;
    };
    const configured = (id: string): string | undefined =>
        known(id) ?? (isOwned(seed, "directory_provisionings", id) ? undefined : `connection ${id} has no directory_provisionings entry`);
    eachOwned(
        seed,
        "directory_provisionings",
        (value, where) => {
            const entry = object(value, where);
            checkMapping(entry, where, ["idp", "auth0"]);
            typed(entry, "synchronize_automatically", "boolean", where);
            const mode = entry.synchronize_groups;
            if (mode !== undefined && (typeof mode !== "string" || !GROUP_MODES.includes(mode))) {
                fail(where, `"synchronize_groups" must be one of ${GROUP_MODES.join(", ")}`);
            }
        },
        known,
    );
    eachOwned(
        seed,
        "synchronizations",
        (value, where) => {
            array(value, where).forEach((raw, i) => {
                const entry = object(raw, `${where}[${i}]`);
                for (const key of ["synchronization_id", "status", "created_at"]) text(entry, key, `${where}[${i}]`, true);
                text(entry, "completed_at", `${where}[${i}]`, false);
            });
        },
        configured,
    );
    eachOwned(
        seed,
        "synchronized_groups",
        (value, where) => {
            const ids = new Set<string>();
            array(value, where).forEach((raw, i) => {
                const entry = object(raw, `${where}[${i}]`);
                const id = text(entry, "id", `${where}[${i}]`, true) ?? "";
                const at = `${where}[${i}] (id "${id}")`;
                typed(entry, "name", "string", at);
                const email = text(entry, "email", at, false);
                if (email !== undefined && !realTenant && !isEmail(email)) fail(at, `"email" ${email} is not an email address`);
                typed(entry, "direct_members_count", "integer", at);
                if (ids.has(id)) fail(at, `duplicate group id ${id}`);
                ids.add(id);
            });
        },
        configured,
    );
}

/**
 * Checks a seed (already parsed JSON) and throws `seed error: <entry>: <problem>` for the first
 * problem: wrong types, duplicate ids or names, unknown strategies, clients without a secret,
 * configurations for unknown or unsuitable connections, more than two active SCIM tokens. With
 * `realTenant` (a seed read from a snapshot) see {@link SeedCheckOptions}.
 */
export function checkSeed(raw: unknown, options: SeedCheckOptions = {}): void {
    const realTenant = options.realTenant === true;
    const seed = object(raw, "seed");
    const unknown = Object.keys(seed).filter((key) => !TOP_LEVEL.includes(key));
    if (unknown.length > 0) fail("seed", `unknown field(s) ${unknown.join(", ")}`);
    text(seed, "tenant", "tenant", true);
    typed(seed, "directory_provisioning_enabled", "boolean", "directory_provisioning_enabled");
    checkClients(seed);
    checkTokens(seed);
    const strategies = checkConnections(seed, realTenant);
    checkScim(seed, strategies, realTenant);
    checkDirectory(seed, strategies, realTenant);
}
