import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";

/** Bodies above this are refused with 413, like Auth0's 1 MB payload limit. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** The request body as read off the wire. */
export interface ReadBody {
    /** Parsed JSON or form object; undefined when there was no body. */
    value: unknown;
    /** Set when the bytes were not valid JSON. */
    malformed: boolean;
    tooLarge: boolean;
}

/** Reads the whole body (draining oversize ones so the client still gets an answer). */
export function readBody(req: IncomingMessage): Promise<ReadBody> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        req.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size <= MAX_BODY_BYTES) chunks.push(chunk);
        });
        req.on("error", reject);
        req.on("end", () => {
            if (size > MAX_BODY_BYTES) return resolve({ value: undefined, malformed: false, tooLarge: true });
            resolve(parseBody(Buffer.concat(chunks).toString("utf8"), req.headers["content-type"] ?? ""));
        });
    });
}

function parseBody(text: string, contentType: string): ReadBody {
    if (text.trim() === "") return { value: undefined, malformed: false, tooLarge: false };
    // The official SDK posts /oauth/token as a form, everything else is JSON.
    if (contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
        return { value: Object.fromEntries(new URLSearchParams(text)), malformed: false, tooLarge: false };
    }
    try {
        return { value: JSON.parse(text) as unknown, malformed: false, tooLarge: false };
    } catch {
        return { value: undefined, malformed: true, tooLarge: false };
    }
}

/** Writes a JSON response; `undefined` body means an empty one (204). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: OutgoingHttpHeaders): void {
    if (res.headersSent || res.destroyed) return;
    if (body === undefined) {
        res.writeHead(status, headers);
        res.end();
        return;
    }
    const payload = JSON.stringify(body);
    res.writeHead(status, {
        ...headers,
        "content-type": "application/json; charset=utf-8",
        "content-length": Buffer.byteLength(payload),
    });
    res.end(payload);
}

/** Flattens the query for the journal; a repeated key keeps all its values, comma-joined. */
export function flatQuery(params: URLSearchParams): Record<string, string> {
    const out: Record<string, string> = {};
    for (const key of new Set(params.keys())) out[key] = params.getAll(key).join(",");
    return out;
}
