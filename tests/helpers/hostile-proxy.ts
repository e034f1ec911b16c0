/**
 * A hostile server in front of an (http) emulator, on loopback: each request either gets an answer
 * a rule makes up (an empty 200, truncated JSON, a 429 without headers, a stalled body...), or is
 * passed to the emulator, whose answer a rule may still change (shift its clock). It records what
 * it saw, so a test can tell how often a client asked.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { RunningEmulator } from "../../emulator";

/** One request as the proxy saw it. */
export interface Seen {
    readonly method: string;
    readonly path: string;
    readonly at: number;
}

/** What a rule may do with a request: answer it, or pass it on and maybe change the answer's headers. */
export type Rule = (req: Seen, n: number) => ((res: ServerResponse) => void) | { headers: (h: Headers) => void } | undefined;

/** A running hostile proxy. */
export interface HostileProxy {
    readonly url: string;
    readonly seen: Seen[];
    close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString("utf8");
}

/** Starts a proxy to `emu` (started without TLS) that applies `rule` to every request. */
export async function hostileProxy(emu: RunningEmulator, rule: Rule): Promise<HostileProxy> {
    const seen: Seen[] = [];
    const sockets = new Set<import("node:net").Socket>();
    const server: Server = createServer(async (req, res) => {
        const s: Seen = { method: req.method ?? "GET", path: (req.url ?? "/").split("?")[0], at: Date.now() };
        seen.push(s);
        const n = seen.filter((x) => x.method === s.method && x.path === s.path).length;
        const action = rule(s, n);
        const text = await body(req);
        if (typeof action === "function") return action(res);
        const upstream = await fetch(`${emu.url}${req.url}`, {
            method: req.method,
            headers: Object.fromEntries(
                Object.entries(req.headers).flatMap(([k, v]) => (typeof v === "string" && k !== "host" ? [[k, v]] : [])),
            ),
            body: text === "" ? undefined : text,
        });
        const headers = new Headers(upstream.headers);
        headers.delete("content-length");
        headers.delete("transfer-encoding");
        headers.delete("connection");
        action?.headers(headers);
        res.writeHead(upstream.status, Object.fromEntries(headers));
        res.end(Buffer.from(await upstream.arrayBuffer()));
    });
    server.on("connection", (sock) => {
        sockets.add(sock);
        sock.on("close", () => sockets.delete(sock));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        seen,
        close: () =>
            new Promise<void>((resolve) => {
                for (const sock of sockets) sock.destroy();
                server.close(() => resolve());
            }),
    };
}

/** An answer with this status, headers and raw body. */
export function answer(status: number, text: string, headers: Record<string, string> = {}): (res: ServerResponse) => void {
    return (res) => {
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(text);
    };
}
