/**
 * Keeps secrets out of a tenant snapshot. Replaced: values under credential names (client secrets,
 * passwords, signing keys, access and refresh tokens, API keys, provider credentials such as
 * `twilio_sid`), whole credential fields whatever they hold (`provisioning_ticket_url`, a custom
 * database's `configuration` and `customScripts`), private key blocks of any kind in any string
 * (PEM, PGP, OpenSSH, PuTTY, base64 of a PEM, a JSON Web Key's private members) and the password of
 * a URL. Kept: settings whose names only look like credentials (`passwordPolicy`, the password
 * dictionary...), public certificates outside credential names, and everything else as it is,
 * since the twin serves it.
 * A replaced value gets a fixed placeholder, so nothing of it is left, its length and character
 * classes included; a private key keeps its armour lines, which say what kind of key it was.
 * Pure: a value in, a redacted copy and the paths replaced out.
 */

/** The placeholder of every replaced string (fixed: a placeholder must not tell how long or what kind the secret was). */
export const PLACEHOLDER = "REDACTED";
/** The placeholder of a secret that happens to be {@link PLACEHOLDER} itself. */
const OTHER_PLACEHOLDER = "REDACTED-VALUE";

/** Parts (of names lower-cased, `_` and `-` dropped) that make a value a credential wherever they appear. */
const SECRET_PARTS = ["secret", "password", "passwd", "passphrase", "privatekey", "apikey", "credential"];
/** Endings that do: `admin_access_token`, `twilio_token`, `twilio_sid`, `aws_access_key`; not `token_endpoint` or `..._token_expiresin`. */
const SECRET_ENDINGS = ["token", "sid", "accesskey", "ticket"];
/** Whole names that are credentials: a certificate's `key` next to its `cert`, signing and decryption keys. */
const SECRET_NAMES = new Set(["key", "pass", "pwd", "signingkey", "decryptionkey", "pkcs12", "pfx"]);
/**
 * Fields that are credentials whatever they hold, objects included: the AD/LDAP connector's
 * ticket, a custom database's settings (its secrets among them) and its scripts.
 */
const SECRET_FIELDS = new Set(["provisioningticketurl", "provisioningticket", "configuration", "customscripts"]);
/** Settings whose names look like credentials: policies and options, not passwords. Kept as they are. */
const SETTINGS = new Set([
    "passwordpolicy",
    "passwordcomplexityoptions",
    "passwordhistory",
    "passworddictionary",
    "passwordnopersonalinfo",
    "disableselfservicechangepassword",
]);
/**
 * Members kept under a credential name: a key's id, kind and thumbprints, and the settings of a
 * sign-in method (`authentication_methods.password.api_behavior`). Not a certificate beside its
 * key (`decryptionKey.cert`): the twin does not need it, and a test pair may share the key's bytes.
 */
const PUBLIC_MEMBERS = new Set(["thumbprint", "thumbprints", "kid", "kty", "alg", "use", "apibehavior"]);
/** The private members of a JSON Web Key (RFC 7518): `d` and the CRT values, `k` of a symmetric key. */
const JWK_PRIVATE = new Set(["d", "p", "q", "dp", "dq", "qi", "oth", "k"]);

function normalized(key: string): string {
    return key.toLowerCase().replace(/[_-]/g, "");
}

/** True when a key's value is a credential by its name (a setting named like one is not). */
export function isSecretKey(key: string): boolean {
    const k = normalized(key);
    if (SETTINGS.has(k)) return false;
    return (
        SECRET_FIELDS.has(k) || SECRET_NAMES.has(k) || SECRET_PARTS.some((p) => k.includes(p)) || SECRET_ENDINGS.some((e) => k.endsWith(e))
    );
}

/** A private key block of any armour: PEM (`RSA`, `EC`, `ENCRYPTED`, `OPENSSH`...), PGP, SSH2. */
const KEY_BLOCK = /(-{4,5} ?BEGIN ([A-Z0-9 ]*PRIVATE KEY[A-Z0-9 ]*?) ?-{4,5})[\s\S]*?(?:(-{4,5} ?END \2 ?-{4,5})|$)/g;
/** Other private keys in text: a PuTTY key file, a JSON Web Key with a private member. */
const OTHER_KEYS = [/PuTTY-User-Key-File-\d+:/, /"kty"\s*:[\s\S]*"(d|k)"\s*:|"(d|k)"\s*:[\s\S]*"kty"\s*:/];
/** `-----BEGIN ` in base64, at the start of a value: a PEM block stored encoded. */
const BASE64_PEM = /^\s*LS0tLS1CRUdJTi/;
/** A URL with a password in it (`scheme://user:password@host`). */
const URL_PASSWORD = /^([a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:)[^/\s@]+(@)/i;

/** True for a string holding a private key of any kind, whatever its key is called. */
export function looksLikePrivateKey(value: string): boolean {
    if (new RegExp(KEY_BLOCK.source).test(value) || OTHER_KEYS.some((r) => r.test(value))) return true;
    return BASE64_PEM.test(value) && looksLikePrivateKey(Buffer.from(value.trim(), "base64").toString("latin1"));
}

/** The fixed placeholder of a secret string (never the value itself). */
export function placeholder(value: string): string {
    return value === PLACEHOLDER ? OTHER_PLACEHOLDER : PLACEHOLDER;
}

/**
 * `value` without the secrets it holds whatever its key: each private key block becomes its armour
 * around {@link PLACEHOLDER} (a certificate next to it stays), another private key or a base64 PEM
 * the placeholder, a URL's password the placeholder. Undefined when it holds none.
 */
export function withoutEmbeddedSecrets(value: string): string | undefined {
    if (new RegExp(KEY_BLOCK.source).test(value)) {
        return value.replace(KEY_BLOCK, (_m, begin: string, _kind: string, end: string | undefined) =>
            end === undefined ? `${begin}\n${PLACEHOLDER}` : `${begin}\n${PLACEHOLDER}\n${end}`,
        );
    }
    if (looksLikePrivateKey(value)) return placeholder(value);
    if (URL_PASSWORD.test(value)) return value.replace(URL_PASSWORD, `$1${PLACEHOLDER}$2`);
    return undefined;
}

/** A JSON value as a snapshot carries it. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** The redacted copy and the paths (`a.b[0].c`) whose values were replaced. */
export interface Redacted {
    readonly value: Json;
    readonly replaced: string[];
}

/**
 * Redacts `value`. Under a credential name (at any depth, arrays and objects under it included)
 * every string is replaced and every number becomes 0, except a credential object's public
 * members (a key id, thumbprints); elsewhere a string loses the secrets it holds (private keys,
 * a URL's password), a JSON Web Key its private members, and the rest is kept. Booleans and null
 * are kept: they carry no secret and some options need their type. `at` prefixes the reported paths.
 */
export function redact(value: unknown, at = ""): Redacted {
    const replaced: string[] = [];
    const walk = (v: unknown, path: string, secret: boolean): Json => {
        if (typeof v === "string") {
            const cleaned = secret ? placeholder(v) : withoutEmbeddedSecrets(v);
            if (cleaned === undefined) return v;
            replaced.push(path);
            return cleaned;
        }
        if (typeof v === "number") {
            if (!secret) return v;
            replaced.push(path);
            return 0;
        }
        if (typeof v === "boolean" || v === null) return v;
        if (Array.isArray(v)) return v.map((item, i) => walk(item, `${path}[${i}]`, secret));
        if (typeof v === "object") {
            const out: { [key: string]: Json } = {};
            const jwk = "kty" in v;
            for (const [key, item] of Object.entries(v)) {
                const k = normalized(key);
                const secretHere = (secret && !PUBLIC_MEMBERS.has(k)) || isSecretKey(key) || (jwk && JWK_PRIVATE.has(key));
                out[key] = walk(item, path === "" ? key : `${path}.${key}`, secretHere);
            }
            return out;
        }
        // undefined, functions: JSON has no place for them.
        return null;
    };
    return { value: walk(value, at, false), replaced };
}
