import * as assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { type RunningEmulator, type Seed, startEmulator } from "../../emulator";
import { setLiveReadClock } from "../../components/provider/live-reads";
import { resetProcessState } from "../../components/provider/process";
import { profileSyncProvider as ps } from "../../components/provider/profileSync";
import { settledProfileSync } from "../helpers/profile-sync-state";
import { storeSettings } from "../../management-api/settings";

const N = 250;
const idOf = (i: number) => `con_W${String(i).padStart(15, "0")}`;
const ids = Array.from({ length: N }, (_, i) => idOf(i));
const TOKEN = "writes-admin-token";

/** Three pages of okta connections, every one with profile sync on_first_login. */
const seed: Seed = {
    tenant: "writes",
    tokens: [
        { token: TOKEN, scopes: ["read:connections", "read:connections_options", "update:connections", "update:connections_options"] },
    ],
    connections: ids.map((id, i) => ({ id, name: `conn-${i}`, strategy: "okta", options: { set_user_root_attributes: "on_first_login" } })),
};

const outs = settledProfileSync;

/** A gate: `arrived` settles when a request reaches it, which then waits for `open()`. */
interface Gate {
    arrived: Promise<void>;
    open(): void;
    wait(): Promise<void>;
}

function gate(): Gate {
    let arrive = () => {};
    let open = () => {};
    const arrived = new Promise<void>((r) => {
        arrive = r;
    });
    const opened = new Promise<void>((r) => {
        open = r;
    });
    return {
        arrived,
        open: () => open(),
        wait: () => {
            arrive();
            return opened;
        },
    };
}

describe("A listing that a write overtakes", () => {
    let emu: RunningEmulator;
    let proxy: Server;
    const sockets = new Set<Socket>();
    let pristine: string;
    let pages = 0;
    /** Holds the listing's second page: the first one, holding ids[9], is answered by then. */
    let secondPage: Gate;

    before(async () => {
        emu = await startEmulator({ seed });
        pristine = JSON.stringify(emu.state.connections);
        // Passes every request on to the emulator as it is, except that the second page waits at the gate.
        proxy = createServer(async (req, res) => {
            const chunks: Buffer[] = [];
            for await (const c of req) chunks.push(c as Buffer);
            const url = new URL(req.url ?? "/", emu.url);
            if (req.method === "GET" && url.pathname === "/api/v2/connections" && url.searchParams.has("take")) {
                pages += 1;
                if (pages === 2) await secondPage.wait();
            }
            const headers = Object.entries(req.headers).flatMap(([k, v]) => (typeof v === "string" && k !== "host" ? [[k, v]] : []));
            const upstream = await fetch(url, {
                method: req.method,
                headers: Object.fromEntries(headers),
                body: chunks.length === 0 ? undefined : Buffer.concat(chunks),
            });
            const back = new Headers(upstream.headers);
            for (const h of ["content-length", "transfer-encoding", "connection"]) back.delete(h);
            res.writeHead(upstream.status, Object.fromEntries(back));
            res.end(Buffer.from(await upstream.arrayBuffer()));
        });
        proxy.on("connection", (s) => {
            sockets.add(s);
            s.on("close", () => sockets.delete(s));
        });
        await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
    });
    after(async () => {
        for (const s of sockets) s.destroy();
        await new Promise<void>((r) => proxy.close(() => r()));
        await emu.close();
    });
    beforeEach(() => {
        emu.state.connections = JSON.parse(pristine);
        emu.clearJournal();
        pages = 0;
        secondPage = gate();
        resetProcessState();
        storeSettings({ domain: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, apiToken: TOKEN });
    });
    afterEach(() => {
        secondPage.open();
        setLiveReadClock(undefined);
    });

    it("never answers for a connection written while the listing was being fetched", async () => {
        // The live-read clock moves only here: the listing is asked for at 0, the write lands at 1,
        // and the listing ends at 2, after the page holding ids[9] was served.
        let now = 0;
        setLiveReadClock(() => now);
        const listing = Promise.all(ids.map(async (id) => (await ps.diff(id, outs(id), outs(id))).changes));
        await secondPage.arrived;
        now = 1;
        await ps.update(ids[9], outs(ids[9]), { ...outs(ids[9]), mode: "never_on_login" });
        now = 2;
        secondPage.open();
        assert.deepEqual(await listing, Array(N).fill(false), "the first page was served before the write");
        const order = emu.journal.map((e) => `${e.method} ${e.path === "/api/v2/connections" ? "listing" : e.path}`);
        const patch = order.indexOf(`PATCH /api/v2/connections/${ids[9]}`);
        assert.ok(order.indexOf("GET listing") < patch && patch < order.lastIndexOf("GET listing"), `written mid-listing: ${order}`);
        emu.clearJournal();
        const again = await ps.diff(ids[9], outs(ids[9]), outs(ids[9]));
        assert.equal(again.changes, true, "read again: never_on_login != on_first_login");
        assert.deepEqual(
            emu.journal.map((e) => `${e.method} ${e.path}`),
            [`GET /api/v2/connections/${ids[9]}`],
        );
    });
});
