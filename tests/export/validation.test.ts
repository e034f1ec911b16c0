import * as assert from "node:assert/strict";
import type { RunningEmulator } from "../../emulator";
import { parseConnectionsConfig } from "../../program/config";
import { SAMPLE, startForProvider } from "../helpers/api";
import { blockOf, exportFails, exportFrom, stackFile, useEmulatorEnv } from "./helpers";

describe("Validation", () => {
    let emu: RunningEmulator;
    const env = { ...process.env };

    before(async () => {
        emu = await startForProvider();
    });
    after(async () => {
        process.env = env;
        await emu.close();
    });
    beforeEach(() => {
        process.env = { ...env };
        useEmulatorEnv(emu);
    });

    it("leaves out a live mapping that maps one Auth0 attribute twice, and says why on stderr and in a comment", async () => {
        const config = emu.state.scimConfigurations[SAMPLE.samlp];
        const live = config.mapping;
        config.mapping = [...live, { auth0: "email", scim: 'emails[type eq "work"].value' }];
        try {
            const { out, logs } = await exportFrom(emu, ["--stack", "nowhere", "--strategy", "samlp"]);
            const block = blockOf(out);
            assert.deepEqual(parseConnectionsConfig(block).failures, []);
            assert.deepEqual(block["acme-saml"], { profileSync: "on_each_login" });
            const why = `left out scim: the live value would not validate: scim.mapping[${live.length}]: maps Auth0 attribute "email" a second time`;
            assert.ok(out.includes(`# ${why}`), out);
            assert.ok(
                logs.some((l) => l.startsWith(`acme-saml (${SAMPLE.samlp}): `) && l.includes(why)),
                logs.join("\n"),
            );
        } finally {
            config.mapping = live;
        }
    });

    it("keeps the stack file's value of a setting that would not validate, and writes a valid file", async () => {
        const text =
            "config:\n  auth0-connection-sync:connections:\n    acme-saml:\n      scim:\n        tokens:\n          - {scopes: [get:users]}\n";
        const s = stackFile("dev", text);
        const config = emu.state.scimConfigurations[SAMPLE.samlp];
        const live = config.mapping;
        config.mapping = [...live, { auth0: "email", scim: "userName" }];
        try {
            const { logs } = await exportFrom(emu, ["--stack", "dev", "--write", "--stacks-dir", s.dir, "--strategy", "samlp"]);
            const block = blockOf(s.read());
            assert.deepEqual(parseConnectionsConfig(block).failures, []);
            assert.deepEqual(block["acme-saml"], { scim: { tokens: [{ scopes: ["get:users"] }] }, profileSync: "on_each_login" });
            assert.ok(
                logs.some((l) => l.startsWith("acme-saml.scim: kept as in the stack file (the live value would not validate")),
                logs.join("\n"),
            );
        } finally {
            config.mapping = live;
        }
    });

    it("leaves out an empty live directory mapping, which the project refuses", async () => {
        emu.state.directoryProvisionings[SAMPLE.google] = {
            connection_id: SAMPLE.google,
            connection_name: "google-workspace",
            strategy: "google-apps",
            mapping: [],
            synchronize_automatically: false,
            synchronize_groups: "off",
            created_at: "2026-01-01T00:00:00.000Z",
            updated_at: "2026-01-01T00:00:00.000Z",
        };
        try {
            const { out, logs } = await exportFrom(emu, ["--stack", "nowhere", "--strategy", "google-apps"]);
            const block = blockOf(out);
            assert.deepEqual(parseConnectionsConfig(block).failures, []);
            assert.deepEqual(block["google-workspace"], { profileSync: "on_each_login" });
            assert.ok(
                logs.some((l) => l.includes("left out directoryProvisioning: the live value would not validate")),
                logs.join("\n"),
            );
        } finally {
            delete emu.state.directoryProvisionings[SAMPLE.google];
        }
    });

    it("leaves out a live profile sync value that is none of our modes, keeping the file's", async () => {
        const options = emu.state.connections[SAMPLE.waad].options ?? {};
        const live = options.set_user_root_attributes;
        options.set_user_root_attributes = "On_First_Login";
        const s = stackFile(
            "dev",
            "config:\n  auth0-connection-sync:connections:\n    contoso-entra:\n      profileSync: on_first_login\n",
        );
        try {
            const { logs } = await exportFrom(emu, ["--stack", "dev", "--write", "--stacks-dir", s.dir, "--strategy", "waad"]);
            assert.deepEqual(blockOf(s.read()), { "contoso-entra": { profileSync: "on_first_login" } });
            assert.ok(
                logs.some((l) => l.includes('left out profileSync: options.set_user_root_attributes is "On_First_Login", not one of')),
                logs.join("\n"),
            );
            assert.ok(
                logs.some((l) => l.startsWith("contoso-entra.profileSync: kept as in the stack file")),
                logs.join("\n"),
            );
        } finally {
            options.set_user_root_attributes = live;
        }
    });

    it("never writes a block that would not validate, naming what is wrong", async () => {
        const text = "config:\n  auth0-connection-sync:connections:\n    legacy:\n      profileSync: sometimes\n";
        const s = stackFile("dev", text);
        const { message } = await exportFails(emu, ["--stack", "dev", "--write", "--stacks-dir", s.dir, "--strategy", "okta"]);
        assert.match(message, /would not be a valid auth0-connection-sync:connections config \(nothing was written\)/);
        assert.match(message, /connections\.legacy\.profileSync: must be one of on_each_login, on_first_login, never_on_login/);
        assert.equal(s.read(), text);
    });
});
