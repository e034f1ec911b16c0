import { strict as assert } from "node:assert";
import { ALL_SCOPES, type RunningEmulator, startEmulator } from "../../emulator";
import { parseArgs } from "../../emulator/cli";

const ACCESS = { tokens: [{ token: "twin-token", scopes: [...ALL_SCOPES] }] };

/** A tenant as a real one may hold it: an id, a name and a strategy the emulator has never seen. */
function snapshot(): Record<string, unknown> {
    return {
        format: "auth0-tenant-snapshot",
        version: 1,
        tenant: "acme.eu.auth0.com",
        stack: "dev",
        connections: [
            {
                id: "con_legacy-Id.With+Odd_chars",
                name: "Legacy IdP (EU)",
                strategy: "acme-future-strategy",
                options: { nested: { shape: [1, { deeper: null }] }, set_user_root_attributes: "on_each_login" },
                display_name: null,
            },
            {
                id: "con_lmGDBHHtE5Y3ukT2",
                name: "okta-workforce",
                strategy: "okta",
                options: { domain: "acme.okta.com", schema_version: "oidc-V4", scope: "openid" },
            },
            { id: "con_AAAAAAAAAAAAAAAA", name: "listed", strategy: "samlp", listed_only: true },
        ],
        scim_configurations: {},
        scim_tokens: {},
        directory_provisionings: {},
        synchronized_groups: {},
        placeholders: [],
    };
}

async function call(
    emu: RunningEmulator,
    method: string,
    path: string,
    body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await fetch(`${emu.url}/api/v2${path}`, {
        method,
        headers: { authorization: "Bearer twin-token", "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text === "" ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

describe("Emulator serving a tenant snapshot", () => {
    let emu: RunningEmulator;
    beforeEach(async () => {
        emu = await startEmulator({ snapshot: snapshot(), snapshotAccess: ACCESS });
    });
    afterEach(() => emu.close());

    it("accepts ids, names, strategies and option shapes it has not seen, and serves them as given", async () => {
        const got = await call(emu, "GET", `/connections/${encodeURIComponent("con_legacy-Id.With+Odd_chars")}`);
        assert.equal(got.status, 200);
        assert.equal(got.json.strategy, "acme-future-strategy");
        assert.deepEqual(got.json.options, { nested: { shape: [1, { deeper: null }] }, set_user_root_attributes: "on_each_login" });
    });

    it("lets a PATCH change one option of an unknown strategy, sending the rest back as they were", async () => {
        const id = encodeURIComponent("con_legacy-Id.With+Odd_chars");
        const patched = await call(emu, "PATCH", `/connections/${id}`, {
            options: { nested: { shape: [1, { deeper: null }] }, set_user_root_attributes: "on_first_login" },
        });
        assert.equal(patched.status, 200);
        assert.deepEqual(patched.json.options, { nested: { shape: [1, { deeper: null }] }, set_user_root_attributes: "on_first_login" });
    });

    it("keeps the faithful rewrite of a strategy it knows (okta re-adds what a PATCH left out)", async () => {
        const patched = await call(emu, "PATCH", "/connections/con_lmGDBHHtE5Y3ukT2", {
            options: { domain: "acme.okta.com", scope: "openid" },
        });
        assert.equal(patched.status, 200);
        assert.equal((patched.json.options as Record<string, unknown>).schema_version, "oidc-V4");
    });

    it("lists every connection of the snapshot, listed-only ones included, without the marker", async () => {
        const res = await fetch(`${emu.url}/api/v2/connections?per_page=100`, { headers: { authorization: "Bearer twin-token" } });
        const list = (await res.json()) as Array<Record<string, unknown>>;
        assert.deepEqual(list.map((c) => c.name).sort(), ["Legacy IdP (EU)", "listed", "okta-workforce"]);
        assert.ok(list.every((c) => !("listed_only" in c)));
    });

    it("refuses a document that is not a snapshot, naming what is wrong", async () => {
        await assert.rejects(
            startEmulator({ snapshot: { format: "something-else" } }),
            /snapshot error: "format" must be "auth0-tenant-snapshot"/,
        );
    });

    it("still refuses the same unknown strategy in a hand-written seed", async () => {
        const seed = { tenant: "t", connections: [{ id: "con_AAAAAAAAAAAAAAAA", name: "x", strategy: "acme-future-strategy" }] };
        await assert.rejects(startEmulator({ seed }), /unknown strategy "acme-future-strategy"/);
    });
});

describe("Emulator latency", () => {
    it("answers no request sooner than the given delay", async () => {
        const emu = await startEmulator({ latencyMs: 200 });
        try {
            const t0 = Date.now();
            const res = await fetch(`${emu.url}/api/v2/connections`, { headers: { authorization: "Bearer local-admin-token" } });
            assert.equal(res.status, 200);
            assert.ok(Date.now() - t0 >= 200, "answered before the latency");
        } finally {
            await emu.close();
        }
    });
});

describe("Emulator command line for snapshots", () => {
    it("serves --snapshot with the sample's local credentials, and takes --latency-ms", () => {
        const options = parseArgs(["--snapshot", "snap.json", "--latency-ms", "40"]);
        assert.equal(options.snapshot, "snap.json");
        assert.equal(options.latencyMs, 40);
        assert.deepEqual(
            options.snapshotAccess?.clients?.map((c) => c.client_id),
            ["local-client"],
        );
        assert.throws(() => parseArgs(["--snapshot", "a.json", "--seed", "b.json"]), /exclude each other/);
    });
});
