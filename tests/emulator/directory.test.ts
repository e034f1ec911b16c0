import { strict as assert } from "node:assert";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { call, SAMPLE, sleep, type Json } from "../helpers/emulator-client";

const dir = (id: string, suffix = "") => `/api/v2/connections/${id}/directory-provisioning${suffix}`;
const SYNC_MS = 150;

/** Creates the google connection's directory provisioning from `body`. */
async function provisioned(emulator: RunningEmulator, body: Json = {}): Promise<void> {
    assert.equal((await call(emulator, "POST", dir(SAMPLE.google), { body })).status, 201);
}

/** Runs a synchronization and waits until the configuration records it as completed. */
async function synchronized(emulator: RunningEmulator): Promise<void> {
    assert.equal((await call(emulator, "POST", dir(SAMPLE.google, "/synchronizations"))).status, 201);
    while ((await call(emulator, "GET", dir(SAMPLE.google))).body.last_synchronization_at === undefined) await sleep(SYNC_MS / 3);
}

describe("Emulator directory provisioning", () => {
    let emulator: RunningEmulator;
    // A fresh emulator per test: each test sets up the state it needs, so any order passes.
    beforeEach(async () => {
        emulator = await startEmulator({ synchronizationDurationMs: SYNC_MS });
    });
    afterEach(() => emulator.close());

    it("answers 404 while google-workspace has no configuration", async () => {
        const res = await call(emulator, "GET", dir(SAMPLE.google));
        assert.equal(res.status, 404);
        assert.equal(res.body.error, "Not Found");
    });

    it("creates from {} with the 51-pair mapping, no automatic sync and groups off", async () => {
        const res = await call(emulator, "POST", dir(SAMPLE.google), { body: {} });
        assert.equal(res.status, 201);
        const mapping = res.body.mapping as Json[];
        assert.equal(mapping.length, 51);
        assert.deepEqual(mapping[0], { idp: "id", auth0: "app_metadata.external_id" });
        assert.equal(res.body.synchronize_automatically, false);
        assert.equal(res.body.synchronize_groups, "off");
        assert.equal(res.body.connection_id, SAMPLE.google);
        assert.equal(res.body.connection_name, "google-workspace");
        assert.equal(res.body.strategy, "google-apps");
        assert.ok(!Number.isNaN(Date.parse(String(res.body.created_at))));
        assert.ok(!Number.isNaN(Date.parse(String(res.body.updated_at))));
        assert.ok(!("last_synchronization_at" in res.body));
    });

    it("answers 409 to a second POST", async () => {
        await provisioned(emulator);
        const res = await call(emulator, "POST", dir(SAMPLE.google), { body: { synchronize_groups: "all" } });
        assert.equal(res.status, 409);
        assert.equal(res.body.error, "Conflict");
        assert.equal(emulator.state.directoryProvisionings[SAMPLE.google].synchronize_groups, "off");
    });

    it("keeps the fields a PATCH leaves out", async () => {
        await provisioned(emulator);
        const res = await call(emulator, "PATCH", dir(SAMPLE.google), { body: { synchronize_groups: "all" } });
        assert.equal(res.status, 200);
        assert.equal(res.body.synchronize_groups, "all");
        assert.equal(res.body.synchronize_automatically, false);
        assert.equal((res.body.mapping as Json[]).length, 51);
        const auto = await call(emulator, "PATCH", dir(SAMPLE.google), { body: { synchronize_automatically: true } });
        assert.equal(auto.body.synchronize_groups, "all");
        assert.equal(auto.body.synchronize_automatically, true);
    });

    it("replaces the mapping whole on PATCH", async () => {
        await provisioned(emulator, { synchronize_groups: "all" });
        const mapping = [{ idp: "primaryEmail", auth0: "email" }];
        const res = await call(emulator, "PATCH", dir(SAMPLE.google), { body: { mapping } });
        assert.equal(res.status, 200);
        assert.deepEqual(res.body.mapping, mapping);
        assert.equal(res.body.synchronize_groups, "all");
    });

    it("refuses an empty mapping, a bad group mode and malformed items", async () => {
        await provisioned(emulator, { mapping: [{ idp: "primaryEmail", auth0: "email" }] });
        const bodies = [
            { mapping: [] },
            { synchronize_groups: "some" },
            { mapping: [{ idp: "id" }] },
            { synchronize_automatically: "yes" },
        ];
        for (const body of bodies) {
            const res = await call(emulator, "PATCH", dir(SAMPLE.google), { body });
            assert.equal(res.status, 400, JSON.stringify(body));
            assert.equal(res.body.errorCode, "invalid_body");
        }
        assert.equal(emulator.state.directoryProvisionings[SAMPLE.google].mapping.length, 1);
    });

    it("returns the default mapping as {mapping: [...]}", async () => {
        const res = await call(emulator, "GET", dir(SAMPLE.google, "/default-mapping"));
        assert.equal(res.status, 200);
        assert.equal((res.body.mapping as Json[]).length, 51);
    });

    it("only serves google-apps connections (400 for others)", async () => {
        for (const id of [SAMPLE.samlp, SAMPLE.database]) {
            const res = await call(emulator, "POST", dir(id), { body: {} });
            assert.equal(res.status, 400);
            assert.equal(res.body.error, "Bad Request");
        }
        assert.equal(emulator.state.directoryProvisionings[SAMPLE.samlp], undefined);
    });

    it("answers 404 inexistent_connection for an unknown connection", async () => {
        const res = await call(emulator, "GET", dir("con_doesnotexist0000"));
        assert.equal(res.status, 404);
        assert.equal(res.body.errorCode, "inexistent_connection");
    });

    it("starts a synchronization with 201 pending, 409 while it runs, then records it", async () => {
        await provisioned(emulator);
        const res = await call(emulator, "POST", dir(SAMPLE.google, "/synchronizations"));
        assert.equal(res.status, 201);
        assert.deepEqual(Object.keys(res.body).sort(), ["connection_id", "status", "synchronization_id"]);
        assert.equal(res.body.connection_id, SAMPLE.google);
        assert.equal(res.body.status, "pending");
        const busy = await call(emulator, "POST", dir(SAMPLE.google, "/synchronizations"));
        assert.equal(busy.status, 409);
        await sleep(SYNC_MS + 100);
        const config = await call(emulator, "GET", dir(SAMPLE.google));
        assert.ok(!Number.isNaN(Date.parse(String(config.body.last_synchronization_at))));
        assert.equal(typeof config.body.last_synchronization_status, "string");
    });

    it("answers 400 when the last synchronization completed under 30 minutes ago", async () => {
        await provisioned(emulator);
        await synchronized(emulator);
        const res = await call(emulator, "POST", dir(SAMPLE.google, "/synchronizations"));
        assert.equal(res.status, 400);
        assert.equal(res.body.error, "Bad Request");
        assert.equal(res.body.errorCode, "too_many_synchronizations");
    });

    it("counts the 30 minutes from completion, not from the request", async () => {
        await provisioned(emulator);
        await synchronized(emulator);
        const minutesAgo = (m: number) => new Date(Date.now() - m * 60 * 1000).toISOString();
        const runs = emulator.state.synchronizations[SAMPLE.google];
        // Requested 45 minutes ago but only finished 29 minutes ago: still cooling down.
        for (const run of runs) Object.assign(run, { created_at: minutesAgo(45), completed_at: minutesAgo(29) });
        const early = await call(emulator, "POST", dir(SAMPLE.google, "/synchronizations"));
        assert.equal(early.status, 400);
        for (const run of runs) run.completed_at = minutesAgo(31);
        const res = await call(emulator, "POST", dir(SAMPLE.google, "/synchronizations"));
        assert.equal(res.status, 201);
    });

    it("deletes with 204 and then answers 404", async () => {
        await provisioned(emulator);
        const res = await call(emulator, "DELETE", dir(SAMPLE.google));
        assert.equal(res.status, 204);
        assert.equal(res.text, "");
        assert.equal((await call(emulator, "GET", dir(SAMPLE.google))).status, 404);
        assert.equal((await call(emulator, "POST", dir(SAMPLE.google, "/synchronizations"))).status, 404);
    });
});

describe("Emulator directory provisioning with the tenant feature off", () => {
    let emulator: RunningEmulator;
    // A fresh emulator per test: each test sets up the state it needs, so any order passes.
    beforeEach(async () => {
        emulator = await startEmulator({ directoryProvisioningEnabled: false });
    });
    afterEach(() => emulator.close());

    it("answers 403 on every directory provisioning route", async () => {
        for (const [method, suffix] of [
            ["GET", ""],
            ["POST", ""],
            ["PATCH", ""],
            ["DELETE", ""],
            ["GET", "/default-mapping"],
            ["POST", "/synchronizations"],
        ]) {
            const body = method === "POST" || method === "PATCH" ? {} : undefined;
            const res = await call(emulator, method, dir(SAMPLE.google, suffix), { body });
            assert.equal(res.status, 403, `${method} ${suffix}`);
            assert.equal(res.body.error, "Forbidden");
        }
        assert.deepEqual(emulator.state.directoryProvisionings, {});
    });

    it("serves the routes again once the flag is switched on in the live state", async () => {
        emulator.state.directoryProvisioningEnabled = true;
        assert.equal((await call(emulator, "POST", dir(SAMPLE.google), { body: {} })).status, 201);
    });
});
