import * as assert from "node:assert/strict";
import type { RunningEmulator } from "../../emulator";
import { directoryProvisioningProvider as dir } from "../../components/provider/directoryProvisioning";
import { profileSyncProvider as ps } from "../../components/provider/profileSync";
import { type ScimConfigurationInputs, scimConfigurationProvider as scim } from "../../components/provider/scimConfiguration";
import { scimTokenProvider as tokens } from "../../components/provider/scimToken";
import { apiCalls, SAMPLE, startForProvider, useEmulator } from "../helpers/api";

const reads = (emu: RunningEmulator) =>
    apiCalls(emu.journal)
        .filter((e) => e.method === "GET")
        .map((e) => e.path);

/** One managed setting: how to create it, and a refresh's read followed by the engine's diff. */
interface Kind {
    readonly name: string;
    readonly path: string;
    setUp(): Promise<{ id: string; outs: object; inputs: object }>;
    read(id: string, outs: object): Promise<unknown>;
    diff(id: string, outs: object, inputs: object): Promise<{ changes?: boolean }>;
    /** A dashboard edit that the diff must see. */
    drift(emu: RunningEmulator): void;
}

const scimInputs: ScimConfigurationInputs = {
    connectionId: SAMPLE.okta,
    userIdAttribute: "externalId",
    mapping: [{ auth0: "email", scim: "userName" }],
    onDelete: "delete",
    adoptExisting: true,
};
const dirInputs = {
    connectionId: SAMPLE.google,
    synchronizeAutomatically: false,
    synchronizeGroups: "all",
    onDelete: "delete",
    adoptExisting: true,
    synchronizeOnChange: false,
} as const;
const psInputs = { connectionId: SAMPLE.okta, mode: "on_first_login", onDelete: "retain" } as const;
const tokenInputs = { connectionId: SAMPLE.samlp, scopes: ["get:users"] };

const KINDS: Kind[] = [
    {
        name: "ProfileSync",
        path: `/api/v2/connections/${SAMPLE.okta}`,
        setUp: async () => ({ ...(await ps.create(psInputs)), inputs: psInputs }),
        read: (id, outs) => ps.read(id, outs as never),
        diff: (id, outs, inputs) => ps.diff(id, outs as never, inputs as never),
        drift: (emu) => (emu.state.connections[SAMPLE.okta].options!.set_user_root_attributes = "on_each_login"),
    },
    {
        name: "ScimConfiguration",
        path: `/api/v2/connections/${SAMPLE.okta}/scim-configuration`,
        setUp: async () => ({ ...(await scim.create(scimInputs)), inputs: scimInputs }),
        read: (id, outs) => scim.read(id, outs as never),
        diff: (id, outs, inputs) => scim.diff(id, outs as never, inputs as never),
        drift: (emu) => (emu.state.scimConfigurations[SAMPLE.okta].user_id_attribute = "userName"),
    },
    {
        name: "DirectoryProvisioning",
        path: `/api/v2/connections/${SAMPLE.google}/directory-provisioning`,
        setUp: async () => ({ ...(await dir.create(dirInputs)), inputs: dirInputs }),
        read: (id, outs) => dir.read(id, outs as never),
        diff: (id, outs, inputs) => dir.diff(id, outs as never, inputs as never),
        drift: (emu) => (emu.state.directoryProvisionings[SAMPLE.google].synchronize_groups = "off"),
    },
    {
        name: "ScimToken",
        path: `/api/v2/connections/${SAMPLE.samlp}/scim-configuration/tokens`,
        setUp: async () => ({ ...(await tokens.create(tokenInputs)), inputs: tokenInputs }),
        read: (id, outs) => tokens.read(id, outs as never),
        diff: (id, outs, inputs) => tokens.diff(id, outs as never, inputs as never),
        drift: (emu) => (emu.state.scimTokens[SAMPLE.samlp] = []),
    },
];

describe("Refresh hand-off", () => {
    let emu: RunningEmulator;
    let pristine: string;
    before(async () => {
        emu = await startForProvider();
        pristine = JSON.stringify(emu.state);
    });
    after(() => emu.close());

    for (const kind of KINDS) {
        describe(kind.name, () => {
            let made: Awaited<ReturnType<Kind["setUp"]>>;
            beforeEach(async () => {
                Object.assign(emu.state, JSON.parse(pristine));
                useEmulator(emu);
                made = await kind.setUp();
                emu.clearJournal();
            });

            it("a diff right after a read reuses what the read fetched", async () => {
                await kind.read(made.id, made.outs);
                assert.equal((await kind.diff(made.id, made.outs, made.inputs)).changes, false);
                assert.deepEqual(
                    reads(emu).filter((p) => p === kind.path),
                    [kind.path],
                );
            });

            it("reuses it once only: the next diff reads live and sees a dashboard edit", async () => {
                await kind.read(made.id, made.outs);
                await kind.diff(made.id, made.outs, made.inputs);
                kind.drift(emu);
                assert.equal((await kind.diff(made.id, made.outs, made.inputs)).changes, true);
                assert.deepEqual(
                    reads(emu).filter((p) => p === kind.path),
                    [kind.path, kind.path],
                );
            });

            it("ignores a read older than five seconds", async () => {
                await kind.read(made.id, made.outs);
                kind.drift(emu);
                const realNow = Date.now;
                Date.now = () => realNow() + 5_001;
                try {
                    assert.equal((await kind.diff(made.id, made.outs, made.inputs)).changes, true);
                } finally {
                    Date.now = realNow;
                }
                assert.deepEqual(
                    reads(emu).filter((p) => p === kind.path),
                    [kind.path, kind.path],
                );
            });
        });
    }
});
