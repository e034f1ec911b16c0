import * as assert from "node:assert/strict";
import { startEmulator, type RunningEmulator, type Seed } from "../../emulator";
import { liveReadStats, REUSE_MS, setLiveReadClock } from "../../components/provider/live-reads";
import { resetProcessState } from "../../components/provider/process";
import { profileSyncProvider as ps } from "../../components/provider/profileSync";
import { settledProfileSync } from "../helpers/profile-sync-state";
import { storeSettings } from "../../management-api/settings";
import { hostileProxy, type HostileProxy } from "../helpers/hostile-proxy";

const N = 150;
const idOf = (i: number) => `con_A${String(i).padStart(15, "0")}`;
const ids = Array.from({ length: N }, (_, i) => idOf(i));

/** Two pages of okta connections, every one with profile sync on_first_login. */
const seed: Seed = {
    tenant: "age",
    tokens: [{ token: "age-admin-token", scopes: ["read:connections", "read:connections_options"] }],
    connections: ids.map((id, i) => ({ id, name: `conn-${i}`, strategy: "okta", options: { set_user_root_attributes: "on_first_login" } })),
};

const outs = settledProfileSync;

describe("A listing's age counts from its oldest page", () => {
    let emu: RunningEmulator;
    let proxy: HostileProxy;
    let pristine: string;
    /** The live-read clock: it stands still unless a test moves it, however slowly the machine pages. */
    let now = 0;
    let listingRequests = 0;
    /** Runs when the listing's second page is asked for: the first one is already answered. */
    let onSecondPage: () => void = () => {};

    before(async () => {
        emu = await startEmulator({ seed });
        pristine = JSON.stringify(emu.state.connections);
        proxy = await hostileProxy(emu, (s) => {
            if (s.method === "GET" && s.path === "/api/v2/connections") {
                listingRequests += 1;
                // The first request is the tenant's count, the second the first page.
                if (listingRequests === 3) onSecondPage();
            }
            return undefined;
        });
    });
    after(async () => {
        await proxy.close();
        await emu.close();
    });
    beforeEach(() => {
        listingRequests = 0;
        emu.state.connections = JSON.parse(pristine);
        resetProcessState();
        now = 1_000_000;
        setLiveReadClock(() => now);
        storeSettings({ domain: proxy.url, apiToken: "age-admin-token" });
    });
    afterEach(() => {
        setLiveReadClock(undefined);
        onSecondPage = () => {};
    });

    it("does not answer the batch that asked for it with a page that was REUSE_MS old when the listing ended", async () => {
        // A dashboard edit right after the first page was served, then paging that takes REUSE_MS.
        onSecondPage = () => {
            emu.state.connections[ids[0]].options = { set_user_root_attributes: "never_on_login" };
            now += REUSE_MS;
        };
        const batch = ids.slice(0, 5);
        const changed = await Promise.all(batch.map(async (id) => (await ps.diff(id, outs(id), outs(id))).changes));
        assert.equal(listingRequests, 3, "the count and two pages");
        assert.deepEqual(changed, [true, false, false, false, false]);
        // Nor is it kept for later batches: it is already too old.
        assert.equal((await ps.diff(ids[0], outs(ids[0]), outs(ids[0]))).changes, true);
        assert.equal(liveReadStats().reused.connection, 0);
        // A listing that pages that slowly could answer nothing: the next batch reads one by one.
        await Promise.all(batch.map((id) => ps.diff(id, outs(id), outs(id))));
        assert.equal(listingRequests, 3);
    });

    it("answers the batch and the next ones from a listing that paged quickly", async () => {
        const batch = ids.slice(0, 5);
        const changed = await Promise.all(batch.map(async (id) => (await ps.diff(id, outs(id), outs(id))).changes));
        assert.deepEqual(changed, [false, false, false, false, false]);
        await ps.diff(ids[1], outs(ids[1]), outs(ids[1]));
        assert.equal(liveReadStats().reused.connection, 1);
        assert.equal(listingRequests, 3);
    });
});
