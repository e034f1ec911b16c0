import * as assert from "node:assert/strict";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { requireEngine, type TestStack } from "../helpers/pulumi";
import { rootProgramStack } from "../helpers/root-stack";
import { SAMPLE, writes } from "../helpers/api";

describe("End to end: faults through the real engine", function () {
    this.timeout(240_000);
    let emu: RunningEmulator;
    let t: TestStack;

    before(async function () {
        const bin = requireEngine(this);
        // 20% 503s (half of them after the server did the work) and 10% dropped connections, fixed seed.
        emu = await startEmulator({
            tls: true,
            faultSeed: 11,
            faults: [
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
            const ok = await t.stack.up({ color: "never" }).then(
                () => true,
                (err: unknown) => {
                    errors.push(String(err));
                    return false;
                },
            );
            if (ok) break;
        }
        assert.ok(ups < 6, `an up succeeded within 6 tries; errors: ${errors.join("\n---\n")}`);
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
        const pre = await t.stack.preview({ color: "never" });
        assert.deepEqual(Object.keys(pre.changeSummary), ["same"]);
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
