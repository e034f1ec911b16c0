import * as assert from "node:assert/strict";
import type { RunningEmulator } from "../../emulator";
import { type ScimTokenOutputs, scimTokenProvider as p } from "../../components/provider/scimToken";
import { ResourceInitError } from "../../components/provider/skeleton";
import { CLOCK_SKEW_MS, type UnansweredRequest } from "../../components/provider/token-facts";
import { emulatorFetch, SAMPLE, SAMPLE_TOKEN, settle, startForProvider, useEmulator, writes } from "../helpers/api";

const CONN = SAMPLE.samlp;
const TOKENS_PATH = "/scim-configuration/tokens$";
const TOKEN_URL = `/api/v2/connections/${CONN}/scim-configuration/tokens`;

/** The create's failure, which must be an init error: the engine keeps its state for the next run. */
async function failedCreate(scopes: string[]): Promise<ResourceInitError> {
    const err = await p.create({ connectionId: CONN, scopes }).then(
        () => assert.fail("expected the create to fail"),
        (e: unknown) => e,
    );
    assert.ok(err instanceof ResourceInitError, `the failed create leaves its facts to the engine: ${String(err)}`);
    return err;
}

/** True when the recorded properties are a token's state with an unanswered request. */
function isUnansweredState(props: Record<string, unknown>): props is Record<string, unknown> & ScimTokenOutputs {
    const u = props.unanswered;
    return props.connectionId === CONN && props.tokenId === "" && Array.isArray(props.scopes) && typeof u === "object" && u !== null;
}

/** The properties the engine recorded, as the next run hands them back. */
function recorded(err: ResourceInitError): ScimTokenOutputs {
    const props = err.properties;
    if (!isUnansweredState(props)) return assert.fail(`not an unanswered token's state: ${JSON.stringify(props)}`);
    return props;
}

/** A request's window: from one second ago to the usual minute ahead. */
function windowFromNow(baseline: string[]): UnansweredRequest {
    return { askedAt: new Date(Date.now() - 1000).toISOString(), until: new Date(Date.now() + 60_000).toISOString(), baseline };
}

const earlier = (iso: string, ms: number) => new Date(Date.parse(iso) - ms).toISOString();

/**
 * Lets the request's window pass without waiting: what the engine and the API recorded moves into
 * the past by the window, twice the clock skew and a second (the request's times, every token's
 * times), so that no create waits for its settle either.
 */
function windowPassed(emu: RunningEmulator, props: ScimTokenOutputs): ScimTokenOutputs {
    const request = props.unanswered;
    if (request === undefined) return assert.fail("no unanswered request");
    const ms = Date.parse(request.until) - Date.now() + 2 * CLOCK_SKEW_MS + 1000;
    for (const t of emu.state.scimTokens[CONN]) {
        t.created_at = earlier(t.created_at, ms);
        if (t.valid_until !== undefined) t.valid_until = earlier(t.valid_until, ms);
    }
    return { ...props, unanswered: { ...request, askedAt: earlier(request.askedAt, ms), until: earlier(request.until, ms) } };
}

/** The state of a token whose create got no clear answer. */
function pendingState(scopes: string[], request: UnansweredRequest): ScimTokenOutputs {
    return { connectionId: CONN, scopes, tokenId: "", token: "", createdAt: "", unanswered: request };
}

describe("ScimToken: a token request without a clear answer is settled by the next run", () => {
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

    it("re-sends a token POST answered 429 by a gateway only after listing, revoking the token the server issued anyway", async () => {
        emu.setFaults([{ method: "POST", path: TOKENS_PATH, kind: "status-after-processing", status: 429, gateway: true, times: 1 }]);
        const issued = await p.create({ connectionId: CONN, scopes: ["get:users"] });
        assert.deepEqual(
            emu.journal.filter((e) => e.path.startsWith(TOKEN_URL)).map((e) => `${e.method} ${e.status}`),
            ["GET 200", "POST 429", "GET 200", "DELETE 204", "POST 201"],
            "never a blind repeat: the repeat comes after a listing and the revocation of what the first POST issued",
        );
        assert.deepEqual(
            emu.state.scimTokens[CONN].map((t) => t.token_id),
            [issued.outs.tokenId],
            "one token: the one whose value the stack holds",
        );
    });

    it("revokes, in the next run, the token a timed-out POST created after the stray search, then issues one", async () => {
        useEmulator(emu, { timeoutMs: 1000 });
        // Lands after the 1 s client timeout and the 3 s stray search.
        emu.setFaults([{ method: "POST", path: TOKENS_PATH, kind: "slow", delayMs: 6000, times: 1 }]);
        const err = await failedCreate(["get:users"]);
        assert.match(
            err.message,
            /timed out.*no token it created has shown up yet; the next run revokes a token this request creates late \(it may land until \S+\)/,
        );
        assert.equal(recorded(err).unanswered?.baseline.length, 0);
        // The rest of this run issues no token on the connection: it would fall inside the request's window.
        await assert.rejects(
            p.create({ connectionId: CONN, scopes: ["get:groups"] }),
            new RegExp(`connection "${CONN}": the SCIM token request POST ${TOKEN_URL} sent at .* by this run got no clear answer`),
        );
        assert.ok(await settle(emu, 10_000), "the slow POST is answered");
        const [late] = emu.state.scimTokens[CONN];
        assert.ok(late !== undefined, "the late POST created a token");

        // The next run, once the window has passed, as the engine runs it: diff the kept state, replace it (delete first), create.
        const kept = windowPassed(emu, recorded(err));
        useEmulator(emu, { timeoutMs: 1000 });
        emu.clearJournal();
        const inputs = { connectionId: CONN, scopes: ["get:users"] };
        const diff = await p.diff(err.id, kept, inputs);
        assert.deepEqual(
            { replaces: diff.replaces, deleteBeforeReplace: diff.deleteBeforeReplace },
            { replaces: ["tokenId"], deleteBeforeReplace: true },
        );
        await p.delete(err.id, kept);
        const issued = await p.create(inputs);
        assert.deepEqual(
            emu.state.scimTokens[CONN].map((t) => t.token_id),
            [issued.outs.tokenId],
            "the late token is revoked; the declared one is the only token",
        );
        assert.deepEqual(
            writes(emu.journal).map((e) => `${e.method} ${e.path}`),
            [`DELETE ${TOKEN_URL}/${late.token_id}`, `POST ${TOKEN_URL}`],
        );
    });

    it("waits, in a run that starts while the token may still land, until it cannot, and revokes the token that landed meanwhile", async () => {
        const inputs = { connectionId: CONN, scopes: ["get:users"] };
        // The request's token may land for another 1.5 s; it lands 0.5 s into the next run's settle.
        const request: UnansweredRequest = {
            askedAt: new Date(Date.now() - 1000).toISOString(),
            until: new Date(Date.now() + 1500).toISOString(),
            baseline: [],
        };
        const pending = pendingState(["get:users"], request);
        useEmulator(emu);
        emu.clearJournal();
        emu.setFaults([{ method: "POST", path: TOKENS_PATH, kind: "slow", delayMs: 500, times: 1 }]);
        // Sent by the run that lost its answer (another process): the server carries it out late.
        const landing = emulatorFetch(emu, TOKEN_URL, {
            method: "POST",
            headers: { authorization: `Bearer ${SAMPLE_TOKEN}`, "content-type": "application/json" },
            body: JSON.stringify({ scopes: ["get:users"] }),
        });
        const diff = await p.diff("unanswered-1", pending, inputs);
        assert.deepEqual(diff.replaces, ["tokenId"]);
        await p.delete("unanswered-1", pending);
        const issued = await p.create(inputs);
        const late = (await (await landing).json()) as { token_id: string };
        assert.deepEqual(
            writes(emu.journal)
                .filter((e) => e.fault !== "slow")
                .map((e) => `${e.method} ${e.path}`),
            [`DELETE ${TOKEN_URL}/${late.token_id}`, `POST ${TOKEN_URL}`],
            "the settle revoked the token that landed while it waited, then the declared one was issued",
        );
        assert.deepEqual(
            emu.state.scimTokens[CONN].map((t) => t.token_id),
            [issued.outs.tokenId],
        );
    });

    it("refuses to guess when two unknown tokens match the unanswered request, naming both and how to revoke each", async () => {
        const request = windowFromNow([]);
        const one = await p.create({ connectionId: CONN, scopes: ["get:users"] });
        const two = await p.create({ connectionId: CONN, scopes: ["get:users"] });
        const kept = windowPassed(emu, pendingState(["get:users"], request));
        useEmulator(emu); // A new run: this process never held either token.
        emu.clearJournal();
        const err = await p.delete("unanswered-1", kept).then(
            () => assert.fail("expected a refusal"),
            (e: unknown) => e as Error,
        );
        assert.match(err.message, new RegExp(`${one.outs.tokenId}, ${two.outs.tokenId}`));
        assert.match(err.message, /nothing was revoked, as that would be a guess, and the request stays in state/);
        for (const id of [one.outs.tokenId, two.outs.tokenId])
            assert.match(err.message, new RegExp(`${id}: revoke it .*DELETE ${TOKEN_URL}/${id}`));
        assert.deepEqual(writes(emu.journal), [], "no token revoked on a guess");
        assert.equal(emu.state.scimTokens[CONN].length, 2);
    });

    it("names the unknown token, and how to revoke it, when the connection already holds two", async () => {
        const declared = await p.create({ connectionId: CONN, scopes: ["get:groups"] });
        const unknown = await p.create({ connectionId: CONN, scopes: ["get:users"] });
        useEmulator(emu);
        emu.clearJournal();
        // The next run reads its state: the declared token, and a request left unanswered.
        await p.diff(declared.id, declared.outs, { connectionId: CONN, scopes: ["get:groups"], tokensOnConnection: 3 });
        const pending = windowPassed(emu, pendingState(["get:users"], windowFromNow([declared.outs.tokenId])));
        await p.diff("unanswered-1", pending, { connectionId: CONN, scopes: ["get:users"] });
        const err = await p.create({ connectionId: CONN, scopes: ["post:users"] }).then(
            () => assert.fail("expected a refusal"),
            (e: unknown) => e as Error,
        );
        assert.match(err.message, /already holds 2 active SCIM tokens/);
        assert.match(
            err.message,
            new RegExp(`${unknown.outs.tokenId} is unknown: it was created with the scopes of a token request that got no clear answer`),
        );
        assert.match(err.message, new RegExp(`DELETE ${TOKEN_URL}/${unknown.outs.tokenId}`));
        assert.doesNotMatch(err.message, new RegExp(`${declared.outs.tokenId} is`), "the declared token is not called unknown");
        assert.doesNotMatch(err.message, /removed from the config/);
        assert.deepEqual(writes(emu.journal), []);
    });
});
