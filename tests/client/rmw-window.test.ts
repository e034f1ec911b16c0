import * as assert from "node:assert/strict";
import type { RunningEmulator } from "../../emulator";
import { profileSyncProvider as ps } from "../../components/provider/profileSync";
import { scimConfigurationProvider as scim } from "../../components/provider/scimConfiguration";
import { apiCalls, SAMPLE, startForProvider, useEmulator } from "../helpers/api";

/** Milliseconds between each connection PATCH and the GET of the same connection before it. */
function windows(emu: RunningEmulator): number[] {
    const calls = apiCalls(emu.journal);
    return calls.flatMap((e, i) => {
        if (e.method !== "PATCH" || !/^\/api\/v2\/connections\/[^/]+$/.test(e.path)) return [];
        const get = calls
            .slice(0, i)
            .reverse()
            .find((g) => g.method === "GET" && g.path === e.path);
        assert.ok(get, `no GET before ${e.path}`);
        return [e.at - get.at];
    });
}

/** The free tier's refill rate: a PATCH that had to wait for a token would come at least 1000 / RATE ms after its GET. */
const RATE = 2;
/** Gaps under half a token's refill time cannot include a wait for the bucket, however loaded the machine. */
const NO_WAIT_MS = 1000 / RATE / 2;

describe("Read-modify-write window", function () {
    this.timeout(60_000);
    let emu: RunningEmulator;
    before(async () => {
        // The free tier: 2 requests per second, burst 2, so a pair needs the whole bucket.
        emu = await startForProvider({ rateLimit: { rate: RATE, burst: 2 } });
    });
    after(() => emu.close());

    async function run(mode: "never_on_login" | "on_first_login"): Promise<number[]> {
        emu.clearJournal();
        const ids = [SAMPLE.okta, SAMPLE.samlp, SAMPLE.waad, SAMPLE.google, SAMPLE.database];
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
        return windows(emu);
    }

    it("keeps each PATCH within one round trip of its GET on a rested 2-token bucket, among other requests, with no 429", async () => {
        useEmulator(emu);
        const w = await run("never_on_login");
        assert.equal(w.length, 5);
        assert.ok(Math.max(...w) < NO_WAIT_MS, `GET→PATCH gaps in ms: ${w.join(", ")}`);
        assert.ok(
            apiCalls(emu.journal).every((e) => e.status !== 429),
            "a request met 429",
        );
    });

    it("keeps the window as small in a new process that meets a drained bucket", async () => {
        // A fresh process cannot know the bucket before the first answer: its first pair may find
        // no token for the PATCH. It must read again right before writing rather than wait.
        useEmulator(emu);
        const w = await run("on_first_login");
        assert.equal(w.length, 5);
        assert.ok(Math.max(...w) < NO_WAIT_MS, `GET→PATCH gaps in ms: ${w.join(", ")}`);
    });
});
