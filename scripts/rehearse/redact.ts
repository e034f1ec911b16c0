/**
 * Keeps secrets out of a tenant snapshot. Option values that are credentials (client secrets,
 * passwords, private keys, signing keys, access and refresh tokens, API keys) and any string that
 * looks like a PEM private key, at any depth, are replaced by a placeholder of the same shape:
 * same length, letters stay letters of the same case, digits stay digits, punctuation and line
 * breaks stay where they were, so an option that must "look like" a key still does, and nothing of
 * the value is left. Pure: a value in, a redacted copy and the paths replaced out.
 */

/** Names (lower-cased, `_` and `-` dropped) whose values are credentials wherever they appear. */
const SECRET_PARTS = ["secret", "password", "passwd", "passphrase", "privatekey", "apikey", "credential"];
/** Whole names that are credentials: a certificate's `key` next to its `cert`, signing and decryption keys. */
const SECRET_NAMES = new Set(["key", "signingkey", "decryptionkey", "pkcs12", "pfx"]);
const PEM_PRIVATE = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;

/** True when a key's value is a credential by its name. */
export function isSecretKey(key: string): boolean {
    const k = key.toLowerCase().replace(/[_-]/g, "");
    // `admin_access_token`, `refresh_token`, `token`; not `token_endpoint` or `..._token_expiresin`.
    return SECRET_PARTS.some((p) => k.includes(p)) || SECRET_NAMES.has(k) || k.endsWith("token");
}

/** True for a string holding a PEM private key, whatever its key is called. */
export function looksLikePrivateKey(value: string): boolean {
    return PEM_PRIVATE.test(value);
}

function shapeOf(value: string, letters: [string, string, string]): string {
    return value.replace(/[a-z]/g, letters[0]).replace(/[A-Z]/g, letters[1]).replace(/[0-9]/g, letters[2]);
}

/**
 * A placeholder of `value`'s shape. PEM armour lines (`-----BEGIN ...-----`) are kept, so a key
 * still reads as a key of its kind. A value that its own shape would leave unchanged (only `x`,
 * `X`, `0` and punctuation) gets other letters, so the placeholder never equals the value.
 */
export function placeholder(value: string): string {
    const keepArmour = (v: string, letters: [string, string, string]) =>
        v
            .split("\n")
            .map((line) => (/^-----(BEGIN|END) [A-Z0-9 ]+-----$/.test(line) ? line : shapeOf(line, letters)))
            .join("\n");
    const first = keepArmour(value, ["x", "X", "0"]);
    return first !== value ? first : keepArmour(value, ["y", "Y", "1"]);
}

/** A JSON value as a snapshot carries it. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** The redacted copy and the paths (`a.b[0].c`) whose values were replaced. */
export interface Redacted {
    readonly value: Json;
    readonly replaced: string[];
}

/**
 * Redacts `value`: strings under a credential-named key (at any depth, arrays and objects under it
 * included) and PEM private keys anywhere. Numbers, booleans and null are kept: they carry no secret
 * and some options need their type. `at` prefixes the reported paths.
 */
export function redact(value: unknown, at = ""): Redacted {
    const replaced: string[] = [];
    const walk = (v: unknown, path: string, secret: boolean): Json => {
        if (typeof v === "string") {
            if (secret || looksLikePrivateKey(v)) {
                replaced.push(path);
                return placeholder(v);
            }
            return v;
        }
        if (typeof v === "number" || typeof v === "boolean" || v === null) return v;
        if (Array.isArray(v)) return v.map((item, i) => walk(item, `${path}[${i}]`, secret));
        if (typeof v === "object") {
            const out: { [key: string]: Json } = {};
            for (const [key, item] of Object.entries(v))
                out[key] = walk(item, path === "" ? key : `${path}.${key}`, secret || isSecretKey(key));
            return out;
        }
        // undefined, functions: JSON has no place for them.
        return null;
    };
    return { value: walk(value, at, false), replaced };
}
