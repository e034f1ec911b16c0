import { strict as assert } from "node:assert";
import { request, Agent } from "node:http";
import { startEmulator, type Connection, type RunningEmulator } from "../../emulator";
import { call, SAMPLE } from "../helpers/emulator-client";

const NOT_FOUND = { statusCode: 404, error: "Not Found", message: "Not Found" };

describe("Emulator robustness", () => {
    let emulator: RunningEmulator;
    before(async () => {
        emulator = await startEmulator();
    });
    after(() => emulator.close());

    it("answers 400 invalid_body to malformed JSON", async () => {
        const res = await call(emulator, "PATCH", `/api/v2/connections/${SAMPLE.okta}`, { raw: '{"display_name": ' });
        assert.equal(res.status, 400);
        assert.deepEqual(res.body, {
            statusCode: 400,
            error: "Bad Request",
            message: "Invalid request payload JSON format",
            errorCode: "invalid_body",
        });
        assert.equal(emulator.journal.at(-1)?.body, undefined);
    });

    it("answers the plain 404 for unknown paths, inside and outside /api/v2", async () => {
        for (const path of ["/api/v2/users", "/api/v2/connections/x/unknown", "/", "/api/v2/connections/"]) {
            const res = await call(emulator, "GET", path);
            assert.equal(res.status, 404, path);
            assert.deepEqual(res.body, NOT_FOUND);
        }
    });

    it("answers 404 for a wrong method on a known path, as Auth0 does", async () => {
        for (const [method, path] of [
            ["PUT", `/api/v2/connections/${SAMPLE.okta}`],
            ["DELETE", "/api/v2/connections"],
            ["PUT", `/api/v2/connections/${SAMPLE.samlp}/scim-configuration`],
            ["GET", "/oauth/token"],
        ]) {
            const res = await call(emulator, method, path);
            assert.equal(res.status, 404, `${method} ${path}`);
            assert.deepEqual(res.body, NOT_FOUND);
        }
        assert.ok(emulator.state.connections[SAMPLE.okta]);
    });

    it("answers 413 to a body over 1 MB", async () => {
        const before = emulator.state.connections[SAMPLE.okta].display_name;
        const res = await call(emulator, "PATCH", `/api/v2/connections/${SAMPLE.okta}`, {
            body: { display_name: "x".repeat(1024 * 1024 + 10) },
        });
        assert.equal(res.status, 413);
        assert.equal(res.body.statusCode, 413);
        assert.equal(emulator.state.connections[SAMPLE.okta].display_name, before, "nothing was written");
    });

    it("answers 500 JSON when a handler throws, and keeps serving", async () => {
        // A dashboard-style edit gone wrong: the filter below dereferences this entry.
        (emulator.state.connections as Record<string, Connection | null>).con_broken00000000 = null;
        try {
            const res = await call(emulator, "GET", "/api/v2/connections?strategy=okta");
            assert.equal(res.status, 500);
            assert.deepEqual(res.body, {
                statusCode: 500,
                error: "Internal Server Error",
                message: "An internal server error occurred",
            });
        } finally {
            delete emulator.state.connections.con_broken00000000;
        }
        assert.equal((await call(emulator, "GET", "/api/v2/connections?strategy=okta")).status, 200);
    });

    it("answers JSON with a utf-8 content type, and 204 with no body at all", async () => {
        const res = await call(emulator, "GET", `/api/v2/connections/${SAMPLE.okta}`);
        assert.equal(res.headers.get("content-type"), "application/json; charset=utf-8");
        const gone = await call(emulator, "DELETE", `/api/v2/connections/${SAMPLE.waad}/scim-configuration`);
        assert.equal(gone.status, 204);
        assert.equal(gone.text, "");
        assert.equal(gone.headers.get("content-type"), null);
    });

    it("journals method, path, parsed query, parsed body and final status in order", async () => {
        emulator.clearJournal();
        assert.equal(emulator.journal.length, 0);
        await call(emulator, "GET", "/api/v2/connections?strategy=okta&strategy=waad&per_page=5");
        await call(emulator, "PATCH", `/api/v2/connections/${SAMPLE.okta}`, { body: { display_name: "J" } });
        await call(emulator, "GET", "/api/v2/nowhere");
        const [list, patch, missing] = emulator.journal;
        assert.equal(emulator.journal.length, 3);
        assert.deepEqual(
            { method: list.method, path: list.path, query: list.query, body: list.body, status: list.status },
            { method: "GET", path: "/api/v2/connections", query: { strategy: "okta,waad", per_page: "5" }, body: undefined, status: 200 },
        );
        assert.deepEqual(patch.body, { display_name: "J" });
        assert.equal(patch.status, 200);
        assert.equal(missing.status, 404);
        assert.ok(list.at <= patch.at && patch.at <= missing.at);
        assert.equal(list.fault, undefined);
    });
});

describe("Emulator lifecycle", () => {
    it("refuses to listen on a non-loopback address", async () => {
        await assert.rejects(startEmulator({ host: "0.0.0.0" }), /loopback/);
    });

    it("reports its URL, domain and port", async () => {
        const emulator = await startEmulator();
        try {
            assert.match(emulator.url, /^http:\/\/127\.0\.0\.1:\d+$/);
            assert.equal(emulator.url, `http://${emulator.domain}`);
            assert.equal(emulator.domain, `127.0.0.1:${emulator.port}`);
            assert.ok(emulator.port > 0);
        } finally {
            await emulator.close();
        }
    });

    it("closes even with an idle keep-alive connection open", async () => {
        const emulator = await startEmulator();
        const agent = new Agent({ keepAlive: true });
        try {
            await new Promise<void>((resolve, reject) => {
                const req = request(
                    `${emulator.url}/api/v2/connections`,
                    { agent, headers: { authorization: "Bearer local-admin-token" } },
                    (res) => {
                        res.resume();
                        res.on("end", resolve);
                    },
                );
                req.on("error", reject);
                req.end();
            });
            await emulator.close();
            await emulator.close();
        } finally {
            agent.destroy();
        }
    });

    it("closes even while a request is still arriving, which the server would wait minutes for", async () => {
        // Node waits for such a request (requestTimeout, 5 minutes): only a hang meets the test's timeout.
        const emulator = await startEmulator();
        const req = request(`${emulator.url}/api/v2/connections/${SAMPLE.okta}`, {
            method: "PATCH",
            headers: { authorization: "Bearer local-admin-token", "content-type": "application/json", "content-length": "100" },
        });
        const failed = new Promise<string>((resolve) => req.on("error", (err: NodeJS.ErrnoException) => resolve(String(err.code))));
        req.write('{"display_name": ');
        await until(() => emulator.journal.length === 1);
        await emulator.close();
        assert.equal(await failed, "ECONNRESET", "the half-sent request was cut off");
        assert.deepEqual(
            emulator.journal.map((e) => [e.method, e.status]),
            [["PATCH", 0]],
            "and never answered",
        );
    });
});

/** Resolves once `condition` holds, checking after each turn of the event loop. */
async function until(condition: () => boolean): Promise<void> {
    while (!condition()) await new Promise((r) => setImmediate(r));
}
