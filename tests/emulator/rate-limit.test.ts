import { strict as assert } from "node:assert";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { TokenBucket } from "../../emulator/rate-limit";
import { call, sleep } from "../helpers/emulator-client";

const LIST = "/api/v2/connections";

function limits(headers: Headers): { limit: number; remaining: number; reset: number } {
    return {
        limit: Number(headers.get("x-ratelimit-limit")),
        remaining: Number(headers.get("x-ratelimit-remaining")),
        reset: Number(headers.get("x-ratelimit-reset")),
    };
}

describe("Emulator rate limiting", () => {
    let emulator: RunningEmulator;
    // A fresh emulator per test: each test sets up the state it needs, so any order passes.
    beforeEach(async () => {
        emulator = await startEmulator();
    });
    afterEach(() => emulator.close());

    it("sends the rate-limit headers even without a configured limit", async () => {
        const res = await call(emulator, "GET", LIST);
        const { limit, remaining, reset } = limits(res.headers);
        assert.equal(limit, 1000);
        assert.equal(remaining, 999);
        assert.ok(Math.abs(reset - Date.now() / 1000) <= 2, `reset ${reset}`);
    });

    it("counts the bucket down and answers 429 with the Auth0 body and retry-after when it is empty", async () => {
        // One token per 100 s: no request of this test finds one refilled, however slow the machine.
        emulator.setRateLimit({ rate: 0.01, burst: 3 });
        const seen: number[] = [];
        for (let i = 0; i < 3; i++) {
            const res = await call(emulator, "GET", LIST);
            assert.equal(res.status, 200);
            assert.equal(limits(res.headers).limit, 3);
            seen.push(limits(res.headers).remaining);
        }
        assert.deepEqual(seen, [2, 1, 0]);
        const limited = await call(emulator, "GET", LIST);
        assert.equal(limited.status, 429);
        assert.deepEqual(limited.body, {
            statusCode: 429,
            error: "Too Many Requests",
            message: "Global limit has been reached",
            errorCode: "too_many_requests",
        });
        // The next token in 100 s; the bucket full again (3 tokens) in 300 s.
        assert.equal(limited.headers.get("retry-after"), "100");
        assert.equal(limits(limited.headers).remaining, 0);
        const nowSeconds = Date.now() / 1000;
        const reset = limits(limited.headers).reset;
        assert.ok(reset >= Math.floor(nowSeconds) + 290 && reset <= Math.ceil(nowSeconds) + 301, `reset ${reset}`);
        assert.equal(emulator.journal.at(-1)?.status, 429);
    });

    it("refuses a request that finds the bucket empty, and serves one once it has refilled", async () => {
        // One token a second: the second request, right after the first, finds none on any machine.
        emulator.setRateLimit({ rate: 1, burst: 1 });
        assert.equal((await call(emulator, "GET", LIST)).status, 200);
        assert.equal((await call(emulator, "GET", LIST)).status, 429);
        await sleep(1100);
        assert.equal((await call(emulator, "GET", LIST)).status, 200);
    });

    it("refills at the configured rate (the bucket's own clock, no waiting)", () => {
        const bucket = new TokenBucket({ rate: 10, burst: 1 });
        const t = Date.now() + 60_000; // after the bucket was configured, whatever the machine's speed
        assert.equal(bucket.take(t).allowed, true);
        assert.equal(bucket.take(t + 50).allowed, false, "half a token after 50 ms at 10/s");
        assert.equal(bucket.take(t + 150).allowed, true, "a whole token by 150 ms");
        assert.equal(bucket.take(t + 150).allowed, false, "and only one: the burst is 1");
    });

    it("limits every Management API route, errors included, but not the token endpoint", async () => {
        emulator.setRateLimit({ rate: 0.5, burst: 1 });
        const missing = await call(emulator, "GET", "/api/v2/nothing-here");
        assert.equal(missing.status, 404);
        assert.equal(limits(missing.headers).remaining, 0);
        assert.equal((await call(emulator, "GET", LIST)).status, 429);
        for (let i = 0; i < 3; i++) {
            const token = await fetch(`${emulator.url}/oauth/token`, {
                method: "POST",
                headers: { "content-type": "application/json" },
                body: JSON.stringify({
                    grant_type: "client_credentials",
                    client_id: "local-client",
                    client_secret: "local-secret",
                    audience: `https://${emulator.domain}/api/v2/`,
                }),
            });
            assert.equal(token.status, 200);
            assert.equal(token.headers.get("x-ratelimit-remaining"), "0");
        }
    });

    it("does not touch state when refusing a request", async () => {
        emulator.setRateLimit({ rate: 0.5, burst: 1 });
        await call(emulator, "GET", LIST);
        const res = await call(emulator, "POST", LIST, { body: { name: "limited", strategy: "auth0" } });
        assert.equal(res.status, 429);
        assert.ok(!Object.values(emulator.state.connections).some((c) => c.name === "limited"));
    });

    it("goes back to unlimited when the limit is removed", async () => {
        emulator.setRateLimit({ rate: 0.5, burst: 1 });
        assert.equal((await call(emulator, "GET", LIST)).status, 200);
        assert.equal((await call(emulator, "GET", LIST)).status, 429);
        emulator.setRateLimit(undefined);
        for (let i = 0; i < 20; i++) assert.equal((await call(emulator, "GET", LIST)).status, 200);
    });
});

describe("Emulator rate limiting from options", () => {
    let emulator: RunningEmulator;
    before(async () => {
        emulator = await startEmulator({ rateLimit: { rate: 2, burst: 2 } });
    });
    after(() => emulator.close());

    it("applies the limit given at start", async () => {
        const statuses: number[] = [];
        for (let i = 0; i < 3; i++) statuses.push((await call(emulator, "GET", LIST)).status);
        assert.deepEqual(statuses, [200, 200, 429]);
    });
});
