import { strict as assert } from "node:assert";
import { parseFaultSpec, startEmulator, type FaultRule, type RunningEmulator } from "../../emulator";
import { call, SAMPLE } from "../helpers/emulator-client";

const LIST = "/api/v2/connections";
const SCIM_PATH = "^/api/v2/connections/[^/]+/scim-configuration$";

describe("Emulator fault injection", () => {
    let emulator: RunningEmulator;
    before(async () => {
        emulator = await startEmulator();
    });
    after(() => emulator.close());
    afterEach(() => emulator.setFaults([]));

    it("answers an injected status without touching state", async () => {
        emulator.setFaults([{ method: "POST", path: SCIM_PATH, kind: "status", times: 1 }]);
        emulator.clearJournal();
        const res = await call(emulator, "POST", `${LIST}/${SAMPLE.okta}/scim-configuration`, { body: {} });
        assert.equal(res.status, 503);
        assert.equal(res.body.statusCode, 503);
        assert.equal(res.body.error, "Service Unavailable");
        assert.equal(typeof res.body.message, "string");
        assert.equal(emulator.state.scimConfigurations[SAMPLE.okta], undefined);
        assert.equal(emulator.journal[0].fault, "status");
        assert.equal(emulator.journal[0].status, 503);
        const retry = await call(emulator, "POST", `${LIST}/${SAMPLE.okta}/scim-configuration`, { body: {} });
        assert.equal(retry.status, 201);
    });

    it("processes the request and then answers the error for status-after-processing", async () => {
        emulator.setFaults([{ method: "PATCH", path: "^/api/v2/connections/[^/]+$", kind: "status-after-processing", status: 502 }]);
        const res = await call(emulator, "PATCH", `${LIST}/${SAMPLE.okta}`, { body: { display_name: "Changed behind a 502" } });
        assert.equal(res.status, 502);
        assert.equal(res.body.error, "Bad Gateway");
        assert.equal(emulator.state.connections[SAMPLE.okta].display_name, "Changed behind a 502");
        assert.equal(emulator.journal.at(-1)?.fault, "status-after-processing");
    });

    it("answers an injected 429 with Auth0's x-ratelimit headers, and a gateway's without them, before or after the work", async () => {
        const tokens = `${LIST}/${SAMPLE.samlp}/scim-configuration/tokens`;
        const rateHeaders = (h: Headers) =>
            ["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"].map((n) => h.get(n) !== null);
        const before = emulator.state.scimTokens[SAMPLE.samlp].length;
        emulator.setFaults([{ method: "POST", path: "/scim-configuration/tokens$", kind: "status", status: 429, times: 1 }]);
        const auth0 = await call(emulator, "POST", tokens, { body: {} });
        assert.equal(auth0.status, 429);
        assert.deepEqual(rateHeaders(auth0.headers), [true, true, true]);
        emulator.setFaults([{ method: "POST", path: "/scim-configuration/tokens$", kind: "status", status: 429, gateway: true, times: 1 }]);
        const gateway = await call(emulator, "POST", tokens, { body: {} });
        assert.equal(gateway.status, 429);
        assert.deepEqual(rateHeaders(gateway.headers), [false, false, false]);
        assert.equal(emulator.state.scimTokens[SAMPLE.samlp].length, before, "neither did any work");
        emulator.setFaults([
            { method: "POST", path: "/scim-configuration/tokens$", kind: "status-after-processing", status: 429, gateway: true, times: 1 },
        ]);
        const late = await call(emulator, "POST", tokens, { body: {} });
        assert.equal(late.status, 429);
        assert.deepEqual(rateHeaders(late.headers), [false, false, false]);
        const added = emulator.state.scimTokens[SAMPLE.samlp].slice(before);
        assert.equal(added.length, 1, "the gateway answered 429 after the token was issued");
        emulator.state.scimTokens[SAMPLE.samlp].splice(before);
        assert.throws(() => parseFaultSpec(JSON.stringify({ path: ".*", kind: "slow", gateway: true })), /only for status/);
    });

    it("drops the connection without answering or changing state", async () => {
        emulator.setFaults([{ method: "POST", path: `^${LIST}$`, kind: "drop" }]);
        await assert.rejects(call(emulator, "POST", LIST, { body: { name: "dropped", strategy: "auth0" } }));
        assert.ok(!Object.values(emulator.state.connections).some((c) => c.name === "dropped"));
        const entry = emulator.journal.at(-1);
        assert.equal(entry?.fault, "drop");
        assert.equal(entry?.status, 0);
        assert.deepEqual(entry?.body, { name: "dropped", strategy: "auth0" });
    });

    it("delays and then answers normally for slow", async () => {
        emulator.setFaults([{ method: "GET", path: `^${LIST}$`, kind: "slow", delayMs: 300 }]);
        const started = Date.now();
        const res = await call(emulator, "GET", LIST);
        assert.ok(Date.now() - started >= 280, `took ${Date.now() - started} ms`);
        assert.equal(res.status, 200);
        assert.equal(emulator.journal.at(-1)?.fault, "slow");
    });

    it("matches the method and the path", async () => {
        emulator.setFaults([{ method: "DELETE", path: `^${LIST}/[^/]+$`, kind: "status", status: 500 }]);
        assert.equal((await call(emulator, "GET", `${LIST}/${SAMPLE.okta}`)).status, 200);
        assert.equal((await call(emulator, "GET", LIST)).status, 200);
        assert.equal((await call(emulator, "DELETE", `${LIST}/${SAMPLE.okta}`)).status, 500);
        assert.ok(emulator.state.connections[SAMPLE.okta]);
    });

    it("fires a rule at most `times` times", async () => {
        emulator.setFaults([{ path: `^${LIST}$`, kind: "status", status: 500, times: 2 }]);
        const statuses: number[] = [];
        for (let i = 0; i < 4; i++) statuses.push((await call(emulator, "GET", LIST)).status);
        assert.deepEqual(statuses, [500, 500, 200, 200]);
    });

    it("repeats the same probabilistic sequence under the same seed", async () => {
        const rules: FaultRule[] = [{ path: `^${LIST}$`, kind: "status", probability: 0.5 }];
        const run = async (seed: number): Promise<string> => {
            emulator.setFaults(rules, seed);
            let pattern = "";
            for (let i = 0; i < 24; i++) pattern += (await call(emulator, "GET", LIST)).status === 503 ? "x" : ".";
            return pattern;
        };
        const first = await run(7);
        assert.equal(await run(7), first);
        assert.ok(first.includes("x") && first.includes("."), first);
        assert.notEqual(await run(8), first);
    });

    it("faults the same requests under the same seed however callers interleave", async () => {
        const rules: FaultRule[] = [{ path: "^/api/v2/connections", kind: "status", probability: 0.5 }];
        const paths = [`${LIST}/${SAMPLE.okta}`, `${LIST}/${SAMPLE.google}`];
        // Each caller's own requests come in its order; only the interleaving of the two differs.
        const run = async (order: readonly number[]): Promise<string[]> => {
            emulator.setFaults(rules, 11);
            const patterns = ["", ""];
            for (const caller of order) patterns[caller] += (await call(emulator, "GET", paths[caller])).status === 503 ? "x" : ".";
            return patterns;
        };
        const apart = await run([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]);
        assert.deepEqual(await run([0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]), apart);
        assert.deepEqual(await run([1, 1, 1, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0]), apart);
        assert.ok(apart.join("").includes("x") && apart.join("").includes("."), apart.join(" "));
    });

    it("never fires a rule with probability 0", async () => {
        emulator.setFaults([{ path: ".*", kind: "drop", probability: 0 }]);
        for (let i = 0; i < 5; i++) assert.equal((await call(emulator, "GET", LIST)).status, 200);
    });

    it("accepts faults at start", async () => {
        const other = await startEmulator({ faults: [{ path: "^/oauth/token$", kind: "status", status: 500 }], faultSeed: 3 });
        try {
            const res = await fetch(`${other.url}/oauth/token`, {
                method: "POST",
                body: "{}",
                headers: { "content-type": "application/json" },
            });
            assert.equal(res.status, 500);
        } finally {
            await other.close();
        }
    });
});

describe("Emulator fault spec parsing", () => {
    it("reads METHOD:PATH:KIND:STATUS:PROBABILITY", () => {
        assert.deepEqual(parseFaultSpec(`POST:${SCIM_PATH}:status:503:0.2`), {
            method: "POST",
            path: SCIM_PATH,
            kind: "status",
            status: 503,
            probability: 0.2,
        });
    });

    it("reads a delay for slow, times, any-method and paths with colons", () => {
        assert.deepEqual(parseFaultSpec("*:^/api/v2/(?:a|b)$:slow:250::3"), {
            path: "^/api/v2/(?:a|b)$",
            kind: "slow",
            delayMs: 250,
            times: 3,
        });
        assert.deepEqual(parseFaultSpec(":.*:drop"), { path: ".*", kind: "drop" });
    });

    it("reads a JSON rule", () => {
        const rule = { path: "^/x$", kind: "status-after-processing", status: 500 };
        assert.deepEqual(parseFaultSpec(JSON.stringify(rule)), rule);
    });

    it("rejects specs it cannot understand", () => {
        assert.throws(() => parseFaultSpec("GET:^/x$:explode"));
        assert.throws(() => parseFaultSpec("GET:^/x$:status:abc"));
        assert.throws(() => parseFaultSpec("GET:^/x$:status:503:2"));
        assert.throws(() => parseFaultSpec("GET:([:status"));
    });
});
