import * as assert from "node:assert/strict";
import type { RunningEmulator } from "../../emulator";
import { type ScimTokenOutputs, scimTokenProvider as p } from "../../components/provider/scimToken";
import { CLOCK_SKEW_MS } from "../../components/provider/token-facts";
import { SAMPLE, startForProvider, useEmulator, writes } from "../helpers/api";
import { issuedBehindOurBack, tokenIds, tokensAged, requestAged } from "../helpers/scim-tokens";

const CONN = SAMPLE.samlp;
const TOKENS_PATH = "/scim-configuration/tokens$";
const TOKEN_URL = `/api/v2/connections/${CONN}/scim-configuration/tokens`;
const USERS = ["get:users"];

/** Far enough for any request window (a minute at most) and twice the clock skew to have passed. */
const LATER = 60_000 + 2 * CLOCK_SKEW_MS + 1000;

/**
 * Lets time pass without waiting, between two runs: every token's times in the emulator and the
 * recorded POSTs' times in the state move into the past alike.
 */
function timePassed(emu: RunningEmulator, state: ScimTokenOutputs): ScimTokenOutputs {
    tokensAged(emu, CONN, LATER);
    const r = state.earlierAttempts;
    if (r === undefined) return state;
    return { ...state, earlierAttempts: requestAged(r, LATER) };
}

/** A token POST the server carried out after it answered 429 (or someone else's): resolves to its token id. */
const landedLate = (emu: RunningEmulator) => issuedBehindOurBack(emu, CONN, USERS);

/** Runs `work`, collecting the warnings shown to the person running the command (the provider process's stderr). */
async function warningsOf<T>(work: () => Promise<T>): Promise<{ readonly result: T; readonly shown: string[] }> {
    const shown: string[] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => {
        shown.push(args.map(String).join(" "));
    };
    try {
        return { result: await work(), shown };
    } finally {
        console.warn = original;
    }
}

/**
 * Token POSTs answered 429 by a gateway (without Auth0's rate-limit headers), `times` of them: the
 * server did no work, but nothing tells the client so, and a gateway may answer 429 after it did.
 */
const answered429 = (times: number) => [{ method: "POST", path: TOKENS_PATH, kind: "status" as const, status: 429, gateway: true, times }];

const ids = (emu: RunningEmulator) => tokenIds(emu, CONN);
const tokenWrites = (emu: RunningEmulator) => writes(emu.journal).map((e) => `${e.method} ${e.path}`);

describe("ScimToken: POSTs answered 429 by a gateway before the one that issued the token are settled by the next run", () => {
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

    it("revokes in the next run the token a 429-answered POST created after the create returned, keeping the declared one", async () => {
        emu.setFaults(answered429(1));
        const inputs = { connectionId: CONN, scopes: USERS };
        const created = await p.create(inputs);
        const late = await landedLate(emu);
        const kept = timePassed(emu, created.outs);
        // The next run, as the engine runs it: diff, then update (the settle is a write, never done at preview).
        useEmulator(emu);
        emu.clearJournal();
        const diff = await p.diff(created.id, kept, inputs);
        assert.deepEqual({ changes: diff.changes, replaces: diff.replaces ?? [] }, { changes: true, replaces: [] });
        const { outs } = await p.update(created.id, kept, inputs);
        assert.deepEqual(tokenWrites(emu), [`DELETE ${TOKEN_URL}/${late}`], "exactly the late token is revoked");
        assert.deepEqual(ids(emu), [created.outs.tokenId], "the declared token is the only one left");
        assert.equal(outs.earlierAttempts, undefined, "settled: the record is dropped");
        assert.equal(outs.tokenId, created.outs.tokenId);
        // A third run finds nothing to do.
        useEmulator(emu);
        assert.equal((await p.diff(created.id, outs, inputs)).changes, false);
    });

    it("records each of two 429-answered POSTs, and the next run revokes the token that landed late", async () => {
        emu.setFaults(answered429(2));
        const inputs = { connectionId: CONN, scopes: USERS };
        const created = await p.create(inputs);
        assert.equal(created.outs.earlierAttempts?.retriedAfterMs?.length, 1, JSON.stringify(created.outs.earlierAttempts));
        // Auth0 allows two active tokens: the declared one and one late token at most.
        const late = await landedLate(emu);
        const kept = timePassed(emu, created.outs);
        useEmulator(emu);
        emu.clearJournal();
        await p.diff(created.id, kept, inputs);
        await p.update(created.id, kept, inputs);
        assert.deepEqual(tokenWrites(emu), [`DELETE ${TOKEN_URL}/${late}`]);
        assert.deepEqual(ids(emu), [created.outs.tokenId]);
    });

    it("records nothing when the token of each 429-answered POST was revoked before the next POST, or when no POST was answered 429", async () => {
        emu.setFaults([{ method: "POST", path: TOKENS_PATH, kind: "status-after-processing", status: 429, gateway: true, times: 1 }]);
        const afterProcessing = await p.create({ connectionId: CONN, scopes: USERS });
        assert.equal(afterProcessing.outs.earlierAttempts, undefined);
        const clean = await p.create({ connectionId: CONN, scopes: ["get:groups"] });
        assert.equal(clean.outs.earlierAttempts, undefined);
    });

    it("keeps the record, revoking nothing, and says so when the run did not read every token declared on the connection (--target)", async () => {
        emu.setFaults(answered429(1));
        const inputs = { connectionId: CONN, scopes: USERS, tokensOnConnection: 2 };
        const created = await p.create(inputs);
        await landedLate(emu);
        const kept = timePassed(emu, created.outs);
        // `up --target` this token: its sibling is never read.
        useEmulator(emu);
        emu.clearJournal();
        await p.diff(created.id, kept, inputs);
        const { result, shown } = await warningsOf(() => p.update(created.id, kept, inputs));
        assert.deepEqual(tokenWrites(emu), []);
        assert.equal(ids(emu).length, 2);
        assert.deepEqual(result.outs.earlierAttempts, kept.earlierAttempts, "kept for the next run");
        assert.equal(shown.length, 1, shown.join("\n"));
        assert.match(shown[0] ?? "", /the 1 token POST\(s\) answered 429 .* were not settled in this run .*read 1 of them/);
        assert.match(shown[0] ?? "", /the record stays in the token's state and the next run settles it/);
    });

    it("revokes, in a destroy of a lone token, the token and the late token of its 429-answered POST", async () => {
        emu.setFaults(answered429(1));
        const created = await p.create({ connectionId: CONN, scopes: USERS, tokensOnConnection: 1 });
        const late = await landedLate(emu);
        const kept = timePassed(emu, created.outs);
        useEmulator(emu);
        emu.clearJournal();
        await p.delete(created.id, kept);
        assert.deepEqual(tokenWrites(emu), [`DELETE ${TOKEN_URL}/${created.outs.tokenId}`, `DELETE ${TOKEN_URL}/${late}`]);
        assert.deepEqual(ids(emu), []);
    });

    it("revokes the late token with the old token when new scopes replace a token that carries the record", async () => {
        emu.setFaults(answered429(1));
        const created = await p.create({ connectionId: CONN, scopes: USERS });
        const late = await landedLate(emu);
        const kept = timePassed(emu, created.outs);
        useEmulator(emu);
        emu.clearJournal();
        const inputs = { connectionId: CONN, scopes: [...USERS, "get:groups"] };
        const diff = await p.diff(created.id, kept, inputs);
        // Two active tokens (the declared one and the late one): the old one goes first.
        assert.deepEqual(
            { replaces: diff.replaces, deleteBeforeReplace: diff.deleteBeforeReplace },
            { replaces: ["scopes"], deleteBeforeReplace: true },
        );
        await p.delete(created.id, kept);
        const issued = await p.create(inputs);
        assert.deepEqual(tokenWrites(emu), [
            `DELETE ${TOKEN_URL}/${created.outs.tokenId}`,
            `DELETE ${TOKEN_URL}/${late}`,
            `POST ${TOKEN_URL}`,
        ]);
        assert.deepEqual(ids(emu), [issued.outs.tokenId]);
    });

    it("holds a sibling's create, started as the record's token is read, until the record is settled", async () => {
        const inputsA = { connectionId: CONN, scopes: USERS, tokensOnConnection: 2 };
        const a = await p.create(inputsA);
        // A's state as a create after a 429 leaves it, the window of that POST still open in the next run.
        const now = Date.now();
        const window = { askedAt: new Date(now - 1000).toISOString(), until: new Date(now + 1000).toISOString(), baseline: [] };
        const aState: ScimTokenOutputs = { ...a.outs, earlierAttempts: window };
        // The next run: both tokens checked, then B's create and A's diff and update, as the engine runs them side by side.
        useEmulator(emu);
        const inputsB = { connectionId: CONN, scopes: USERS, tokensOnConnection: 2 };
        await p.check(aState, inputsA);
        await p.check({}, inputsB);
        const order: string[] = [];
        const creatingB = p.create(inputsB).then((made) => {
            order.push("B issued");
            return made;
        });
        await p.diff(a.id, aState, inputsA);
        order.push("A diffed");
        await p.update(a.id, aState, inputsA);
        order.push("A settled");
        const b = await creatingB;
        assert.deepEqual(order, ["A diffed", "A settled", "B issued"]);
        assert.deepEqual(ids(emu), [a.outs.tokenId, b.outs.tokenId].sort());
    });

    it("keeps working with a state written before the record existed, and refuses a record it cannot read, naming the field", async () => {
        const inputs = { connectionId: CONN, scopes: USERS };
        const created = await p.create(inputs);
        const { earlierAttempts: _none, ...old } = created.outs;
        assert.equal((await p.diff(created.id, old, inputs)).changes, false);
        const bad = { ...created.outs, earlierAttempts: { askedAt: "yesterday", until: new Date().toISOString(), baseline: [] } };
        await assert.rejects(p.diff(created.id, bad, inputs), /earlierAttempts\.askedAt must be an ISO 8601 date-time/);
        assert.deepEqual(ids(emu), [created.outs.tokenId]);
    });
});
