/**
 * Where credentials come from: the stack config keys `@pulumi/auth0` users already have
 * (`auth0:domain`, `auth0:clientId`, `auth0:clientSecret`, `auth0:apiToken`), handed to the
 * provider's `configure()`, else the `AUTH0_*` environment variables. Values are only ever held in
 * process memory; messages name the keys, never the values.
 */
import { isLoopbackHost } from "./transport";
import { processState, type ProviderSettings } from "./state";

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
        throw new Error(
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
        throw new Error(
            `auth0-connection-sync:maxRateLimitWaitMs must be a whole number of milliseconds from ${MAX_WAIT_RANGE_MS.min} to ${MAX_WAIT_RANGE_MS.max} (got ${JSON.stringify(raw)})`,
        );
    }
    return n;
}

/** Remembers settings for every resource this process serves (called from `configure()`). */
export function storeSettings(settings: ProviderSettings): void {
    processState().settings = settings;
}

function nonEmpty(v: string | undefined): string | undefined {
    return v === undefined || v.trim() === "" ? undefined : v.trim();
}

/**
 * Accepts `tenant.eu.auth0.com`, `https://tenant.eu.auth0.com/` or, for the emulator only,
 * `http://127.0.0.1:4000`, and returns the bare host[:port] the SDK wants with the scheme to use.
 */
export function normalizeDomain(raw: string): { host: string; scheme: "https" | "http" } {
    const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
    let url: URL;
    try {
        url = new URL(withScheme);
    } catch {
        throw new Error(`auth0:domain is not a valid host name (expected e.g. "my-tenant.eu.auth0.com")`);
    }
    if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopbackHost(url.hostname))) {
        throw new Error(
            `auth0:domain uses ${url.protocol}// for ${url.hostname}: only https is allowed, ` +
                `except plain http to a loopback emulator (127.0.0.1, localhost, ::1)`,
        );
    }
    if ((url.pathname !== "/" && url.pathname !== "") || url.search !== "" || url.username !== "") {
        throw new Error(`auth0:domain must be a bare host name such as "my-tenant.eu.auth0.com", without a path`);
    }
    return { host: url.host, scheme: url.protocol === "http:" ? "http" : "https" };
}

/** Merges configure()-time settings over the environment and checks that they are complete. */
export function resolveCredentials(env: NodeJS.ProcessEnv = process.env): ResolvedCredentials {
    const s = processState().settings ?? {};
    const domain = nonEmpty(s.domain) ?? nonEmpty(env.AUTH0_DOMAIN);
    const token = nonEmpty(s.apiToken) ?? nonEmpty(env.AUTH0_API_TOKEN);
    const clientId = nonEmpty(s.clientId) ?? nonEmpty(env.AUTH0_CLIENT_ID);
    const clientSecret = nonEmpty(s.clientSecret) ?? nonEmpty(env.AUTH0_CLIENT_SECRET);
    const timeoutMs =
        parseTimeoutMs(s.timeoutMs, "auth0-connection-sync:requestTimeoutMs") ??
        parseTimeoutMs(env.AUTH0_SYNC_TIMEOUT_MS, "AUTH0_SYNC_TIMEOUT_MS") ??
        DEFAULT_TIMEOUT_MS;
    if (domain === undefined) {
        throw new Error("Auth0 domain missing: set the stack config auth0:domain (or AUTH0_DOMAIN)");
    }
    const endpoint: Endpoint = {
        ...normalizeDomain(domain),
        timeoutMs,
        ...(s.maxRateLimitWaitMs !== undefined ? { maxRateLimitWaitMs: s.maxRateLimitWaitMs } : {}),
        ...(s.caCertificate ? { caCertificate: s.caCertificate } : {}),
    };
    if (clientId !== undefined && clientSecret !== undefined) {
        return { ...endpoint, kind: "client", clientId, clientSecret };
    }
    if (token !== undefined) {
        return { ...endpoint, kind: "token", token };
    }
    throw new Error(
        "Auth0 credentials missing: set auth0:clientId and auth0:clientSecret (a machine-to-machine " +
            "application), or auth0:apiToken, in the stack config (or AUTH0_CLIENT_ID/AUTH0_CLIENT_SECRET, AUTH0_API_TOKEN)",
    );
}
