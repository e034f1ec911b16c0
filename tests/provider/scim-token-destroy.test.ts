import * as assert from "node:assert/strict";
import type { RunningEmulator } from "../../emulator";
import { type ScimTokenOutputs, scimTokenProvider as p } from "../../components/provider/scimToken";
import { CLOCK_SKEW_MS, type UnansweredRequest } from "../../components/provider/token-facts";
import { SAMPLE, startForProvider, useEmulator, writes } from "../helpers/api";
import { issuedBehindOurBack, tokenIds, tokensAged, requestAged } from "../helpers/scim-tokens";

const CONN = SAMPLE.samlp;
const TOKEN_URL = `/api/v2/connections/${CONN}/scim-configuration/tokens`;
const USERS = ["get:users"];

/** The state of a token whose create got no clear answer a second ago; its token may land for a minute. */
function pendingState(tokensOnConnection: number | undefined): ScimTokenOutputs {
    const request: UnansweredRequest = {
        askedAt: new Date(Date.now() - 1000).toISOString(),
        until: new Date(Date.now() + 60_000).toISOString(),
        baseline: [],
    };
    return { connectionId: CONN, scopes: USERS, tokenId: "", token: "", createdAt: "", unanswered: request, tokensOnConnection };
}

/** Far enough for any request window (a minute at most) and twice the clock skew to have passed. */
const LATER = 60_000 + 2 * CLOCK_SKEW_MS + 1000;

/**
 * Lets the request's window pass without waiting, between two runs: every token's times in the
 * emulator and the request's times in the state move into the past alike.
 */
function windowPassed(emu: RunningEmulator, state: ScimTokenOutputs): ScimTokenOutputs {
    tokensAged(emu, CONN, LATER);
    const r = state.unanswered;
    if (r === undefined) return assert.fail("no unanswered request");
    return { ...state, unanswered: requestAged(r, LATER) };
}

/** A token POST by the run that lost its answer (the server carried it out late): resolves to its token id. */
const landedLate = (emu: RunningEmulator) => issuedBehindOurBack(emu, CONN, USERS);

/** Runs `work`, collecting the warnings shown to the person running the command (the provider process's stderr). */
async function warningsOf(work: () => Promise<unknown>): Promise<string[]> {
    const shown: string[] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => {
        shown.push(args.map(String).join(" "));
    };
    try {
        await work();
    } finally {
        console.warn = original;
    }
    return shown;
}

const ids = (emu: RunningEmulator) => tokenIds(emu, CONN);

describe("ScimToken: a destroy that reads no token settles an unanswered request only when no declared sibling can hold its candidate", () => {
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

    it("keeps a declared sibling's token created inside the window when a destroy --target deletes the other token, and names it with its DELETE", async () => {
        // Run 2 issued C inside A's window; A's own request never landed.
        const c = await p.create({ connectionId: CONN, scopes: USERS, tokensOnConnection: 2 });
        const a = windowPassed(emu, pendingState(2));
        // Run 3, `destroy --target A`: nothing is checked, diffed or read.
        useEmulator(emu);
        emu.clearJournal();
        const shown = await warningsOf(() => p.delete("unanswered-a", a));
        assert.deepEqual(writes(emu.journal), [], "nothing is revoked");
        assert.deepEqual(ids(emu), [c.outs.tokenId], "the sibling's token, which the config still holds, is live");
        assert.equal(shown.length, 1, shown.join("\n"));
        assert.match(shown[0] ?? "", /is forgotten with its resource, and nothing was revoked: 1 other token\(s\) declared/);
        assert.match(shown[0] ?? "", new RegExp(`${c.outs.tokenId}: revoke it .*DELETE ${TOKEN_URL}/${c.outs.tokenId}`));
    });

    for (const tokensOnConnection of [1, undefined]) {
        it(`still revokes, in a destroy, the late token of a lone token's request (tokensOnConnection ${tokensOnConnection ?? "absent"})`, async () => {
            const late = await landedLate(emu);
            const a = windowPassed(emu, pendingState(tokensOnConnection));
            useEmulator(emu);
            emu.clearJournal();
            const shown = await warningsOf(() => p.delete("unanswered-a", a));
            assert.deepEqual(
                writes(emu.journal).map((e) => `${e.method} ${e.path}`),
                [`DELETE ${TOKEN_URL}/${late}`],
            );
            assert.deepEqual(ids(emu), []);
            assert.deepEqual(shown, []);
        });
    }

    it("settles in a destroy that read every sibling first (--refresh): the sibling's token stays, the late one is revoked", async () => {
        const c = await p.create({ connectionId: CONN, scopes: USERS, tokensOnConnection: 2 });
        const late = await landedLate(emu);
        const a = windowPassed(emu, pendingState(2));
        useEmulator(emu);
        emu.clearJournal();
        assert.ok((await p.read(c.id, c.outs)).id !== undefined, "the sibling is read");
        await p.delete("unanswered-a", a);
        assert.deepEqual(
            writes(emu.journal).map((e) => `${e.method} ${e.path}`),
            [`DELETE ${TOKEN_URL}/${late}`],
        );
        assert.deepEqual(ids(emu), [c.outs.tokenId]);
    });

    it("keeps a sibling's token that only a forgotten request's window covers, when another request's settle counts that request", async () => {
        // Z: a declared sibling not destroyed, issued in the last minute, next to Y's unanswered POST.
        const z = await issuedBehindOurBack(emu, CONN, USERS);
        const iso = (ago: number) => new Date(Date.now() - ago).toISOString();
        const request = (askedAgo: number, untilAgo: number): UnansweredRequest => ({
            askedAt: iso(askedAgo),
            until: iso(untilAgo),
            baseline: [],
        });
        const state = (r: UnansweredRequest, tokensOnConnection: number): ScimTokenOutputs => ({
            ...pendingState(tokensOnConnection),
            unanswered: r,
        });
        // X: unanswered two hours ago, when it was alone (its state counts 1); Y: half a minute ago, three declared.
        const x = state(request(7_200_000, 7_190_000), 1);
        const y = state(request(32_000, 27_000), 3);
        // destroy --target X --target Y: Y's delete forgets its request (siblings unseen), X's settles.
        await warningsOf(() => Promise.allSettled([p.delete("y", y), p.delete("x", x)]));
        assert.deepEqual(ids(emu), [z], "the sibling's token is kept");
    });
});
