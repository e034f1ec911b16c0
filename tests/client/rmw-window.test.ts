import * as assert from "node:assert/strict";
import type { RunningEmulator } from "../../emulator";
import { profileSyncProvider as ps } from "../../components/provider/profileSync";
import { scimConfigurationProvider as scim } from "../../components/provider/scimConfiguration";
import { getRequestStats } from "../../management-api/state";
import { apiCalls, emulatorFetch, SAMPLE, SAMPLE_TOKEN, startForProvider, useEmulator } from "../helpers/api";

/** The PATCHed connections, each checked to come right after a GET of the same connection among its own requests. */
function pairedPatches(emu: RunningEmulator): string[] {
    const calls = apiCalls(emu.journal);
    return calls.flatMap((e, i) => {
        if (e.method !== "PATCH" || !/^\/api\/v2\/connections\/[^/]+$/.test(e.path)) return [];
        const before = calls.slice(0, i).filter((g) => g.path === e.path);
        assert.equal(before.at(-1)?.method, "GET", `no GET right before the PATCH of ${e.path}`);
        return [e.path];
    });
}

/** The free tier's refill rate. */
const RATE = 2;

describe("Read-modify-write window", function () {
    this.timeout(60_000);
    let emu: RunningEmulator;
    before(async () => {
        // The free tier: 2 requests per second, burst 2, so a pair needs the whole bucket.
        emu = await startForProvider({ rateLimit: { rate: RATE, burst: 2 } });
    });
    after(() => emu.close());

    /** PATCHes every sample connection among other requests; returns the connections PATCHed. */
    async function run(mode: "never_on_login" | "on_first_login"): Promise<string[]> {
        emu.clearJournal();
        const ids = [SAMPLE.okta, SAMPLE.samlp, SAMPLE.waad, SAMPLE.google, SAMPLE.database];
        // Every connection starts in the other mode, so each one needs its PATCH whatever ran before.
        for (const id of ids)
            emu.state.connections[id].options!.set_user_root_attributes = mode === "never_on_login" ? "on_first_login" : "never_on_login";
        const scimDiff = (connectionId: string) =>
            scim.diff(connectionId, { connectionId } as never, {
                connectionId,
                userIdAttribute: "userName",
                onDelete: "retain",
                adoptExisting: true,
            });
        await Promise.all([
            ...ids.map((connectionId) => ps.create({ connectionId, mode, onDelete: "retain" })),
            // Unpaired requests competing for the same bucket.
            scimDiff(SAMPLE.samlp),
            scimDiff(SAMPLE.waad),
        ]);
        for (const id of ids) assert.equal(emu.state.connections[id].options!.set_user_root_attributes, mode);
        return pairedPatches(emu);
    }

    // A PATCH that waited for the bucket after its GET would leave a dashboard edit made meanwhile
    // to be overwritten: counted by the client, not guessed from the clock.
    it("never makes a PATCH wait for the bucket after its GET on a rested 2-token bucket, among other requests, with no 429", async () => {
        emu.setRateLimit({ rate: RATE, burst: 2 }); // a full bucket, whatever ran before
        useEmulator(emu);
        assert.equal((await run("never_on_login")).length, 5);
        assert.equal(getRequestStats().writesWaited, 0, "a PATCH waited for the bucket after its GET");
        assert.ok(
            apiCalls(emu.journal).every((e) => e.status !== 429),
            "a request met 429",
        );
    });

    it("never makes a PATCH wait either in a new process that meets a drained bucket", async () => {
        // A fresh process cannot know the bucket before the first answer: its first pair may find
        // no token for the PATCH. It must read again right before writing rather than wait.
        emu.setRateLimit({ rate: RATE, burst: 2 });
        for (let i = 0; i < 2; i++)
            await emulatorFetch(emu, "/api/v2/connections", { headers: { authorization: `Bearer ${SAMPLE_TOKEN}` } });
        useEmulator(emu);
        assert.equal((await run("on_first_login")).length, 5);
        assert.equal(getRequestStats().writesWaited, 0, "a PATCH waited for the bucket after its GET");
    });
});
