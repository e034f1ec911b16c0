import * as assert from "node:assert/strict";
import type { RunningEmulator } from "../../emulator";
import { scimConfigurationProvider as p, type ScimConfigurationInputs } from "../../components/provider/scimConfiguration";
import { scimTokenProvider as tokens } from "../../components/provider/scimToken";
import { apiCalls, SAMPLE, startForProvider, useEmulator, writes } from "../helpers/api";

const MAPPING = [
    { auth0: "email", scim: "emails[primary eq true].value" },
    { auth0: "name", scim: "displayName" },
];

const inputs = (over: Partial<ScimConfigurationInputs> = {}): ScimConfigurationInputs => ({
    connectionId: SAMPLE.okta,
    userIdAttribute: "externalId",
    onDelete: "delete",
    adoptExisting: true,
    ...over,
});

describe("ScimConfiguration provider", () => {
    let emu: RunningEmulator;
    let pristine: string;
    before(async () => {
        emu = await startForProvider();
        pristine = JSON.stringify(emu.state.scimConfigurations);
    });
    after(() => emu.close());
    beforeEach(() => {
        emu.state.scimConfigurations = JSON.parse(pristine);
        useEmulator(emu);
        emu.clearJournal();
    });

    it("creates a configuration with the API's default mapping when none is declared", async () => {
        const { id, outs } = await p.create(inputs());
        assert.equal(id, SAMPLE.okta);
        assert.equal(emu.state.scimConfigurations[SAMPLE.okta].mapping.length, 32);
        assert.deepEqual(
            writes(emu.journal).map((e) => `${e.method} ${e.path}`),
            [`POST /api/v2/connections/${SAMPLE.okta}/scim-configuration`],
        );
        assert.equal(outs.scimEndpointUrl, `${emu.url}/scim/v2/connections/${SAMPLE.okta}`);
        assert.equal(outs.tenantName, "sample");
        assert.equal(outs.adopted, false);
    });

    it("makes zero writes on a second apply, whatever order the server returns the pairs in", async () => {
        const { outs } = await p.create(inputs({ mapping: MAPPING }));
        emu.state.scimConfigurations[SAMPLE.okta].mapping.reverse();
        emu.clearJournal();
        assert.deepEqual(await p.diff(SAMPLE.okta, outs, inputs({ mapping: [...MAPPING].reverse() })), { changes: false });
        await p.update(SAMPLE.okta, outs, inputs({ mapping: MAPPING }));
        assert.equal(writes(emu.journal).length, 0);
    });

    it("sees a dashboard edit and fixes it with one PATCH carrying both fields", async () => {
        const { outs } = await p.create(inputs({ mapping: MAPPING }));
        emu.state.scimConfigurations[SAMPLE.okta].user_id_attribute = "userName";
        emu.clearJournal();
        assert.equal((await p.diff(SAMPLE.okta, outs, inputs({ mapping: MAPPING }))).changes, true);
        await p.update(SAMPLE.okta, outs, inputs({ mapping: MAPPING }));
        const [patch, ...rest] = writes(emu.journal);
        assert.equal(rest.length, 0);
        assert.deepEqual(Object.keys(patch.body as object).sort(), ["mapping", "user_id_attribute"]);
        assert.equal(emu.state.scimConfigurations[SAMPLE.okta].user_id_attribute, "externalId");
    });

    it("adopts a configuration that already exists and brings it to the declared state", async () => {
        const { outs } = await p.create(inputs({ connectionId: SAMPLE.samlp, mapping: MAPPING }));
        assert.equal(outs.adopted, true);
        // It looks first, so adoption costs no refused POST: one PATCH and nothing else.
        assert.deepEqual(
            writes(emu.journal).map((e) => e.method),
            ["PATCH"],
        );
        assert.deepEqual(emu.state.scimConfigurations[SAMPLE.samlp].mapping.map((m) => m.auth0).sort(), ["email", "name"]);
    });

    it("adopts an identical configuration with zero writes", async () => {
        const live = emu.state.scimConfigurations[SAMPLE.samlp];
        const { outs } = await p.create(
            inputs({ connectionId: SAMPLE.samlp, userIdAttribute: live.user_id_attribute, mapping: [...live.mapping].reverse() }),
        );
        assert.equal(outs.adopted, true);
        assert.deepEqual(writes(emu.journal), []);
    });

    it("falls back to adoption when a POST meets an existing configuration (a race)", async () => {
        emu.setFaults([{ method: "GET", path: "/scim-configuration$", kind: "status", status: 404, times: 1 }]);
        const { outs } = await p.create(inputs({ connectionId: SAMPLE.samlp, mapping: MAPPING }));
        emu.setFaults([]);
        assert.equal(outs.adopted, true);
        assert.deepEqual(
            writes(emu.journal).map((e) => `${e.method} ${e.status}`),
            ["POST 400", "PATCH 200"],
        );
    });

    it("refuses to adopt with adoptExisting false, says how, and writes nothing", async () => {
        const before = JSON.stringify(emu.state.scimConfigurations[SAMPLE.samlp]);
        await assert.rejects(
            p.create(inputs({ connectionId: SAMPLE.samlp, adoptExisting: false })),
            /already has a SCIM configuration\. Set adoptExisting: true/,
        );
        assert.equal(JSON.stringify(emu.state.scimConfigurations[SAMPLE.samlp]), before);
        assert.deepEqual(writes(emu.journal), []);
    });

    it("creates with one read and one write: no connection read just to check the strategy", async () => {
        await p.create(inputs({ mapping: MAPPING }));
        const path = `/api/v2/connections/${SAMPLE.okta}/scim-configuration`;
        assert.deepEqual(
            apiCalls(emu.journal).map((e) => `${e.method} ${e.path} ${e.status}`),
            [`GET ${path} 404`, `POST ${path} 201`],
        );
    });

    it("refuses a database connection before any write, naming the strategies that work", async () => {
        await assert.rejects(
            p.create(inputs({ connectionId: SAMPLE.database })),
            /SCIM is not available .*strategy auth0\): supported strategies are samlp, oidc, okta, waad/,
        );
        assert.equal(writes(emu.journal).length, 0);
    });

    it("gives the same message when only the POST says the strategy is unsupported (the documented refusal)", async () => {
        // A GET that answers a plain 404 for other strategies: the POST's 404 is what tells us, and it wrote nothing.
        emu.setFaults([{ method: "GET", path: "/scim-configuration$", kind: "status", status: 404, times: 1 }]);
        await assert.rejects(
            p.create(inputs({ connectionId: SAMPLE.database })),
            /SCIM is not available .*strategy auth0\): supported strategies are samlp, oidc, okta, waad/,
        );
        emu.setFaults([]);
        assert.deepEqual(
            writes(emu.journal).map((e) => `${e.method} ${e.status}`),
            ["POST 404"],
        );
        assert.equal(emu.state.scimConfigurations[SAMPLE.database], undefined);
    });

    it("deletes with onDelete delete, keeps with retain, and tolerates an already deleted one", async () => {
        const { outs } = await p.create(inputs());
        await p.delete(SAMPLE.okta, { ...outs, onDelete: "retain" });
        assert.ok(emu.state.scimConfigurations[SAMPLE.okta]);
        await p.delete(SAMPLE.okta, outs);
        assert.equal(emu.state.scimConfigurations[SAMPLE.okta], undefined);
        await p.delete(SAMPLE.okta, outs);
    });

    it("reads a configuration deleted out of band as gone, and update recreates it", async () => {
        const { outs } = await p.create(inputs({ mapping: MAPPING }));
        delete emu.state.scimConfigurations[SAMPLE.okta];
        assert.deepEqual(await p.read(SAMPLE.okta, outs), {});
        assert.equal((await p.diff(SAMPLE.okta, outs, inputs({ mapping: MAPPING }))).changes, true);
        await p.update(SAMPLE.okta, outs, inputs({ mapping: MAPPING }));
        assert.equal(emu.state.scimConfigurations[SAMPLE.okta].mapping.length, 2);
    });

    it("reads live values back as inputs, keeping a default mapping as omitted", async () => {
        const { outs } = await p.create(inputs());
        emu.state.scimConfigurations[SAMPLE.okta].user_id_attribute = "userName";
        const r = await p.read(SAMPLE.okta, outs);
        assert.deepEqual(r.inputs, { connectionId: SAMPLE.okta, userIdAttribute: "userName", onDelete: "delete", adoptExisting: true });
        emu.state.scimConfigurations[SAMPLE.okta].mapping = [{ scim: "x", auth0: "y" }];
        assert.deepEqual((await p.read(SAMPLE.okta, outs)).inputs?.mapping, [{ auth0: "y", scim: "x" }]);
    });

    it("rejects bad input in check without calling the API", async () => {
        const r = await p.check(inputs(), {
            connectionId: SAMPLE.okta,
            mapping: [
                { auth0: "email", scim: "a" },
                { auth0: "email", scim: "b" },
            ],
        } as never);
        assert.deepEqual(
            r.failures.map((f) => f.property),
            ["mapping[1]"],
        );
        assert.equal(apiCalls(emu.journal).length, 0);
    });
});

describe("ScimToken provider", () => {
    let emu: RunningEmulator;
    before(async () => {
        emu = await startForProvider();
    });
    after(() => emu.close());
    beforeEach(() => {
        useEmulator(emu);
        emu.clearJournal();
    });

    it("issues a token, keeps its value once, and revokes it on delete", async () => {
        const { id, outs } = await tokens.create({ connectionId: SAMPLE.samlp, scopes: ["get:users", "post:users"] });
        assert.equal(id, outs.tokenId);
        assert.ok(outs.token.length > 10);
        assert.ok(emu.state.scimTokens[SAMPLE.samlp].some((t) => t.token_id === id));
        assert.equal((await tokens.read(id, outs)).props?.token, outs.token);
        await tokens.delete(id, outs);
        assert.ok(!emu.state.scimTokens[SAMPLE.samlp].some((t) => t.token_id === id));
        await tokens.delete(id, outs);
        assert.deepEqual(await tokens.read(id, outs), {});
    });

    it("replaces on a change of scopes or lifetime but not on scope order", async () => {
        const { outs } = await tokens.create({ connectionId: SAMPLE.samlp, scopes: ["get:users", "post:users"] });
        const reordered = await tokens.diff(outs.tokenId, outs, { connectionId: SAMPLE.samlp, scopes: ["post:users", "get:users"] });
        assert.equal(reordered.changes, false);
        assert.deepEqual(reordered.replaces ?? [], []);
        assert.deepEqual((await tokens.diff(outs.tokenId, outs, { connectionId: SAMPLE.samlp, scopes: ["get:users"] })).replaces, [
            "scopes",
        ]);
        assert.deepEqual(
            (
                await tokens.diff(outs.tokenId, outs, {
                    connectionId: SAMPLE.samlp,
                    scopes: ["get:users", "post:users"],
                    tokenLifetime: 3600,
                })
            ).replaces,
            ["tokenLifetime"],
        );
    });

    it("replaces a token revoked in the dashboard", async () => {
        const { outs } = await tokens.create({ connectionId: SAMPLE.samlp, scopes: ["get:users"] });
        emu.state.scimTokens[SAMPLE.samlp] = emu.state.scimTokens[SAMPLE.samlp].filter((t) => t.token_id !== outs.tokenId);
        assert.deepEqual((await tokens.diff(outs.tokenId, outs, { connectionId: SAMPLE.samlp, scopes: ["get:users"] })).replaces, [
            "tokenId",
        ]);
    });
});
