import * as assert from "node:assert/strict";
import type { RunningEmulator } from "../../emulator";
import { scimTokenProvider as p } from "../../components/provider/scimToken";
import { SAMPLE, startForProvider, useEmulator, writes } from "../helpers/api";
import { rejection } from "../helpers/rejection";
import { issuedBehindOurBack, tokenIds } from "../helpers/scim-tokens";
import { storeSettings } from "../../management-api/settings";

const CONN = SAMPLE.samlp;
const SCOPES = ["get:users"];
/** Two tokens declared on the connection, as ConnectionSync passes them. */
const TWO = { connectionId: CONN, scopes: SCOPES, tokensOnConnection: 2 };

describe("ScimToken: a change the two-token limit cannot carry is refused at preview", () => {
    let emu: RunningEmulator;
    before(async () => {
        emu = await startForProvider();
    });
    after(() => emu.close());
    beforeEach(() => {
        useEmulator(emu);
        emu.state.scimTokens[CONN] = [];
        emu.setFaults([]);
        emu.clearJournal();
    });

    it("refuses renaming the one live token and adding another in one change, naming the live token", async () => {
        const a = await p.create({ connectionId: CONN, scopes: SCOPES });
        useEmulator(emu); // The next run: `a` is removed from the config, `a2` and `b` are new.
        emu.clearJournal();
        const a2 = await p.check({}, TWO);
        assert.deepEqual(a2.failures, [], "one new token fits next to the live one");
        const err = await rejection(p.check({}, TWO), "the second new token to be refused");
        assert.match(
            err.message,
            /cannot take this change in one run: it declares 2 new SCIM token\(s\) while the connection holds 1 active/,
        );
        assert.match(err.message, new RegExp(`\\(${a.outs.tokenId}\\)`));
        assert.match(err.message, /Do it in two runs/);
        assert.deepEqual(writes(emu.journal), [], "refused before any write");
    });

    it("refuses the create of a new token its check let through once a later check of the same change refuses it (up --skip-preview)", async () => {
        const a = await p.create({ connectionId: CONN, scopes: SCOPES });
        useEmulator(emu); // The next run, without a preview: the engine creates a2 as soon as it is checked.
        emu.clearJournal();
        assert.deepEqual((await p.check({}, TWO)).failures, [], "a2 alone fits");
        const created = rejection(p.create(TWO), "a2's create to be refused");
        await assert.rejects(p.check({}, TWO), /cannot take this change in one run/);
        const err = await created;
        assert.match(err.message, new RegExp(`connection "${CONN}" cannot take this change in one run.*\\(${a.outs.tokenId}\\)`));
        assert.deepEqual(writes(emu.journal), [], "no token issued: the change is refused whole");
    });

    it("revokes no token it replaces before the change's last check is in, and none when that check refuses (someone else's token on the connection)", async () => {
        const k = await p.create({ connectionId: CONN, scopes: SCOPES });
        const theirs = await issuedBehindOurBack(emu, CONN, ["delete:users"]);
        useEmulator(emu); // The next run, without a preview: k gets new scopes (revoked first: two active), n is new.
        emu.clearJournal();
        const k2 = { ...TWO, scopes: ["get:users", "patch:users"] };
        assert.deepEqual((await p.check({ connectionId: CONN, scopes: SCOPES }, k2)).failures, []);
        assert.equal((await p.diff(k.id, k.outs, k2)).deleteBeforeReplace, true);
        // The engine runs the replacement's delete while it goes on checking.
        const revoked = rejection(p.delete(k.id, k.outs), "k's revocation to be refused with the change");
        await assert.rejects(p.check({}, { ...TWO, scopes: ["post:users"] }), /cannot take this change in one run/);
        assert.match((await revoked).message, /cannot take this change in one run/);
        assert.deepEqual(writes(emu.journal), [], "nothing revoked, nothing issued");
        assert.deepEqual(tokenIds(emu, CONN), [k.outs.tokenId, theirs].sort());
    });

    it("waits for the last check's live read however slow, and issues nothing when it refuses", async () => {
        await p.create({ connectionId: CONN, scopes: SCOPES });
        useEmulator(emu);
        emu.clearJournal();
        assert.deepEqual((await p.check({}, TWO)).failures, [], "a2 alone fits");
        const created = rejection(p.create(TWO), "a2's create to be refused");
        // b's check reads the live tokens slower than the 5 s a create waits for a quiet run.
        emu.setFaults([{ method: "GET", path: "/scim-configuration/tokens$", kind: "slow", delayMs: 6_000, times: 1 }]);
        await assert.rejects(p.check({}, TWO), /cannot take this change in one run/);
        assert.match((await created).message, /cannot take this change in one run/);
        assert.deepEqual(writes(emu.journal), [], "no token issued");
    });

    it("lets a kept token and a new one through, and two new tokens on a first run, issued as it goes", async () => {
        const a = await p.create({ connectionId: CONN, scopes: SCOPES });
        useEmulator(emu);
        // `a` is in the state (its check has old inputs); only `b` is new.
        assert.deepEqual((await p.check({ connectionId: CONN, scopes: SCOPES }, TWO)).failures, []);
        assert.deepEqual((await p.diff(a.id, a.outs, TWO)).changes, false);
        assert.deepEqual((await p.check({}, TWO)).failures, []);

        emu.state.scimTokens[CONN] = [];
        useEmulator(emu);
        // A first run: the first token may be issued before the engine checks the second.
        assert.deepEqual((await p.check({}, TWO)).failures, []);
        await p.create(TWO);
        assert.deepEqual((await p.check({}, TWO)).failures, []);
        await p.create(TWO);
        assert.equal(emu.state.scimTokens[CONN].length, 2);
    });

    it("counts each run on its own when one provider process serves several (a preview, then the up)", async () => {
        for (const run of ["preview", "up"]) {
            assert.deepEqual((await p.check({}, TWO)).failures, [], `${run}: the first new token`);
            if (run === "up") await p.create(TWO);
            assert.deepEqual((await p.check({}, TWO)).failures, [], `${run}: the second new token`);
            if (run === "up") await p.create(TWO);
        }
        assert.equal(emu.state.scimTokens[CONN].length, 2);
    });

    it("lets both tokens on a connection holding two be replaced in one run: the engine checks a replacement again with no old inputs", async () => {
        const idp = { ...TWO, scopes: ["get:users"] };
        const backup = { ...TWO, scopes: ["get:users", "patch:users"] };
        const a = await p.create(idp);
        const b = await p.create(backup);
        useEmulator(emu); // The next run: both get new scopes, so both are replaced (revoked first at the limit).
        emu.clearJournal();
        const idp2 = { ...TWO, scopes: ["get:users", "put:users"] };
        const backup2 = { ...TWO, scopes: ["get:users", "delete:users"] };
        // The engine's order, per token: check against the old inputs, diff, and a replacement's check anew.
        for (const [old, now, made] of [
            [idp, idp2, a],
            [backup, backup2, b],
        ] as const) {
            assert.deepEqual((await p.check(old, now)).failures, []);
            assert.deepEqual((await p.diff(made.id, made.outs, now)).replaces, ["scopes"]);
            assert.deepEqual((await p.check({}, now)).failures, [], "a replacement is not a new token");
        }
        assert.deepEqual(writes(emu.journal), []);
    });

    it("counts a new token whose inputs equal a replaced sibling's new ones, and refuses what then cannot fit, revoking nothing", async () => {
        const k = await p.create({ connectionId: CONN, scopes: SCOPES });
        const theirs = await issuedBehindOurBack(emu, CONN, ["delete:users"]);
        useEmulator(emu); // k gets new scopes (revoked first: two active); n is new, with the very same inputs.
        emu.clearJournal();
        const both = { ...TWO, scopes: ["get:users", "patch:users"] };
        assert.deepEqual((await p.check({ connectionId: CONN, scopes: SCOPES }, both)).failures, []);
        assert.equal((await p.diff(k.id, k.outs, both)).deleteBeforeReplace, true);
        assert.deepEqual((await p.check({}, both)).failures, [], "k's replacement checked anew: not counted");
        const revoked = rejection(p.delete(k.id, k.outs), "k's revocation to be refused with the change");
        await assert.rejects(p.check({}, both), /cannot take this change in one run: it declares 1 new SCIM token/);
        assert.match((await revoked).message, /cannot take this change in one run/);
        assert.deepEqual(writes(emu.journal), [], "nothing revoked, nothing issued");
        assert.deepEqual(tokenIds(emu, CONN), [k.outs.tokenId, theirs].sort());
    });

    it("revokes no token it replaces while a sibling declared on the connection fails its check", async () => {
        const k = await p.create({ connectionId: CONN, scopes: SCOPES });
        await issuedBehindOurBack(emu, CONN, ["delete:users"]);
        useEmulator(emu);
        emu.clearJournal();
        const k2 = { ...TWO, scopes: ["get:users", "patch:users"] };
        assert.deepEqual((await p.check({ connectionId: CONN, scopes: SCOPES }, k2)).failures, []);
        assert.equal((await p.diff(k.id, k.outs, k2)).deleteBeforeReplace, true);
        const revoked = rejection(p.delete(k.id, k.outs), "k's revocation to be refused");
        // n: rotateBeforeExpiry without a token lifetime, which the schema refuses (the run fails).
        const n = await p.check({}, { ...TWO, scopes: ["post:users"], rotateBeforeExpiry: "1h" });
        assert.notDeepEqual(n.failures, []);
        assert.match((await revoked).message, new RegExp(`connection "${CONN}" failed its check`));
        assert.deepEqual(writes(emu.journal), [], "nothing revoked");
    });
    it("returns a failing token check's failures, naming the field, where no credentials are set", async () => {
        // A preview of a config with neither a stack tenant nor AUTH0_* variables.
        const saved = Object.entries(process.env).filter(([k]) => k.startsWith("AUTH0_"));
        for (const [k] of saved) delete process.env[k];
        storeSettings({});
        try {
            const r = await p.check({}, { ...TWO, rotateBeforeExpiry: "1h" });
            assert.deepEqual(
                r.failures.map((f) => f.property),
                ["rotateBeforeExpiry"],
            );
        } finally {
            for (const [k, v] of saved) process.env[k] = v;
        }
    });
});
