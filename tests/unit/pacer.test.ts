import * as assert from "node:assert/strict";
import {
    newPacerState,
    observeResponse,
    parseRateLimitHeaders,
    planReserve,
    refundReserved,
    sendReserved,
    type PacerState,
} from "../../management-api/pacer";

/** One request: reserve and send it at once, as the transport does; 0 when it may go, else ms to wait. */
function planSend(state: PacerState, now: number): number {
    const wait = planReserve(state, now, 1);
    if (wait === 0) sendReserved(state);
    return wait;
}

describe("Pacer", () => {
    it("sends one request at a time until the bucket size is known", () => {
        const s = newPacerState(0);
        assert.equal(planSend(s, 0), 0);
        assert.ok(planSend(s, 0) > 0, "a second request waits for the first answer");
        observeResponse(s, { limit: 10, remaining: 9, reset: 1 }, 200, undefined, 5);
        assert.equal(planSend(s, 5), 0);
    });

    it("spends what the server says remains, then waits one refill interval", () => {
        const s = newPacerState(0);
        planSend(s, 0);
        // 2 per second, burst 2: one used, the bucket is full again at t=1s (rounded up).
        observeResponse(s, { limit: 2, remaining: 1, reset: 1 }, 200, undefined, 10);
        assert.equal(planSend(s, 10), 0);
        const wait = planSend(s, 10);
        assert.ok(wait > 0 && wait <= 1000, `waits about one interval, got ${wait}`);
    });

    it("measures the refill rate from the headers and never overestimates it", () => {
        const s = newPacerState(0);
        planSend(s, 0);
        // True rate 16/s: 48 missing tokens refill in 3 s; reset is rounded up to 4 s.
        observeResponse(s, { limit: 50, remaining: 2, reset: 4 }, 200, undefined, 1000);
        assert.ok(s.rate * 1000 <= 16 && s.rate * 1000 >= 12, `rate ${s.rate * 1000}/s`);
    });

    it("accounts for requests still in flight", () => {
        const s = newPacerState(0);
        planSend(s, 0);
        observeResponse(s, { limit: 5, remaining: 4, reset: 1 }, 200, undefined, 1);
        for (let i = 0; i < 4; i++) assert.equal(planSend(s, 1), 0);
        // The first of those four answers: the server counted it, three others are still out.
        observeResponse(s, { limit: 5, remaining: 3, reset: 1 }, 200, undefined, 2);
        assert.ok(s.tokens <= 0.01, `tokens ${s.tokens}`);
    });

    it("blocks everyone after a 429 for retry-after seconds", () => {
        const s = newPacerState(0);
        planSend(s, 0);
        observeResponse(s, { limit: 2, remaining: 0, reset: 1 }, 429, 3, 0);
        assert.equal(planSend(s, 100), 2900);
    });

    it("parses the headers and rejects incomplete ones", () => {
        const h: Record<string, string> = { "x-ratelimit-limit": "50", "x-ratelimit-remaining": "49", "x-ratelimit-reset": "1700000000" };
        assert.deepEqual(
            parseRateLimitHeaders((n) => h[n] ?? null),
            { limit: 50, remaining: 49, reset: 1700000000 },
        );
        assert.equal(
            parseRateLimitHeaders((n) => (n === "x-ratelimit-reset" ? null : h[n])),
            undefined,
        );
    });
});

describe("Pacer reservations", () => {
    it("reserves a GET and its PATCH together, and refunds the PATCH when it is not needed", () => {
        const s = newPacerState(0);
        planSend(s, 0);
        observeResponse(s, { limit: 2, remaining: 1, reset: 1 }, 200, undefined, 0);
        // Only one token left: a pair must wait for the second (measured refill: 1 per second).
        assert.ok(planReserve(s, 0, 2) > 0);
        assert.equal(planReserve(s, 1000, 2), 0);
        assert.equal(s.reserved, 2);
        assert.equal(sendReserved(s), true);
        // A third request meanwhile finds no token: the PATCH's is held for it.
        assert.ok(planSend(s, 1000) > 0);
        refundReserved(s, 1);
        assert.equal(s.reserved, 0);
        assert.equal(planSend(s, 1000), 0);
    });

    it("keeps the reservation when a response reports the bucket", () => {
        const s = newPacerState(0);
        planSend(s, 0);
        observeResponse(s, { limit: 10, remaining: 9, reset: 1 }, 200, undefined, 1);
        assert.equal(planReserve(s, 1, 2), 0);
        sendReserved(s);
        observeResponse(s, { limit: 10, remaining: 8, reset: 1 }, 200, undefined, 2);
        // 8 left on the server, one of them promised to our PATCH.
        assert.equal(Math.floor(s.tokens), 7);
    });
});

describe("Pacer with reordered answers", () => {
    it("ignores a bucket report older than the one it already has", () => {
        const s = newPacerState(0);
        planSend(s, 0);
        observeResponse(s, { limit: 10, remaining: 9, reset: 1 }, 200, undefined, 5, 0);
        planSend(s, 5);
        planSend(s, 6);
        // The second request's answer (sent at 6) arrives before the first's (sent at 5).
        observeResponse(s, { limit: 10, remaining: 7, reset: 1 }, 200, undefined, 20, 6);
        observeResponse(s, { limit: 10, remaining: 8, reset: 1 }, 200, undefined, 21, 5);
        assert.ok(s.tokens < 7.1, `tokens ${s.tokens}`);
    });
});
