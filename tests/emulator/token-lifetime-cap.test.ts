import { strict as assert } from "node:assert";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { parseArgs } from "../../emulator/cli";
import { call, type Json } from "../helpers/emulator-client";

const tokens = (id: string) => `/api/v2/connections/${id}/scim-configuration/tokens`;

/** A fresh oidc connection with a SCIM configuration and no tokens, so the token limit never bites. */
async function scimConnection(emulator: RunningEmulator, name: string): Promise<string> {
    const created = await call(emulator, "POST", "/api/v2/connections", { body: { name, strategy: "oidc" } });
    const id = String(created.body.id);
    assert.equal((await call(emulator, "POST", `/api/v2/connections/${id}/scim-configuration`)).status, 201);
    return id;
}

/** Seconds between a token's created_at and valid_until; undefined when it has no valid_until. */
function lifetimeOf(token: Json): number | undefined {
    if (token.valid_until === undefined) return undefined;
    return (Date.parse(String(token.valid_until)) - Date.parse(String(token.created_at))) / 1000;
}

/** Creates a token asking for `asked` seconds (none when undefined); returns the answer and its listing entry. */
async function issue(emulator: RunningEmulator, name: string, asked: number | undefined): Promise<{ answer: Json; listed: Json }> {
    const id = await scimConnection(emulator, name);
    const res = await call(emulator, "POST", tokens(id), { body: asked === undefined ? {} : { token_lifetime: asked } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const list = await call<Json[]>(emulator, "GET", tokens(id));
    assert.equal(list.body.length, 1);
    return { answer: res.body, listed: list.body[0] };
}

describe("Emulator SCIM token lifetime cap", () => {
    let emulator: RunningEmulator;
    before(async () => {
        emulator = await startEmulator({ tokenLifetimeCapSeconds: 3600 });
    });
    after(() => emulator.close());
    afterEach(() => {
        emulator.state.tokenLifetimeCapSeconds = 3600;
    });

    it("grants the cap to a token that asks for longer, in the answer and in later listings", async () => {
        const { answer, listed } = await issue(emulator, "cap-longer", 86400);
        assert.equal(lifetimeOf(answer), 3600);
        assert.equal(listed.valid_until, answer.valid_until);
        assert.equal(listed.created_at, answer.created_at);
    });

    it("grants the asked lifetime when it is shorter than the cap", async () => {
        const { answer, listed } = await issue(emulator, "cap-shorter", 1800);
        assert.equal(lifetimeOf(answer), 1800);
        assert.equal(listed.valid_until, answer.valid_until);
    });

    it("grants the cap to a token that asks for no lifetime", async () => {
        const { answer, listed } = await issue(emulator, "cap-none-asked", undefined);
        assert.equal(lifetimeOf(answer), 3600);
        assert.equal(listed.valid_until, answer.valid_until);
    });

    it("still refuses a lifetime below the API's minimum before applying the cap", async () => {
        emulator.state.tokenLifetimeCapSeconds = 600;
        const id = await scimConnection(emulator, "cap-minimum");
        const refused = await call(emulator, "POST", tokens(id), { body: { token_lifetime: 899 } });
        assert.equal(refused.status, 400);
        const granted = await call(emulator, "POST", tokens(id), { body: { token_lifetime: 900 } });
        assert.equal(lifetimeOf(granted.body), 600);
    });

    it("follows a cap changed or cleared at run time on the state", async () => {
        emulator.state.tokenLifetimeCapSeconds = 1000;
        assert.equal(lifetimeOf((await issue(emulator, "cap-changed", 86400)).answer), 1000);
        emulator.state.tokenLifetimeCapSeconds = undefined;
        assert.equal(lifetimeOf((await issue(emulator, "cap-cleared", 86400)).answer), 86400);
        const uncapped = await issue(emulator, "cap-cleared-none-asked", undefined);
        assert.ok(!("valid_until" in uncapped.answer));
        assert.ok(!("valid_until" in uncapped.listed));
    });
});

describe("Emulator SCIM token lifetime cap settings", () => {
    it("has no cap unless one is given", async () => {
        const emulator = await startEmulator();
        try {
            assert.equal(emulator.state.tokenLifetimeCapSeconds, undefined);
            assert.equal(lifetimeOf((await issue(emulator, "no-cap", 86400)).answer), 86400);
        } finally {
            await emulator.close();
        }
    });

    it("refuses a cap that is not a whole number of seconds of at least one", async () => {
        for (const cap of [0, -5, 1.5, Number.NaN]) {
            await assert.rejects(startEmulator({ tokenLifetimeCapSeconds: cap }), /tokenLifetimeCapSeconds/);
        }
    });

    it("reads the cap from --token-lifetime-cap on the command line", () => {
        assert.equal(parseArgs(["--token-lifetime-cap", "3600"]).tokenLifetimeCapSeconds, 3600);
        assert.equal(parseArgs(["--token-lifetime-cap=900"]).tokenLifetimeCapSeconds, 900);
        assert.equal(parseArgs([]).tokenLifetimeCapSeconds, undefined);
        assert.throws(() => parseArgs(["--token-lifetime-cap", "soon"]), /--token-lifetime-cap expects a number/);
    });
});
