import * as assert from "node:assert/strict";
import type { RunningEmulator } from "../../emulator";
import { directoryProvisioningProvider as dir, type DirectoryProvisioningInputs } from "../../components/provider/directoryProvisioning";
import { scimConfigurationProvider as scim } from "../../components/provider/scimConfiguration";
import { SAMPLE, startForProvider, writes } from "../helpers/api";

function dirInputs(extra: Partial<DirectoryProvisioningInputs> = {}): DirectoryProvisioningInputs {
    return {
        connectionId: SAMPLE.google,
        synchronizeAutomatically: false,
        synchronizeGroups: "off",
        onDelete: "delete",
        adoptExisting: true,
        synchronizeOnChange: false,
        ...extra,
    };
}

describe("Adoption and synchronization edges", () => {
    let emu: RunningEmulator;
    before(async () => {
        emu = await startForProvider();
    });
    after(() => emu.close());
    beforeEach(() => {
        emu.setFaults([]);
        emu.clearJournal();
    });

    it("directory provisioning with adoptExisting: false refuses an existing configuration, writing nothing", async () => {
        await dir.create(dirInputs());
        emu.clearJournal();
        await assert.rejects(
            dir.create(dirInputs({ adoptExisting: false })),
            /already has a directory provisioning configuration\. Set adoptExisting: true .*Nothing was written/,
        );
        assert.deepEqual(writes(emu.journal), []);
        await dir.delete(SAMPLE.google, { ...dirInputs(), adopted: false } as never);
    });

    it("SCIM with adoptExisting: false accepts the configuration its own retried POST created", async () => {
        delete emu.state.scimConfigurations[SAMPLE.waad];
        emu.setFaults([
            {
                method: "POST",
                path: `^/api/v2/connections/${SAMPLE.waad}/scim-configuration$`,
                kind: "status-after-processing",
                status: 503,
                times: 1,
            },
        ]);
        const { outs } = await scim.create({
            connectionId: SAMPLE.waad,
            userIdAttribute: "externalId",
            onDelete: "delete",
            adoptExisting: false,
        });
        assert.equal(outs.connectionId, SAMPLE.waad);
        assert.ok(emu.state.scimConfigurations[SAMPLE.waad]);
        assert.deepEqual(
            writes(emu.journal).map((e) => `${e.method} ${e.status}`),
            ["POST 503", "POST 400"],
            "the retry met the configuration its first attempt made, and adopted it without a write",
        );
    });

    it("a synchronization refused because one is running is a warning, not a failure", async () => {
        emu.state.synchronizations[SAMPLE.google] = [
            { synchronization_id: "sync_running", status: "running", created_at: new Date().toISOString() },
        ];
        const { outs } = await dir.create(dirInputs({ synchronizeOnChange: true, mapping: [{ auth0: "email", idp: "primaryEmail" }] }));
        assert.match(outs.synchronizationWarning ?? "", /mapping changed but no synchronization was started/);
        assert.equal(emu.state.directoryProvisionings[SAMPLE.google].mapping.length, 1);
        emu.state.synchronizations[SAMPLE.google] = [];
        await dir.delete(SAMPLE.google, outs);
    });
});
