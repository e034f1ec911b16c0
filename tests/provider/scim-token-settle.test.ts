import * as assert from "node:assert/strict";
import type { RunningEmulator } from "../../emulator";
import { type ScimTokenOutputs, scimTokenProvider as p } from "../../components/provider/scimToken";
import { ResourceInitError } from "../../components/provider/skeleton";
import { CLOCK_SKEW_MS, type UnansweredRequest } from "../../components/provider/token-facts";
import { SAMPLE, settle, startForProvider, useEmulator, writes } from "../helpers/api";
import { issuedBehindOurBack, tokenIds, tokensAged, requestAged } from "../helpers/scim-tokens";

const CONN = SAMPLE.samlp;
const TOKENS_PATH = "/scim-configuration/tokens$";
const TOKEN_URL = `/api/v2/connections/${CONN}/scim-configuration/tokens`;
const USERS = ["get:users"];

/** A request sent `agoMs` ago (a second by default) whose token may land for `landsInMs` more. */
function requestNow(landsInMs: number, agoMs = 1000): UnansweredRequest {
    return { askedAt: new Date(Date.now() - agoMs).toISOString(), until: new Date(Date.now() + landsInMs).toISOString(), baseline: [] };
}

/** The state of a token whose create got no clear answer, as the engine keeps it. */
function pendingState(request: UnansweredRequest, tokensOnConnection?: number): ScimTokenOutputs {
    return { connectionId: CONN, scopes: USERS, tokenId: "", token: "", createdAt: "", unanswered: request, tokensOnConnection };
}

/**
 * Lets time pass without waiting, between two runs: every token's times in the emulator move into
 * the past by `ms`; the states returned have their requests' times moved by as much.
 */
function timePassed(emu: RunningEmulator, ms: number, states: ScimTokenOutputs[]): ScimTokenOutputs[] {
    tokensAged(emu, CONN, ms);
    return states.map((s) => (s.unanswered === undefined ? s : { ...s, unanswered: requestAged(s.unanswered, ms) }));
}

/** Far enough for any request window (a minute at most) and twice the clock skew to have passed. */
const LATER = 60_000 + 2 * CLOCK_SKEW_MS + 1000;

/** A token POST by someone else (the run that lost its answer, a dashboard): resolves to its token id. */
const postedElsewhere = (emu: RunningEmulator) => issuedBehindOurBack(emu, CONN, USERS);

const ids = (emu: RunningEmulator) => tokenIds(emu, CONN);
const rejection = (p: Promise<unknown>) =>
    p.then(
        () => assert.fail("expected a refusal"),
        (e: unknown) => (e instanceof Error ? e : assert.fail(`not an Error: ${String(e)}`)),
    );

describe("ScimToken: a connection's unanswered token requests are settled together, before any token is issued there", () => {
    let emu: RunningEmulator;
    before(async () => {
        emu = await startForProvider({ rateLimit: { rate: 50, burst: 50 } });
    });
    after(() => emu.close());
    beforeEach(() => {
        useEmulator(emu);
        emu.state.scimTokens[CONN] = [];
        emu.setFaults([]);
        emu.clearJournal();
    });

    for (const order of ["after", "before"] as const) {
        it(`holds a new token's create, started ${order} the diff that reads the pending request, until that request is settled, so its stray search never takes the late token for its own`, async () => {
            // Run 2: A's token lands 0.5 s in; its window ends at 1.5 s. New token C's POST times out (1 s) and its token lands at 2.5 s.
            emu.setFaults([
                { method: "POST", path: TOKENS_PATH, kind: "slow", delayMs: 500, times: 1 },
                { method: "POST", path: TOKENS_PATH, kind: "slow", delayMs: 2500, times: 1 },
            ]);
            const landing = postedElsewhere(emu);
            useEmulator(emu, { timeoutMs: 1000 });
            const a = pendingState(requestNow(1500), 2);
            const inputs = { connectionId: CONN, scopes: USERS, tokensOnConnection: 2 };
            // The same inputs as A: nothing tells C's create from A's replacement but the order.
            const c = { connectionId: CONN, scopes: USERS, tokensOnConnection: 2 };
            await p.check(a, inputs);
            await p.check({}, c);
            const createC = () =>
                p.create(c).then(
                    () => undefined,
                    (e: unknown) => e,
                );
            const earlyC = order === "before" ? createC() : undefined;
            await p.diff("unanswered-a", a, inputs);
            const settling = p.delete("unanswered-a", a);
            const creatingC = earlyC ?? createC();
            await settling;
            const issuedA = await p.create(inputs);
            const cFailure = await creatingC;
            const late = await landing;
            assert.ok(await settle(emu, 10_000), "every slow POST was answered");
            assert.ok(
                cFailure === undefined || cFailure instanceof Error,
                "C's create ends: issued, or failed after revoking its own token",
            );
            assert.ok(!ids(emu).includes(late), "A's late token was revoked");
            assert.deepEqual(ids(emu), [issuedA.outs.tokenId], "no token is held by nobody: only A's declared token is left");
        });
    }

    it("settles two unanswered requests whose tokens fall in both windows together, revoking both", async () => {
        const first = await postedElsewhere(emu);
        const second = await postedElsewhere(emu);
        const [r1, r2] = timePassed(emu, LATER, [pendingState(requestNow(60_000, 2000), 2), pendingState(requestNow(60_000, 1000), 2)]);
        const inputs = { connectionId: CONN, scopes: USERS, tokensOnConnection: 2 };
        emu.clearJournal();
        for (const s of [r1, r2]) await p.check(s, inputs);
        await p.diff("unanswered-1", r1, inputs);
        await p.diff("unanswered-2", r2, inputs);
        await p.delete("unanswered-1", r1);
        await p.delete("unanswered-2", r2);
        assert.deepEqual(ids(emu), [], "both late tokens revoked");
        assert.deepEqual(
            writes(emu.journal)
                .map((e) => `${e.method} ${e.path}`)
                .sort(),
            [`DELETE ${TOKEN_URL}/${first}`, `DELETE ${TOKEN_URL}/${second}`].sort(),
            "each revoked once, by the one settle of the connection",
        );
    });

    it("revokes nothing when the unknown tokens in the windows are more than the requests can have created", async () => {
        await postedElsewhere(emu);
        await postedElsewhere(emu);
        // The second request went out well after both tokens were created: only the first one's window covers them.
        const [r1, r2] = timePassed(emu, LATER, [
            pendingState(requestNow(60_000), 2),
            pendingState(requestNow(60_000, -3 * CLOCK_SKEW_MS), 2),
        ]);
        const inputs = { connectionId: CONN, scopes: USERS, tokensOnConnection: 2 };
        await p.diff("unanswered-1", r1, inputs);
        await p.diff("unanswered-2", r2, inputs);
        emu.clearJournal();
        const err = await rejection(p.delete("unanswered-1", r1));
        assert.match(err.message, /2 SCIM token request\(s\) on connection .* 2 unknown tokens .* nothing was revoked/);
        await assert.rejects(p.delete("unanswered-2", r2), /nothing was revoked/);
        assert.deepEqual(writes(emu.journal), []);
        assert.equal(emu.state.scimTokens[CONN].length, 2);
    });

    it("settles a request that sent more than one POST (429 answers retried) as able to have created a token per POST", async () => {
        await postedElsewhere(emu);
        await postedElsewhere(emu);
        const request = { ...requestNow(60_000), retriedAfterMs: [300] };
        const [a] = timePassed(emu, LATER, [pendingState(request)]);
        await p.diff("unanswered-a", a, { connectionId: CONN, scopes: USERS });
        await p.delete("unanswered-a", a);
        assert.deepEqual(ids(emu), [], "both tokens its two POSTs created are revoked");
    });

    it("records when each POST of a request answered 429 by a gateway then left unanswered went out, for the next run's settle", async () => {
        useEmulator(emu, { timeoutMs: 1000 });
        emu.setFaults([
            // A gateway's 429 (without Auth0's rate-limit headers) may come after the token was issued.
            { method: "POST", path: TOKENS_PATH, kind: "status", status: 429, gateway: true, times: 1 },
            // Lands after the 1 s client timeout and the 3 s stray search.
            { method: "POST", path: TOKENS_PATH, kind: "slow", delayMs: 6000, times: 1 },
        ]);
        const err = await p.create({ connectionId: CONN, scopes: USERS }).then(
            () => assert.fail("expected the create to fail"),
            (e: unknown) => e,
        );
        assert.ok(err instanceof ResourceInitError, String(err));
        const request: unknown = err.properties.unanswered;
        const retried: unknown = typeof request === "object" && request !== null ? Reflect.get(request, "retriedAfterMs") : undefined;
        assert.ok(Array.isArray(retried) && retried.length === 1, `one retry recorded: ${JSON.stringify(request)}`);
        assert.ok(await settle(emu, 10_000), "the slow POST is answered");
    });

    it("refuses, revoking nothing, to settle before every token declared on the connection was read in the run (--target)", async () => {
        // Run 2 issued C inside A's window (a --target C run); A's request itself never landed.
        const c = await p.create({ connectionId: CONN, scopes: USERS, tokensOnConnection: 2 });
        const [a] = timePassed(emu, LATER, [pendingState(requestNow(60_000), 2)]);
        // Run 3, `up --target A`: the engine never reads C.
        useEmulator(emu);
        emu.clearJournal();
        await p.diff("unanswered-a", a, { connectionId: CONN, scopes: USERS, tokensOnConnection: 2 });
        const err = await rejection(p.delete("unanswered-a", a));
        assert.match(
            err.message,
            /declares 2 SCIM token\(s\) on connection .* read 1 of them .*Nothing was revoked\. Run again without --target/,
        );
        assert.deepEqual(writes(emu.journal), [], "C is not revoked");
        assert.deepEqual(ids(emu), [c.outs.tokenId]);
    });

    it("settles once a sibling's diff has read it, leaving the sibling's token alone", async () => {
        const c = await p.create({ connectionId: CONN, scopes: USERS, tokensOnConnection: 2 });
        const [a] = timePassed(emu, LATER, [pendingState(requestNow(60_000), 2)]);
        useEmulator(emu);
        emu.clearJournal();
        const inputs = { connectionId: CONN, scopes: USERS, tokensOnConnection: 2 };
        await p.diff("unanswered-a", a, inputs);
        const settling = p.delete("unanswered-a", a);
        const diffC = await p.diff(c.id, c.outs, inputs);
        await settling;
        assert.equal(diffC.changes, false);
        assert.deepEqual(writes(emu.journal), []);
        assert.deepEqual(ids(emu), [c.outs.tokenId]);
    });

    it("refuses an unanswered request in state it cannot read, naming the field, in diff, read and delete", async () => {
        const bad = pendingState({ askedAt: "yesterday", until: new Date().toISOString(), baseline: [] });
        const inputs = { connectionId: CONN, scopes: USERS };
        await assert.rejects(p.diff("unanswered-x", bad, inputs), /unanswered\.askedAt must be an ISO 8601 date-time/);
        await assert.rejects(p.read("unanswered-x", bad), /unanswered\.askedAt/);
        const badUntil = pendingState({ askedAt: new Date().toISOString(), until: "", baseline: [] });
        await assert.rejects(
            p.delete("unanswered-x", badUntil),
            /unanswered\.until must be an ISO 8601 date-time .*Correct it in the state/,
        );
        assert.deepEqual(writes(emu.journal), []);
    });
});
