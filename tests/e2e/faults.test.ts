import * as assert from "node:assert/strict";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { requireEngine, type TestStack } from "../helpers/pulumi";
import { rootProgramStack } from "../helpers/root-stack";
import { SAMPLE, settle, writes } from "../helpers/api";
import * as cli from "../helpers/cli";

/** SCIM config creation on okta-workforce: the call the first up is sure to reach and fail on. */
const OKTA_SCIM_POST = `^/api/v2/connections/${SAMPLE.okta}/scim-configuration$`;

describe("End to end: faults through the real engine", function () {
    this.timeout(240_000);
    let emu: RunningEmulator;
    let t: TestStack;

    before(async function () {
        const bin = requireEngine(this);
        // An outage of okta's SCIM config creation that outlasts the client's retries (four attempts),
        // so the first up that reaches it fails; then, at a fixed seed, 20% 503s (half of them after
        // the server did the work) and 10% dropped connections.
        emu = await startEmulator({
            tls: true,
            faultSeed: 11,
            faults: [
                { method: "POST", path: OKTA_SCIM_POST, kind: "status", status: 503, probability: 1, times: 4 },
                { path: "^/api/v2/", kind: "status", status: 503, probability: 0.1 },
                { path: "^/api/v2/", kind: "status-after-processing", status: 503, probability: 0.1 },
                { path: "^/api/v2/", kind: "drop", probability: 0.1 },
            ],
        });
        t = await rootProgramStack(bin, emu, "faults", {
            "okta-workforce": { profileSync: "on_first_login", scim: { tokens: [{ scopes: ["get:users"] }] } },
            "acme-saml": { profileSync: "never_on_login", scim: { mapping: [{ auth0: "email", scim: "userName" }] } },
            "google-workspace": { profileSync: "on_first_login", directoryProvisioning: { synchronizeGroups: "all" } },
        });
    });
    after(async () => {
        t?.cleanup();
        await emu?.close();
    });

    it("converges with repeated ups, loses no option, mints one token, then has nothing to do", async () => {
        const original = structuredClone(Object.fromEntries(Object.entries(emu.state.connections).map(([id, c]) => [id, c.options ?? {}])));
        const samlTokens = emu.state.scimTokens[SAMPLE.samlp].length;
        let ups = 0;
        const errors: string[] = [];
        for (; ups < 6; ups++) {
            const ok = await cli.up(t).then(
                () => true,
                (err: unknown) => {
                    errors.push(String(err));
                    return false;
                },
            );
            if (ok) break;
        }
        assert.ok(ups < 6, `an up succeeded within 6 tries; errors: ${errors.join("\n---\n")}`);
        assert.ok(errors.length >= 1, "at least one up failed (the SCIM outage outlasts the retries)");
        // A failed up must say what failed: the call and its answer, never a crash inside our code.
        for (const e of errors) {
            assert.match(e, /Auth0 API (GET|POST|PATCH|DELETE) \/api\/v2\/\S+ failed/, e);
            assert.doesNotMatch(e, /Cannot read properties|is not a function|undefined is not/, e);
        }
        assert.ok(
            emu.journal.some((e) => e.fault !== undefined),
            "faults happened",
        );
        emu.setFaults([]);
        emu.clearJournal();
        const pre = await cli.preview(t);
        assert.deepEqual(Object.keys(pre.changes), ["same"]);
        assert.deepEqual(writes(emu.journal), []);
        for (const [id, before] of Object.entries(original)) {
            const { set_user_root_attributes: _a, ...now } = emu.state.connections[id].options ?? {};
            const { set_user_root_attributes: _b, ...was } = before;
            assert.deepEqual(now, was);
        }
        assert.equal(emu.state.scimTokens[SAMPLE.okta]?.length, 1);
        assert.equal(emu.state.scimTokens[SAMPLE.samlp].length, samlTokens);
        assert.equal(emu.state.connections[SAMPLE.samlp].options!.set_user_root_attributes, "never_on_login");
        console.log(`      converged after ${ups + 1} up(s); ${errors.length} failed up(s) named their cause`);
    });
});

describe("End to end: a profile sync PATCH that times out and lands late", function () {
    this.timeout(240_000);
    let emu: RunningEmulator;
    let t: TestStack;
    const MODE_KEY = "set_user_root_attributes";
    const TIMEOUT_KEY = "auth0-connection-sync:requestTimeoutMs";

    before(async function () {
        const bin = requireEngine(this);
        emu = await startEmulator({ tls: true });
        t = await rootProgramStack(bin, emu, "late-patch", {
            "okta-workforce": { profileSync: { mode: "never_on_login", onDelete: "restore" } },
        });
    });
    after(async () => {
        t?.cleanup();
        await emu?.close();
    });

    it("keeps the value found before the failed create, so destroy with restore puts it back", async () => {
        const options = () => emu.state.connections[SAMPLE.okta].options ?? {};
        const original = Object.hasOwn(options(), MODE_KEY) ? JSON.stringify(options()[MODE_KEY]) : "absent";
        assert.notEqual(original, JSON.stringify("never_on_login"), "the sample starts from another value");
        // Every PATCH answers after the client gave up, and the server carries each out anyway.
        await t.stack.setConfig(TIMEOUT_KEY, { value: "500" });
        emu.setFaults([{ method: "PATCH", path: `^/api/v2/connections/${SAMPLE.okta}$`, kind: "slow", delayMs: 6000 }]);
        await assert.rejects(cli.up(t), /PATCH \/api\/v2\/connections\/\S+ failed/);
        // Every attempt (four, with backoff) gave up; the server answers each when its delay ends.
        // The wait is for that event; its bound only turns a hang into a failure.
        assert.ok(await settle(emu, 60_000), "every late PATCH was answered");
        assert.ok(
            emu.journal.some((e) => e.fault === "slow" && e.status === 200),
            "a late PATCH was carried out",
        );
        assert.equal(options()[MODE_KEY], "never_on_login", "the late PATCH landed");

        emu.setFaults([]);
        await t.stack.removeConfig(TIMEOUT_KEY);
        await cli.up(t);
        emu.clearJournal();
        const pre = await cli.preview(t);
        assert.deepEqual(Object.keys(pre.changes), ["same"], "after the update, nothing is left to do");
        assert.deepEqual(writes(emu.journal), []);
        await cli.destroy(t);
        const now = Object.hasOwn(options(), MODE_KEY) ? JSON.stringify(options()[MODE_KEY]) : "absent";
        assert.equal(now, original, "restore puts back the value found before our first write, not our own late write");
    });
});
