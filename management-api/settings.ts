/**
 * Where credentials come from: the stack config keys `@pulumi/auth0` users already have
 * (`auth0:domain`, `auth0:clientId`, `auth0:clientSecret`, `auth0:apiToken`), handed to the
 * provider's `configure()`, or the `AUTH0_*` environment variables: one source's set whole, never a
 * domain from one and a secret from the other (chooseCredentials). Values are only ever held in
 * process memory; messages name the keys and domains, never a secret.
 */
import { isLoopbackHost } from "./transport";
import { processState, type ProviderSettings } from "./state";

/** A setting or credential that is missing, malformed or contradicts another: the message names it, never a secret. */
export class SettingsError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "SettingsError";
    }
}

/** Where the tenant is and how we reach it. */
export interface Endpoint {
    /** host[:port], e.g. `my-tenant.eu.auth0.com`. */
    readonly host: string;
    /** `https`; `http` only for a loopback emulator given as `http://...`. */
    readonly scheme: "https" | "http";
    readonly timeoutMs: number;
    /** The longest wait after a 429 before failing (ms). */
    readonly maxRateLimitWaitMs?: number;
    /** An extra CA (PEM) to trust for this endpoint, e.g. a local emulator's. */
    readonly caCertificate?: string;
    /** Where the credentials came from, for messages (absent when built by hand). */
    readonly source?: CredentialSource;
}

/** Credentials ready for the SDK: an endpoint plus exactly one way to authenticate. */
export type ResolvedCredentials = Endpoint &
    (
        | { readonly kind: "token"; readonly token: string }
        | { readonly kind: "client"; readonly clientId: string; readonly clientSecret: string }
    );

/** Per-request timeout when nothing else is configured. */
export const DEFAULT_TIMEOUT_MS = 15_000;

/** The allowed range of `requestTimeoutMs`: long enough for a slow answer, short enough to notice a hang. */
export const TIMEOUT_RANGE_MS = { min: 100, max: 600_000 } as const;

/** The timeout in ms, or an error naming the setting and its range. */
export function parseTimeoutMs(raw: string | number | undefined, source: string): number | undefined {
    if (raw === undefined || raw === "") return undefined;
    const n = typeof raw === "number" ? raw : Number(raw);
    if (!Number.isInteger(n) || n < TIMEOUT_RANGE_MS.min || n > TIMEOUT_RANGE_MS.max) {
        throw new SettingsError(
            `${source} must be a whole number of milliseconds from ${TIMEOUT_RANGE_MS.min} to ${TIMEOUT_RANGE_MS.max} (got ${JSON.stringify(raw)})`,
        );
    }
    return n;
}

/** Reads our settings from a config getter such as the one `configure()` receives. */
export function settingsFromConfig(get: (key: string) => string | undefined): ProviderSettings {
    const timeout = get("auth0-connection-sync:requestTimeoutMs");
    return {
        domain: get("auth0:domain"),
        clientId: get("auth0:clientId"),
        clientSecret: get("auth0:clientSecret"),
        apiToken: get("auth0:apiToken"),
        timeoutMs: parseTimeoutMs(timeout, "auth0-connection-sync:requestTimeoutMs"),
        maxRateLimitWaitMs: parseMaxWaitMs(get("auth0-connection-sync:maxRateLimitWaitMs")),
    };
}

/** The allowed range of `maxRateLimitWaitMs`: at least the free tier's one-second refill, at most 15 minutes. */
export const MAX_WAIT_RANGE_MS = { min: 1000, max: 900_000 } as const;

/** The longest 429 wait in ms, or an error naming the setting and its range. */
export function parseMaxWaitMs(raw: string | undefined): number | undefined {
    if (raw === undefined || raw === "") return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < MAX_WAIT_RANGE_MS.min || n > MAX_WAIT_RANGE_MS.max) {
        throw new SettingsError(
            `auth0-connection-sync:maxRateLimitWaitMs must be a whole number of milliseconds from ${MAX_WAIT_RANGE_MS.min} to ${MAX_WAIT_RANGE_MS.max} (got ${JSON.stringify(raw)})`,
        );
    }
    return n;
}

/** Remembers settings for every resource this process serves (called from `configure()`). */
export function storeSettings(settings: ProviderSettings): void {
    processState().settings = settings;
    processState().settingsError = undefined;
}

/**
 * Remembers that the stack's settings could not be taken (`configure()` failed, e.g. a typo in the
 * stack config): every later request fails with the same error instead of falling back to the
 * environment's credentials, which may name another tenant.
 */
export function storeSettingsError(err: Error): void {
    processState().settings = undefined;
    processState().settingsError = err;
}

function nonEmpty(v: string | undefined): string | undefined {
    return v === undefined || v.trim() === "" ? undefined : v.trim();
}

/**
 * Accepts `tenant.eu.auth0.com`, `https://tenant.eu.auth0.com/` or, for the emulator only,
 * `http://127.0.0.1:4000`, and returns the bare host[:port] the SDK wants with the scheme to use.
 * `key` names the setting in messages. A user name or password (`https://user:pw@host`) is
 * refused, never silently dropped, and never repeated in the message.
 */
export function normalizeDomain(raw: string, key = "auth0:domain"): { host: string; scheme: "https" | "http" } {
    const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
    let url: URL;
    try {
        url = new URL(withScheme);
    } catch {
        throw new SettingsError(`${key} is not a valid host name (expected e.g. "my-tenant.eu.auth0.com")`);
    }
    if (url.username !== "" || url.password !== "") {
        throw new SettingsError(`${key} must be a bare host name such as "my-tenant.eu.auth0.com", without a user name or password`);
    }
    if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopbackHost(url.hostname))) {
        throw new SettingsError(
            `${key} uses ${url.protocol}// for ${url.hostname}: only https is allowed, ` +
                `except plain http to a loopback emulator (127.0.0.1, localhost, ::1)`,
        );
    }
    if ((url.pathname !== "/" && url.pathname !== "") || url.search !== "") {
        throw new SettingsError(`${key} must be a bare host name such as "my-tenant.eu.auth0.com", without a path`);
    }
    return { host: url.host, scheme: url.protocol === "http:" ? "http" : "https" };
}

/** Where a set of credentials came from: the stack config's `auth0:*` keys, or the `AUTH0_*` variables. */
export type CredentialSource = "stack config" | "environment";

/** The credential keys of one source, by role. */
interface SourceKeys {
    readonly domain: string;
    readonly clientId: string;
    readonly clientSecret: string;
    readonly apiToken: string;
}

const KEYS: Record<CredentialSource, SourceKeys> = {
    "stack config": { domain: "auth0:domain", clientId: "auth0:clientId", clientSecret: "auth0:clientSecret", apiToken: "auth0:apiToken" },
    environment: { domain: "AUTH0_DOMAIN", clientId: "AUTH0_CLIENT_ID", clientSecret: "AUTH0_CLIENT_SECRET", apiToken: "AUTH0_API_TOKEN" },
};

/** One source's values, blanks dropped. */
interface SourceValues {
    readonly domain?: string;
    readonly clientId?: string;
    readonly clientSecret?: string;
    readonly apiToken?: string;
}

/** The chosen set: a domain and a way to authenticate, all from one source. */
export type ChosenCredentials = { readonly source: CredentialSource; readonly host: string; readonly scheme: "https" | "http" } & (
    | { readonly kind: "token"; readonly token: string }
    | { readonly kind: "client"; readonly clientId: string; readonly clientSecret: string }
);

/**
 * Picks the credentials from exactly one source, never a domain from one and a secret from the
 * other. The stack config wins when it holds any credential (client id, secret or token); its
 * set must then be complete. Otherwise the environment's set is used, and must name its own tenant
 * in AUTH0_DOMAIN: a stack config that names a tenant (`auth0:domain` alone, so that the secret
 * stays out of the stack config) must name the same one. Two different tenants are refused,
 * naming both; messages name keys and domains, never a secret.
 */
export function chooseCredentials(stack: SourceValues, env: NodeJS.ProcessEnv): ChosenCredentials {
    const config = trimmed(stack);
    const environment = trimmed({
        domain: env.AUTH0_DOMAIN,
        clientId: env.AUTH0_CLIENT_ID,
        clientSecret: env.AUTH0_CLIENT_SECRET,
        apiToken: env.AUTH0_API_TOKEN,
    });
    // A malformed domain is reported as such, whichever source ends up used.
    const a = config.domain === undefined ? undefined : normalizeDomain(config.domain);
    const b = environment.domain === undefined ? undefined : normalizeDomain(environment.domain, KEYS.environment.domain);
    if (a !== undefined && b !== undefined && (a.host.toLowerCase() !== b.host.toLowerCase() || a.scheme !== b.scheme)) {
        throw new SettingsError(
            `the stack config's auth0:domain names ${a.scheme}://${a.host} but AUTH0_DOMAIN names ${b.scheme}://${b.host}: ` +
                "refusing to guess which tenant is meant (unset AUTH0_DOMAIN and the other AUTH0_* variables, or make them name the stack's tenant)",
        );
    }
    const holdsCredential = (v: SourceValues) => v.clientId !== undefined || v.clientSecret !== undefined || v.apiToken !== undefined;
    if (holdsCredential(config)) return complete("stack config", config);
    if (holdsCredential(environment)) return complete("environment", environment);
    if (config.domain === undefined && environment.domain === undefined) {
        throw new SettingsError("Auth0 domain missing: set the stack config auth0:domain (or AUTH0_DOMAIN)");
    }
    throw new SettingsError(
        "Auth0 credentials missing: set auth0:clientId and auth0:clientSecret (a machine-to-machine " +
            "application), or auth0:apiToken, in the stack config (or AUTH0_DOMAIN with AUTH0_CLIENT_ID/AUTH0_CLIENT_SECRET or AUTH0_API_TOKEN)",
    );
}

function trimmed(v: SourceValues): SourceValues {
    return {
        domain: nonEmpty(v.domain),
        clientId: nonEmpty(v.clientId),
        clientSecret: nonEmpty(v.clientSecret),
        apiToken: nonEmpty(v.apiToken),
    };
}

/** The source's own complete set, or an error naming what it lacks (the other source never fills a gap). */
function complete(source: CredentialSource, v: SourceValues): ChosenCredentials {
    const keys = KEYS[source];
    const other = source === "environment" ? "the stack config" : "the AUTH0_* variables";
    const missing = (what: string) =>
        new Error(`Auth0 credentials incomplete in the ${source}: ${what} (credentials are never completed from ${other})`);
    if (v.domain === undefined) {
        const where = source === "stack config" ? "the stack config auth0:domain" : "AUTH0_DOMAIN";
        const secret = v.apiToken !== undefined ? keys.apiToken : v.clientSecret !== undefined ? keys.clientSecret : keys.clientId;
        throw new SettingsError(
            `Auth0 domain missing: set ${where}, the tenant ${secret} belongs to (credentials are never completed from ${other})`,
        );
    }
    const tenant = { source, ...normalizeDomain(v.domain, keys.domain) };
    if (v.clientId !== undefined && v.clientSecret !== undefined) {
        return { ...tenant, kind: "client", clientId: v.clientId, clientSecret: v.clientSecret };
    }
    if (v.apiToken !== undefined) return { ...tenant, kind: "token", token: v.apiToken };
    const lacking = v.clientId === undefined ? keys.clientId : keys.clientSecret;
    throw missing(`${lacking} is missing (set ${keys.clientId} and ${keys.clientSecret}, or ${keys.apiToken})`);
}

/**
 * The credentials to use, from configure()-time settings (the stack config) or the environment,
 * as chooseCredentials picks them, with the endpoint settings; never when configure() failed.
 */
export function resolveCredentials(env: NodeJS.ProcessEnv = process.env): ResolvedCredentials {
    const failed = processState().settingsError;
    if (failed !== undefined) throw failed;
    const s = processState().settings ?? {};
    const chosen = chooseCredentials(s, env);
    const timeoutMs =
        parseTimeoutMs(s.timeoutMs, "auth0-connection-sync:requestTimeoutMs") ??
        parseTimeoutMs(env.AUTH0_SYNC_TIMEOUT_MS, "AUTH0_SYNC_TIMEOUT_MS") ??
        DEFAULT_TIMEOUT_MS;
    const endpoint: Endpoint = {
        host: chosen.host,
        scheme: chosen.scheme,
        timeoutMs,
        source: chosen.source,
        ...(s.maxRateLimitWaitMs !== undefined ? { maxRateLimitWaitMs: s.maxRateLimitWaitMs } : {}),
        ...(s.caCertificate ? { caCertificate: s.caCertificate } : {}),
    };
    return chosen.kind === "client"
        ? { ...endpoint, kind: "client", clientId: chosen.clientId, clientSecret: chosen.clientSecret }
        : { ...endpoint, kind: "token", token: chosen.token };
}
