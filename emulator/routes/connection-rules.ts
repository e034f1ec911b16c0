import { invalidBody, isPlainObject, jsonType, payloadError } from "../errors";
import type { Connection, EmulatorState, JsonObject } from "../types";

/** The only top-level fields a PATCH may carry. */
export const PATCHABLE_FIELDS: readonly string[] = [
    "display_name",
    "options",
    "enabled_clients",
    "is_domain_connection",
    "show_as_button",
    "realms",
    "metadata",
    "authentication",
    "connected_accounts",
];

/** Fields accepted on create: the patchable ones plus the two that are fixed afterwards. */
export const CREATABLE_FIELDS: readonly string[] = ["name", "strategy", ...PATCHABLE_FIELDS];

const ROOT_ATTRIBUTE_MODES = ["on_each_login", "on_first_login", "never_on_login"];
const PASSWORDLESS = new Set(["email", "sms"]);

/** Rejects keys outside `allowed` with Auth0's "Additional properties not allowed" wording. */
export function rejectUnknownFields(body: Record<string, unknown>, allowed: readonly string[]): void {
    const extra = Object.keys(body).filter((key) => !allowed.includes(key));
    if (extra.length > 0) throw payloadError(`Additional properties not allowed: ${extra.join(",")}`);
}

function expectType(value: unknown, type: string, property: string): void {
    const actual = jsonType(value);
    const ok = type === "number" ? actual === "number" || actual === "integer" : actual === type;
    if (!ok) throw payloadError(`Expected type ${type} but found type ${actual}`, property);
}

function expectStringArray(value: unknown, property: string): void {
    expectType(value, "array", property);
    for (const [i, item] of (value as unknown[]).entries()) expectType(item, "string", `${property}[${i}]`);
}

/** Type-checks the writable fields that are present in a create or PATCH body. */
export function checkFieldTypes(body: Record<string, unknown>): void {
    if (body.display_name !== undefined) expectType(body.display_name, "string", "display_name");
    if (body.options !== undefined) expectType(body.options, "object", "options");
    for (const key of ["enabled_clients", "realms"]) if (body[key] !== undefined) expectStringArray(body[key], key);
    for (const key of ["is_domain_connection", "show_as_button"]) {
        if (body[key] !== undefined) expectType(body[key], "boolean", key);
    }
    for (const key of ["authentication", "connected_accounts"]) {
        if (body[key] !== undefined) expectType(body[key], "object", key);
    }
    if (body.metadata !== undefined) {
        expectType(body.metadata, "object", "metadata");
        const entries = Object.entries(body.metadata as Record<string, unknown>);
        if (entries.length > 10) throw payloadError("Too many properties (11), maximum 10", "metadata");
        for (const [key, value] of entries) expectType(value, "string", `metadata.${key}`);
    }
}

/** Strategy-specific option rules that the real server enforces on create and PATCH. */
export function checkOptions(strategy: string, options: JsonObject): void {
    const mode = options.set_user_root_attributes;
    if (mode === undefined) return;
    if (PASSWORDLESS.has(strategy)) {
        throw invalidBody(
            `Payload validation error: set_user_root_attributes is not allowed for passwordless connections (strategy: ${strategy}).`,
        );
    }
    if (typeof mode !== "string" || !ROOT_ATTRIBUTE_MODES.includes(mode)) {
        throw payloadError(`No enum match for: ${JSON.stringify(mode)}`, "options.set_user_root_attributes");
    }
}

/**
 * Directory sync reads users and groups through the Admin SDK, so a google-apps connection may not
 * lose `api_enable_users` or `ext_groups` while provisioning exists.
 */
export function checkDirectoryGuard(state: EmulatorState, connection: Connection, next: JsonObject): void {
    if (connection.strategy !== "google-apps" || state.directoryProvisionings[connection.id] === undefined) return;
    const before = connection.options ?? {};
    const lost = ["api_enable_users", "ext_groups"].filter((key) => before[key] === true && next[key] !== true);
    if (lost.length > 0) {
        throw invalidBody(
            `Cannot disable ${lost.join(" and ")} while directory provisioning is configured for this connection. ` +
                "Delete the directory provisioning configuration first.",
        );
    }
}

/** Auth0's connection name rule: letters, digits and inner dashes, at most 128 characters. */
export function checkName(name: unknown): string {
    if (name === undefined) throw payloadError("Missing required property: name");
    expectType(name, "string", "name");
    const text = name as string;
    if (text.length > 128) throw payloadError(`String is too long (${text.length} chars), maximum 128`, "name");
    if (!/^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/.test(text)) {
        throw payloadError(`String does not match pattern ^[a-zA-Z0-9](-[a-zA-Z0-9]|[a-zA-Z0-9])*$: ${text}`, "name");
    }
    return text;
}

/** Checks an object body, answering like the API for anything else. */
export function requireObjectBody(body: unknown): Record<string, unknown> {
    if (!isPlainObject(body)) throw payloadError(`Expected type object but found type ${jsonType(body ?? null)}`);
    return body;
}
