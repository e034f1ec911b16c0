import * as assert from "node:assert/strict";
import type { RunningEmulator } from "../../emulator";
import { mustRevokeFirst, scimTokenProvider as p, type ScimTokenInputs, type ScimTokenOutputs } from "../../components/provider/scimToken";
import { apiCalls, SAMPLE, startForProvider, useEmulator, writes } from "../helpers/api";

const CONN = SAMPLE.samlp;

function inputs(extra: Partial<ScimTokenInputs> = {}): ScimTokenInputs {
    return { connectionId: CONN, scopes: ["get:users"], tokenLifetime: 30 * 86_400, ...extra };
}

describe("ScimToken rotation and the two-token limit", () => {
    let emu: RunningEmulator;
    before(async () => {
        emu = await startForProvider();
    });
    after(() => emu.close());
    beforeEach(() => {
        useEmulator(emu); // Each test a new run, as each Pulumi command is a new provider process.
        emu.state.scimTokens[CONN] = [];
        emu.clearJournal();
    });

    /** Issues a token and moves its expiry to `inMs` from now, as time passing would (its creation moves back as much). */
    async function issuedExpiringIn(inMs: number, extra: Partial<ScimTokenInputs> = {}): Promise<ScimTokenOutputs> {
        const { outs } = await p.create(inputs(extra));
        const live = emu.state.scimTokens[CONN].find((t) => t.token_id === outs.tokenId)!;
        const lifetimeMs = Date.parse(live.valid_until!) - Date.parse(live.created_at);
        live.valid_until = new Date(Date.now() + inMs).toISOString();
        live.created_at = new Date(Date.now() + inMs - lifetimeMs).toISOString();
        emu.clearJournal();
        return outs;
    }

    it("rotates a token closer to its expiry than rotateBeforeExpiry, issuing the new one first", async () => {
        const outs = await issuedExpiringIn(3 * 86_400_000, { rotateBeforeExpiry: "7d" });
        const diff = await p.diff(outs.tokenId, outs, inputs({ rotateBeforeExpiry: "7d" }));
        assert.deepEqual(diff, { changes: true, replaces: ["validUntil"], deleteBeforeReplace: false });
        assert.deepEqual(writes(emu.journal), [], "a diff writes nothing");
    });

    it("leaves a token alone while its expiry is further away than rotateBeforeExpiry", async () => {
        const outs = await issuedExpiringIn(20 * 86_400_000, { rotateBeforeExpiry: "7d" });
        assert.deepEqual(await p.diff(outs.tokenId, outs, inputs({ rotateBeforeExpiry: "7d" })), { changes: false });
    });

    it("re-issues an expired token even without rotateBeforeExpiry", async () => {
        const outs = await issuedExpiringIn(-1000);
        const diff = await p.diff(outs.tokenId, outs, inputs());
        assert.deepEqual(diff.replaces, ["tokenId"]);
    });

    it("revokes first when two tokens are active, so the replacement fits the limit", async () => {
        await p.create(inputs({ scopes: ["post:users"] }));
        const outs = await issuedExpiringIn(86_400_000, { rotateBeforeExpiry: "7d" });
        const diff = await p.diff(outs.tokenId, outs, inputs({ rotateBeforeExpiry: "7d" }));
        assert.equal(diff.deleteBeforeReplace, true);
        // New scopes on a connection with two active tokens: the same.
        const scopes = await p.diff(outs.tokenId, outs, inputs({ scopes: ["patch:users"], rotateBeforeExpiry: "7d" }));
        assert.deepEqual(scopes, { changes: true, replaces: ["scopes"], deleteBeforeReplace: true });
    });

    it("revokes first when a sibling token declared on the connection may be issued in the same run", async () => {
        // One live token, two declared (its sibling is new): issuing the replacement first could need a third.
        const outs = await issuedExpiringIn(20 * 86_400_000, { rotateBeforeExpiry: "7d", tokensOnConnection: 2 });
        const diff = await p.diff(outs.tokenId, outs, inputs({ scopes: ["patch:users"], tokensOnConnection: 2 }));
        assert.deepEqual(diff, { changes: true, replaces: ["scopes"], deleteBeforeReplace: true });
        // The same token declared alone keeps the new-token-first order.
        const alone = await p.diff(outs.tokenId, outs, inputs({ scopes: ["patch:users"], tokensOnConnection: 1 }));
        assert.equal(alone.deleteBeforeReplace, false);
        // A change of the count alone is no change to the token.
        assert.deepEqual(await p.diff(outs.tokenId, outs, inputs({ rotateBeforeExpiry: "7d", tokensOnConnection: 1 })), { changes: false });
    });

    it("orders a replacement so that active plus declared tokens never exceed two", () => {
        const table: Array<[active: number, declared: number, revokeFirst: boolean]> = [
            [0, 1, false],
            [1, 1, false],
            [2, 1, true],
            [0, 2, false],
            [1, 2, true],
            [2, 2, true],
        ];
        for (const [active, declared, revokeFirst] of table) {
            assert.equal(mustRevokeFirst(active, declared), revokeFirst, `${active} active, ${declared} declared`);
        }
    });

    it("refuses to issue a token on a connection that holds two active ones, before the POST, naming them", async () => {
        const a = await p.create(inputs({ scopes: ["post:users"] }));
        const b = await p.create(inputs({ scopes: ["put:users"] }));
        emu.clearJournal();
        await assert.rejects(p.create(inputs()), (err: Error) => {
            assert.match(err.message, new RegExp(`already holds 2 active SCIM tokens \\(${a.id}, ${b.id}\\)`));
            assert.match(err.message, /remove it in one run and add the new token in the next/);
            return true;
        });
        assert.deepEqual(writes(emu.journal), []);
    });

    it("refuses a token count beyond the limit in check, naming the field", async () => {
        const r = await p.check(inputs(), inputs({ tokensOnConnection: 3 }));
        assert.deepEqual(
            r.failures.map((f) => f.property),
            ["tokensOnConnection"],
        );
        assert.match(r.failures[0].reason, /at most 2/);
    });

    it("changes rotateBeforeExpiry in place, without a new token or any write", async () => {
        const outs = await issuedExpiringIn(20 * 86_400_000, { rotateBeforeExpiry: "7d" });
        const diff = await p.diff(outs.tokenId, outs, inputs({ rotateBeforeExpiry: "3d" }));
        assert.deepEqual(diff, { changes: true });
        const { outs: after } = await p.update(outs.tokenId, outs, inputs({ rotateBeforeExpiry: "3d" }));
        assert.equal(after.rotateBeforeExpiry, "3d");
        assert.equal(after.tokenId, outs.tokenId);
        assert.deepEqual(writes(emu.journal), []);
    });

    it("refuses rotateBeforeExpiry without a lifetime, or as long as the lifetime, before any call", async () => {
        const none = await p.check(inputs(), { connectionId: CONN, scopes: ["get:users"], rotateBeforeExpiry: "7d" });
        assert.deepEqual(
            none.failures.map((f) => f.property),
            ["rotateBeforeExpiry"],
        );
        assert.match(none.failures[0].reason, /needs tokenLifetime/);
        const long = await p.check(inputs(), inputs({ tokenLifetime: 86_400, rotateBeforeExpiry: "1d" }));
        assert.match(long.failures[0].reason, /shorter than tokenLifetime/);
        const bad = await p.check(inputs(), inputs({ rotateBeforeExpiry: "a week" }));
        assert.match(bad.failures[0].reason, /duration such as 7d/);
        assert.deepEqual(apiCalls(emu.journal), []);
    });
});
