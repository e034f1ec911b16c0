import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import type { RunningEmulator } from "../../emulator";
import { ProfileSyncInitError, profileSyncProvider as p, type ProfileSyncInputs } from "../../components/provider/profileSync";
import { optionsOf, SAMPLE, settle, startForProvider, tokenWithScopes, useEmulator, writes, apiCalls } from "../helpers/api";

const inputs = (over: Partial<ProfileSyncInputs> = {}): ProfileSyncInputs => ({
    connectionId: SAMPLE.samlp,
    mode: "on_first_login",
    onDelete: "retain",
    ...over,
});

describe("ProfileSync provider", () => {
    let emu: RunningEmulator;
    let pristine: string;
    before(async () => {
        emu = await startForProvider();
        pristine = JSON.stringify(emu.state.connections);
    });
    after(() => emu.close());
    beforeEach(() => {
        emu.state.connections = JSON.parse(pristine);
        useEmulator(emu);
        emu.clearJournal();
    });

    it("changes the mode with exactly one PATCH whose body is the live options with only that key changed", async () => {
        const before = optionsOf(emu, SAMPLE.samlp);
        const { outs } = await p.create(inputs());
        const [patch, ...more] = writes(emu.journal);
        assert.equal(more.length, 0);
        assert.equal(patch.method, "PATCH");
        assert.deepEqual(Object.keys(patch.body as object), ["options"]);
        assert.deepEqual((patch.body as { options: unknown }).options, { ...before, set_user_root_attributes: "on_first_login" });
        assert.deepEqual(optionsOf(emu, SAMPLE.samlp), { ...before, set_user_root_attributes: "on_first_login" });
        assert.equal(outs.liveMode, "on_first_login");
        assert.equal(outs.previousMode, before.set_user_root_attributes ?? "absent");
        assert.equal(outs.connectionName, "acme-saml");
    });

    it("reads immediately before it writes, so an option edited just before is kept", async () => {
        emu.state.connections[SAMPLE.samlp].options!.edited_in_dashboard = { at: "now" };
        await p.create(inputs());
        assert.deepEqual(optionsOf(emu, SAMPLE.samlp).edited_in_dashboard, { at: "now" });
        assert.deepEqual(
            apiCalls(emu.journal).map((e) => e.method),
            ["GET", "PATCH"],
        );
    });

    it("writes nothing when an absent key already means the desired on_each_login", async () => {
        delete emu.state.connections[SAMPLE.okta].options!.set_user_root_attributes;
        const { outs } = await p.create(inputs({ connectionId: SAMPLE.okta, mode: "on_each_login" }));
        assert.equal(writes(emu.journal).length, 0);
        assert.equal(outs.previousMode, "absent");
    });

    it("makes zero writes on an apply with nothing to change, and diff says so", async () => {
        const { outs } = await p.create(inputs());
        emu.clearJournal();
        assert.deepEqual(await p.diff(SAMPLE.samlp, outs, inputs()), { changes: false });
        await p.update(SAMPLE.samlp, outs, inputs());
        assert.equal(writes(emu.journal).length, 0);
    });

    it("sees a dashboard edit as a change, and update fixes it with one PATCH", async () => {
        const { outs } = await p.create(inputs());
        emu.state.connections[SAMPLE.samlp].options!.set_user_root_attributes = "on_each_login";
        emu.clearJournal();
        assert.equal((await p.diff(SAMPLE.samlp, outs, inputs())).changes, true);
        await p.update(SAMPLE.samlp, outs, inputs());
        assert.equal(writes(emu.journal).length, 1);
        assert.equal(emu.state.connections[SAMPLE.samlp].options!.set_user_root_attributes, "on_first_login");
    });

    it("replaces when the connection id changes", async () => {
        const { outs } = await p.create(inputs());
        assert.deepEqual(await p.diff(SAMPLE.samlp, outs, inputs({ connectionId: SAMPLE.okta })), {
            changes: true,
            replaces: ["connectionId"],
        });
    });

    it("refuses without read:connections_options, naming the scope, and writes nothing", async () => {
        useEmulator(emu, { apiToken: tokenWithScopes(emu, ["read:connections", "update:connections", "update:connections_options"]) });
        await assert.rejects(p.create(inputs()), /lacks the read:connections_options scope/);
        assert.equal(writes(emu.journal).length, 0);
    });

    it("refuses a passwordless connection and writes nothing", async () => {
        await assert.rejects(p.create(inputs({ connectionId: SAMPLE.email })), /passwordless \(email\) connection/);
        assert.equal(writes(emu.journal).length, 0);
    });

    it("reports a create that may have written as created but not initialized, keeping the value found first and the loader", async () => {
        delete emu.state.connections[SAMPLE.okta].options!.set_user_root_attributes;
        useEmulator(emu, { timeoutMs: 200 });
        // Every PATCH answers after the client gave up.
        emu.setFaults([{ method: "PATCH", path: `^/api/v2/connections/${SAMPLE.okta}$`, kind: "slow", delayMs: 3000 }]);
        try {
            const given = { ...inputs({ connectionId: SAMPLE.okta, mode: "never_on_login", onDelete: "restore" }), __provider: "loader" };
            await assert.rejects(p.create(given), (err: unknown) => {
                assert.ok(err instanceof ProfileSyncInitError, String(err));
                assert.equal(err.id, SAMPLE.okta);
                assert.deepEqual(err.properties.previousValue, { present: false });
                assert.equal(err.properties.__provider, "loader");
                assert.match(err.message, /PATCH \/api\/v2\/connections\/\S+ failed/);
                return true;
            });
        } finally {
            emu.setFaults([]);
            // The late PATCHes land now, not in the next test.
            assert.ok(await settle(emu, 10_000));
        }
    });

    it("fails a create that wrote nothing as a plain error: nothing is kept", async () => {
        emu.setFaults([{ method: "GET", path: `^/api/v2/connections/${SAMPLE.okta}$`, kind: "status", status: 400 }]);
        try {
            await assert.rejects(p.create(inputs({ connectionId: SAMPLE.okta, mode: "never_on_login" })), (err: unknown) => {
                assert.ok(!(err instanceof ProfileSyncInitError));
                return true;
            });
        } finally {
            emu.setFaults([]);
        }
    });

    it("restores the key to absent on delete with onDelete restore", async () => {
        delete emu.state.connections[SAMPLE.okta].options!.set_user_root_attributes;
        const before = optionsOf(emu, SAMPLE.okta);
        const { outs } = await p.create(inputs({ connectionId: SAMPLE.okta, mode: "never_on_login", onDelete: "restore" }));
        await p.delete(SAMPLE.okta, outs);
        assert.deepEqual(optionsOf(emu, SAMPLE.okta), before);
    });

    it("leaves the value on delete with onDelete retain", async () => {
        const { outs } = await p.create(inputs());
        emu.clearJournal();
        await p.delete(SAMPLE.samlp, outs);
        assert.equal(apiCalls(emu.journal).length, 0);
        assert.equal(emu.state.connections[SAMPLE.samlp].options!.set_user_root_attributes, "on_first_login");
    });

    it("treats a connection that is already gone as deleted", async () => {
        const { outs } = await p.create(inputs({ onDelete: "restore" }));
        delete emu.state.connections[SAMPLE.samlp];
        await p.delete(SAMPLE.samlp, outs);
        assert.deepEqual(await p.read(SAMPLE.samlp, outs), {});
    });

    it("reads the live mode back as outputs and as inputs", async () => {
        const { outs } = await p.create(inputs());
        emu.state.connections[SAMPLE.samlp].options!.set_user_root_attributes = "never_on_login";
        const r = await p.read(SAMPLE.samlp, outs);
        assert.equal(r.props?.liveMode, "never_on_login");
        assert.deepEqual(r.inputs, { connectionId: SAMPLE.samlp, mode: "never_on_login", onDelete: "retain" });
    });

    it("keeps every option it does not own through create, update and restore (property)", async function () {
        this.timeout(60_000);
        const key = fc.oneof(
            fc.string({ minLength: 1, maxLength: 12 }).filter((k) => k !== "set_user_root_attributes"),
            fc.constantFrom("__proto__", "constructor", "toString"),
        );
        const options = fc.dictionary(key, fc.jsonValue({ maxDepth: 4 }), { maxKeys: 8 });
        const mode = fc.constantFrom("on_each_login" as const, "on_first_login" as const, "never_on_login" as const);
        const previous = fc.constantFrom(undefined, "on_each_login", "on_first_login", "never_on_login");
        await fc.assert(
            fc.asyncProperty(options, previous, mode, mode, async (generated, prev, m1, m2) => {
                const opts = JSON.parse(JSON.stringify(generated)) as Record<string, unknown>;
                const start = prev === undefined ? opts : { ...opts, set_user_root_attributes: prev };
                emu.state.connections[SAMPLE.waad].options = structuredClone(start) as never;
                const created = await p.create(inputs({ connectionId: SAMPLE.waad, mode: m1, onDelete: "restore" }));
                const { set_user_root_attributes: _a, ...afterCreate } = optionsOf(emu, SAMPLE.waad);
                assert.deepEqual(afterCreate, opts);
                const updated = await p.update(
                    SAMPLE.waad,
                    created.outs,
                    inputs({ connectionId: SAMPLE.waad, mode: m2, onDelete: "restore" }),
                );
                const { set_user_root_attributes: _b, ...afterUpdate } = optionsOf(emu, SAMPLE.waad);
                assert.deepEqual(afterUpdate, opts);
                await p.delete(SAMPLE.waad, updated.outs);
                // Byte for byte, key order included.
                assert.equal(JSON.stringify(optionsOf(emu, SAMPLE.waad)), JSON.stringify(start));
            }),
            { numRuns: 40, seed: 20261123 },
        );
    });
});
