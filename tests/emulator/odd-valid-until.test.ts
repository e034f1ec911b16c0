import { strict as assert } from "node:assert";
import { parseFaultSpec, startEmulator, type FaultRule, type RunningEmulator } from "../../emulator";
import { call, SAMPLE, type Json } from "../helpers/emulator-client";

const TOKENS_PATH = "^/api/v2/connections/[^/]+/scim-configuration/tokens$";
const tokens = (id: string) => `/api/v2/connections/${id}/scim-configuration/tokens`;
const SEEDED_VALID_UNTIL = "2026-11-04T09:13:02.004Z";

/** The valid_until of each token a listing answers, in order ("absent" where there is none). */
async function listedValidUntil(emulator: RunningEmulator, id: string): Promise<unknown[]> {
    const res = await call<Json[]>(emulator, "GET", tokens(id));
    assert.equal(res.status, 200, res.text);
    return res.body.map((token) => ("valid_until" in token ? token.valid_until : "absent"));
}

describe("Emulator odd-valid-until fault", () => {
    let emulator: RunningEmulator;
    before(async () => {
        emulator = await startEmulator();
        // The sample's samlp connection holds one token with a valid_until; add one without.
        assert.equal((await call(emulator, "POST", tokens(SAMPLE.samlp), { body: {} })).status, 201);
    });
    after(() => emulator.close());
    afterEach(() => emulator.setFaults([]));

    for (const value of [null, "", "not-a-date"]) {
        it(`lists every token with valid_until ${JSON.stringify(value)} and keeps the stored tokens as they were`, async () => {
            const stored = JSON.stringify(emulator.state.scimTokens[SAMPLE.samlp]);
            emulator.setFaults([{ method: "GET", path: TOKENS_PATH, kind: "odd-valid-until", value, times: 1 }]);
            emulator.clearJournal();
            assert.deepEqual(await listedValidUntil(emulator, SAMPLE.samlp), [value, value]);
            assert.equal(emulator.journal[0].fault, "odd-valid-until");
            assert.equal(JSON.stringify(emulator.state.scimTokens[SAMPLE.samlp]), stored);
            assert.deepEqual(await listedValidUntil(emulator, SAMPLE.samlp), [SEEDED_VALID_UNTIL, "absent"]);
        });
    }

    it("keeps the other token fields and never shows a token's secret", async () => {
        emulator.setFaults([{ method: "GET", path: TOKENS_PATH, kind: "odd-valid-until", value: null }]);
        const res = await call<Json[]>(emulator, "GET", tokens(SAMPLE.samlp));
        assert.deepEqual(
            res.body.map((t) => Object.keys(t).sort()),
            [
                ["created_at", "scopes", "token_id", "valid_until"],
                ["created_at", "scopes", "token_id", "valid_until"],
            ],
        );
        assert.equal(res.body[0].token_id, "tok_Q2x7mP4sT9vB1nK6");
        assert.ok(!res.text.includes("scim-sample-token-do-not-use"));
    });

    it("lets the rule's dice choose null, empty or a non-date string, the same way under the same seed", async () => {
        const run = async (seed: number): Promise<string> => {
            emulator.setFaults([{ method: "GET", path: TOKENS_PATH, kind: "odd-valid-until" }], seed);
            const seen: unknown[] = [];
            for (let i = 0; i < 24; i++) seen.push((await listedValidUntil(emulator, SAMPLE.samlp))[0]);
            return JSON.stringify(seen);
        };
        const first = await run(5);
        const values = new Set<unknown>(JSON.parse(first));
        assert.deepEqual([...values].sort(), ["", "not-a-date", null].sort(), first);
        assert.equal(await run(5), first);
    });

    it("faults the same requests under a seed whether or not the rule names a value", async () => {
        const pattern = async (rule: FaultRule): Promise<string> => {
            emulator.setFaults([{ ...rule, probability: 0.5 }], 9);
            let text = "";
            for (let i = 0; i < 16; i++) text += (await listedValidUntil(emulator, SAMPLE.samlp))[0] === SEEDED_VALID_UNTIL ? "." : "x";
            return text;
        };
        const withValue = await pattern({ method: "GET", path: TOKENS_PATH, kind: "odd-valid-until", value: "soon" });
        assert.equal(await pattern({ method: "GET", path: TOKENS_PATH, kind: "odd-valid-until" }), withValue);
        assert.ok(withValue.includes("x") && withValue.includes("."), withValue);
    });

    it("journals no fault on a listing it leaves as it was: no tokens, or each token already with the odd value", async () => {
        const samlp = emulator.state.scimTokens[SAMPLE.samlp];
        try {
            emulator.state.scimTokens[SAMPLE.samlp] = [];
            emulator.setFaults([{ method: "GET", path: TOKENS_PATH, kind: "odd-valid-until", value: null }]);
            emulator.clearJournal();
            assert.deepEqual(await listedValidUntil(emulator, SAMPLE.samlp), []);
            assert.equal(emulator.journal[0].fault, undefined);
        } finally {
            emulator.state.scimTokens[SAMPLE.samlp] = samlp;
        }
        emulator.setFaults([{ method: "GET", path: TOKENS_PATH, kind: "odd-valid-until", value: SEEDED_VALID_UNTIL }]);
        emulator.clearJournal();
        // The seeded token already lists this value; the one without valid_until gets it, so the answer changed.
        assert.deepEqual(await listedValidUntil(emulator, SAMPLE.samlp), [SEEDED_VALID_UNTIL, SEEDED_VALID_UNTIL]);
        assert.equal(emulator.journal[0].fault, "odd-valid-until");
        const first = emulator.state.scimTokens[SAMPLE.samlp].slice(0, 1);
        const both = emulator.state.scimTokens[SAMPLE.samlp];
        try {
            emulator.state.scimTokens[SAMPLE.samlp] = first;
            emulator.clearJournal();
            assert.deepEqual(await listedValidUntil(emulator, SAMPLE.samlp), [SEEDED_VALID_UNTIL]);
            assert.equal(emulator.journal[0].fault, undefined);
        } finally {
            emulator.state.scimTokens[SAMPLE.samlp] = both;
        }
    });

    it("leaves answers that are not a token listing alone", async () => {
        emulator.setFaults([{ path: "^/api/v2/connections", kind: "odd-valid-until", value: null }]);
        emulator.clearJournal();
        const created = await call(emulator, "POST", tokens(SAMPLE.okta), { body: { token_lifetime: 3600 } });
        assert.equal(created.status, 404, "okta has no SCIM configuration in the sample");
        const config = await call(emulator, "GET", `/api/v2/connections/${SAMPLE.samlp}/scim-configuration`);
        assert.equal(config.status, 200);
        assert.ok(!("valid_until" in config.body));
        assert.deepEqual(
            emulator.journal.map((e) => e.fault),
            [undefined, undefined],
        );
    });
});

describe("Emulator answer fault rules", () => {
    it("reads odd-valid-until and repeat-cursor fault specs", () => {
        assert.deepEqual(parseFaultSpec(`GET:${TOKENS_PATH}:odd-valid-until:null`), {
            method: "GET",
            path: TOKENS_PATH,
            kind: "odd-valid-until",
            value: null,
        });
        assert.equal(parseFaultSpec(`GET:${TOKENS_PATH}:odd-valid-until:""`).value, "");
        assert.equal(parseFaultSpec(`GET:${TOKENS_PATH}:odd-valid-until:soon:0.5:2`).value, "soon");
        assert.deepEqual(parseFaultSpec(`GET:${TOKENS_PATH}:odd-valid-until::0.5`), {
            method: "GET",
            path: TOKENS_PATH,
            kind: "odd-valid-until",
            probability: 0.5,
        });
        assert.deepEqual(parseFaultSpec("GET:^/api/v2/connections$:repeat-cursor::0.25:3"), {
            method: "GET",
            path: "^/api/v2/connections$",
            kind: "repeat-cursor",
            probability: 0.25,
            times: 3,
        });
        const json = { path: TOKENS_PATH, kind: "odd-valid-until", value: "2026-02-30T25:00:00Z" };
        assert.deepEqual(parseFaultSpec(JSON.stringify(json)), json);
    });

    it("refuses a value on other kinds and a value that is neither null nor a string", async () => {
        assert.throws(() => parseFaultSpec(JSON.stringify({ path: ".*", kind: "status", value: "x" })), /only for odd-valid-until/);
        assert.throws(() => parseFaultSpec(JSON.stringify({ path: ".*", kind: "odd-valid-until", value: 5 })), /null or a string/);
        await assert.rejects(startEmulator({ faults: [{ path: ".*", kind: "repeat-cursor", value: null }] }), /only for odd-valid-until/);
    });
});
