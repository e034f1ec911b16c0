import * as assert from "node:assert/strict";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { resetProcessState } from "../../components/provider/process";
import { getApi } from "../../management-api/client";
import { storeSettings } from "../../management-api/settings";
import { benchSeed } from "../../benchmarks/seed";
import { SAMPLE_TOKEN } from "../helpers/api";

describe("A listing's next pages under a busy rate limit", () => {
    let emu: RunningEmulator;

    before(async () => {
        // 250 connections: three pages of 100; a bucket that sends 4 requests a second, one at a time.
        emu = await startEmulator({ tls: true, seed: benchSeed(250), rateLimit: { rate: 4, burst: 1 } });
    });
    after(async () => {
        resetProcessState();
        await emu.close();
    });

    it("go ahead of single requests queued before them, so the listing does not age behind them", async () => {
        resetProcessState();
        storeSettings({ domain: emu.url, apiToken: SAMPLE_TOKEN, caCertificate: emu.ca });
        const api = getApi();
        const ids = Object.keys(emu.state.connections).slice(0, 6);
        emu.clearJournal();
        // Queued before the listing, as a batch of token listings would be.
        const singles = ids.map((id) => api.getConnection(id));
        const listing = api.listConnections();
        const [listed] = await Promise.all([listing, ...singles]);
        assert.equal(listed.length, 250);
        const order = emu.journal
            .filter((e) => e.path.startsWith("/api/v2/connections"))
            .map((e) => (e.query.from !== undefined ? "page" : e.path === "/api/v2/connections" ? "first" : "single"));
        const seen = `requests in the order the tenant saw them: ${order.join(", ")}`;
        const first = order.indexOf("first");
        assert.ok(first >= 0 && first <= 1, `at most the single the burst let through goes first; ${seen}`);
        assert.deepEqual(order.slice(first, first + 3), ["first", "page", "page"], seen);
    });
});
