import * as assert from "node:assert/strict";
import type { RunningEmulator } from "../../emulator";
import { scimTokenProvider as p } from "../../components/provider/scimToken";
import { SAMPLE, startForProvider, writes } from "../helpers/api";

const CONN = SAMPLE.samlp;
const TOKENS_PATH = "/scim-configuration/tokens$";

describe("ScimToken after an ambiguous create", () => {
    let emu: RunningEmulator;
    before(async () => {
        // A known bucket lets the client run requests side by side, as on a real tenant.
        emu = await startForProvider({ rateLimit: { rate: 50, burst: 50 } });
    });
    after(() => emu.close());
    beforeEach(() => {
        emu.state.scimTokens[CONN] = [];
        emu.setFaults([]);
        emu.clearJournal();
    });

    it("revokes the token its failed POST created anyway, and only that one", async () => {
        const theirs = await p.create({ connectionId: CONN, scopes: ["get:users"] });
        emu.clearJournal();
        emu.setFaults([{ method: "POST", path: TOKENS_PATH, kind: "status-after-processing", status: 503, times: 1 }]);
        const err = await p.create({ connectionId: CONN, scopes: ["get:users"] }).then(
            () => assert.fail("expected the create to fail"),
            (e: unknown) => e as Error,
        );
        assert.match(err.message, /failed with 503.*the token it created anyway \(tok_[^)]+\) was revoked\. Run again/);
        assert.deepEqual(
            emu.state.scimTokens[CONN].map((t) => t.token_id),
            [theirs.outs.tokenId],
            "the identity provider's token with the same scopes survives",
        );
        assert.deepEqual(
            writes(emu.journal).map((e) => `${e.method} ${e.status}`),
            ["POST 503", "DELETE 204"],
        );
    });

    it("without a baseline it writes nothing and revokes nothing", async () => {
        const theirs = await p.create({ connectionId: CONN, scopes: ["get:users"] });
        emu.clearJournal();
        emu.setFaults([{ method: "GET", path: TOKENS_PATH, kind: "status", status: 503, times: 10 }]);
        await assert.rejects(p.create({ connectionId: CONN, scopes: ["get:users"] }), /GET .*tokens failed with 503/);
        assert.deepEqual(writes(emu.journal), [], "no POST without a baseline, and no DELETE");
        assert.deepEqual(
            emu.state.scimTokens[CONN].map((t) => t.token_id),
            [theirs.outs.tokenId],
        );
    });

    it("keeps a sibling's token when two tokens are created at once and one POST fails after processing", async () => {
        // Both baselines are read before either POST (slow reads), so each sees the other's token appear.
        emu.setFaults([
            { method: "GET", path: TOKENS_PATH, kind: "slow", delayMs: 300, times: 2 },
            { method: "POST", path: TOKENS_PATH, kind: "status-after-processing", status: 503, times: 1 },
        ]);
        const results = await Promise.allSettled([
            p.create({ connectionId: CONN, scopes: ["get:users"] }),
            p.create({ connectionId: CONN, scopes: ["get:users"] }),
        ]);
        const ok = results.flatMap((r) => (r.status === "fulfilled" ? [r.value.outs.tokenId] : []));
        assert.equal(ok.length, 1, "one create succeeds");
        assert.equal(results.filter((r) => r.status === "rejected").length, 1, "the other reports its failure");
        assert.deepEqual(
            emu.state.scimTokens[CONN].map((t) => t.token_id),
            ok,
            "the successful sibling's token is alive; only the stray was revoked",
        );
    });
});
