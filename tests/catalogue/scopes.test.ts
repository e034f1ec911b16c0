import * as assert from "node:assert/strict";
import type { RunningEmulator } from "../../emulator";
import { directoryProvisioningProvider as dir } from "../../components/provider/directoryProvisioning";
import { profileSyncProvider as ps } from "../../components/provider/profileSync";
import { scimConfigurationProvider as scim } from "../../components/provider/scimConfiguration";
import { scimTokenProvider as tokens } from "../../components/provider/scimToken";
import { getApi } from "../../management-api/client";
import { SAMPLE, startForProvider, tokenWithScopes, useEmulator } from "../helpers/api";
import { EVERY_SCOPE } from "../helpers/sample";

const scimInputs = { userIdAttribute: "externalId", onDelete: "delete", adoptExisting: true } as const;
const dirInputs = {
    synchronizeAutomatically: true,
    synchronizeGroups: "all",
    onDelete: "delete",
    adoptExisting: true,
    synchronizeOnChange: false,
} as const;

/** Each operation, and every scope it needs: without any one of them it must fail naming it and change nothing. */
const OPERATIONS: Array<[string, string[], () => Promise<unknown>]> = [
    ["list connections (the program)", ["read:connections"], () => getApi().listConnections()],
    [
        "set the profile sync mode",
        ["read:connections", "read:connections_options", "update:connections", "update:connections_options"],
        () => ps.create({ connectionId: SAMPLE.okta, mode: "never_on_login", onDelete: "retain" }),
    ],
    [
        "create a SCIM configuration",
        ["read:scim_config", "create:scim_config"],
        () => scim.create({ connectionId: SAMPLE.okta, ...scimInputs }),
    ],
    [
        "adopt and update a SCIM configuration",
        ["read:scim_config", "update:scim_config"],
        () => scim.create({ connectionId: SAMPLE.samlp, ...scimInputs, mapping: [{ auth0: "email", scim: "userName" }] }),
    ],
    [
        "delete a SCIM configuration",
        ["delete:scim_config"],
        () => scim.delete(SAMPLE.samlp, { connectionId: SAMPLE.samlp, onDelete: "delete" } as never),
    ],
    ["issue a SCIM token", ["create:scim_token"], () => tokens.create({ connectionId: SAMPLE.samlp, scopes: ["get:users"] })],
    [
        "check a SCIM token",
        ["read:scim_token"],
        () =>
            tokens.diff("tok_x", { connectionId: SAMPLE.samlp, scopes: ["get:users"], tokenId: "tok_x" } as never, {
                connectionId: SAMPLE.samlp,
                scopes: ["get:users"],
            }),
    ],
    [
        "revoke a SCIM token",
        ["delete:scim_token"],
        () => tokens.delete("tok_Q2x7mP4sT9vB1nK6", { connectionId: SAMPLE.samlp, tokenId: "tok_Q2x7mP4sT9vB1nK6" } as never),
    ],
    [
        "create directory provisioning",
        ["read:directory_provisionings", "create:directory_provisionings"],
        () => dir.create({ connectionId: SAMPLE.google, ...dirInputs }),
    ],
];

describe("Missing scope catalogue", () => {
    let emu: RunningEmulator;
    let pristine: string;
    // A fresh emulator per test: the one that succeeds writes, and no other may start from what it wrote.
    beforeEach(async () => {
        emu = await startForProvider();
        pristine = JSON.stringify({
            c: emu.state.connections,
            s: emu.state.scimConfigurations,
            t: emu.state.scimTokens,
            d: emu.state.directoryProvisionings,
        });
    });
    afterEach(() => emu.close());

    const live = () =>
        JSON.stringify({
            c: emu.state.connections,
            s: emu.state.scimConfigurations,
            t: emu.state.scimTokens,
            d: emu.state.directoryProvisionings,
        });

    for (const [what, scopes, run] of OPERATIONS) {
        for (const missing of scopes) {
            it(`${what}: without ${missing} it fails naming the scope and writes nothing`, async () => {
                useEmulator(emu, {
                    apiToken: tokenWithScopes(
                        emu,
                        EVERY_SCOPE.filter((s) => s !== missing),
                    ),
                });
                await assert.rejects(run(), (err: Error) => {
                    assert.ok(err.message.includes(missing), err.message);
                    return true;
                });
                assert.equal(live(), pristine);
            });
        }
    }

    it("succeeds with every scope (so the failures above are the scopes' doing)", async () => {
        useEmulator(emu);
        await ps.create({ connectionId: SAMPLE.okta, mode: "never_on_login", onDelete: "retain" });
        assert.notEqual(live(), pristine);
    });
});
