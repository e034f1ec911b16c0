import { randomBytes, randomInt } from "node:crypto";

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** `prefix` + `length` random alphanumerics, e.g. "con_" + 16 like Auth0 connection ids. */
export function randomId(prefix: string, length = 16): string {
    let id = prefix;
    for (let i = 0; i < length; i++) id += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
    return id;
}

/** An opaque bearer secret; callers must never be able to parse meaning out of it. */
export function randomSecret(bytes = 32): string {
    return randomBytes(bytes).toString("base64url");
}

/** ISO timestamp for `ms` (default now), the format the API uses for created_at & co. */
export function isoNow(ms: number = Date.now()): string {
    return new Date(ms).toISOString();
}
