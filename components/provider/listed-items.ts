/**
 * The items of a tenant-wide listing that may stand in for a single GET: each must carry what the
 * single GET's answer is checked for, or it is read on its own.
 */
import type { Connection, DirectoryProvisioningConfig, ScimConfig } from "../../management-api/types";

/** True for an object the way the API answers one (not null, not an array). */
function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isPairs(value: unknown, other: "scim" | "idp"): boolean {
    return Array.isArray(value) && value.every((m) => isRecord(m) && typeof m.auth0 === "string" && typeof m[other] === "string");
}

// A listed item must carry what the single GET's answer is checked for; one that does not is read
// on its own, so a malformed page can never stand in for a live object.
export function isConnection(value: unknown): value is Connection {
    return (
        isRecord(value) &&
        typeof value.id === "string" &&
        typeof value.name === "string" &&
        typeof value.strategy === "string" &&
        (value.options === undefined || isRecord(value.options))
    );
}

/** True for a listed SCIM configuration with what its single GET is checked for. */
export function isScimConfig(value: unknown): value is ScimConfig {
    return (
        isRecord(value) &&
        typeof value.connection_id === "string" &&
        typeof value.strategy === "string" &&
        typeof value.user_id_attribute === "string" &&
        isPairs(value.mapping, "scim")
    );
}

/** True for a listed directory provisioning with what its single GET is checked for. */
export function isDirectoryConfig(value: unknown): value is DirectoryProvisioningConfig {
    return (
        isRecord(value) &&
        typeof value.connection_id === "string" &&
        typeof value.strategy === "string" &&
        typeof value.synchronize_automatically === "boolean" &&
        isPairs(value.mapping, "idp")
    );
}

/** The valid items of a listing, by connection id. */
export function byId<T>(items: readonly unknown[], valid: (item: unknown) => item is T, id: (item: T) => string): Map<string, T> {
    const out = new Map<string, T>();
    for (const item of items) if (valid(item)) out.set(id(item), item);
    return out;
}
