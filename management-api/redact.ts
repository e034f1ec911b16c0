/**
 * Takes credentials out of text that may reach a message or a log: error bodies can echo what was
 * sent (a client secret, a bearer or SCIM token), and we quote up to 200 characters of them.
 */
import { processState } from "./state";

/** What stands where a credential was. */
export const REDACTED = "[redacted]";

const PATTERNS: readonly RegExp[] = [
    // Authorization headers and bearer tokens.
    /\bBearer\s+[A-Za-z0-9._~+/=-]+/gi,
    // JWTs (access tokens).
    /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g,
    // SCIM token values: tok_<id>.<hex>.
    /\btok_[A-Za-z0-9]+\.[A-Za-z0-9]{16,}/g,
    // client_secret=... or "client_secret":"..." echoed back.
    /(client_secret["']?\s*[:=]\s*["']?)[^"'&\s,}]+/gi,
];

/** The text with every known credential (the configured ones, and anything shaped like one) replaced. */
export function redact(text: string): string {
    let out = text;
    const s = processState().settings;
    // The values as configured and as used (trimmed), from the stack config and from the environment.
    const secrets = [s?.clientSecret, s?.apiToken, process.env.AUTH0_CLIENT_SECRET, process.env.AUTH0_API_TOKEN].flatMap((v) =>
        v === undefined ? [] : [v, v.trim()],
    );
    for (const secret of secrets) {
        if (secret.length >= 4) out = out.split(secret).join(REDACTED);
    }
    for (const p of PATTERNS) {
        out = out.replace(p, (match: string, prefix?: string) =>
            typeof prefix === "string" && match.startsWith(prefix) ? `${prefix}${REDACTED}` : REDACTED,
        );
    }
    return out;
}
