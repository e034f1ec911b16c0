import * as assert from "node:assert/strict";
import type { RunningEmulator } from "../../emulator";
import { SAMPLE, startForProvider, tokenWithScopes } from "../helpers/api";
import { blockOf, exportFails, exportFrom, stackFile, useEmulatorEnv } from "./helpers";

/** A stack file as a team keeps it: comments, other keys, and settings the export cannot read back; its tenant is `domain`. */
const stackText = (domain: string): string => `# team notes
encryptionsalt: v1:abc
config:
  # our tenant
  auth0:domain: ${domain}
  auth0-connection-sync:connections:
    # hand-written: the Okta workforce
    okta-workforce:
      profileSync: {mode: never_on_login, onDelete: restore}
      scim:
        userIdAttribute: externalId
        adoptExisting: false
        tokens:
          - {scopes: ["get:users"]}
    acme-saml:
      profileSync: on_first_login
      scim:
        onDelete: retain
        tokens:
          provisioning: {scopes: ["get:users", "post:users"], tokenLifetime: 86400}
    google-workspace:
      profileSync: on_first_login
      directoryProvisioning:
        synchronizeGroups: selected
        onDelete: retain
        synchronizeOnChange: true
    retired-idp:
      profileSync: never_on_login
`;

describe("Merge", () => {
    let emu: RunningEmulator;
    /** The stack file of the suite's tenant: the export refuses a file that names another one than AUTH0_DOMAIN. */
    let teamStack: string;
    const env = { ...process.env };

    before(async () => {
        emu = await startForProvider();
        teamStack = stackText(emu.url);
    });
    after(async () => {
        process.env = env;
        await emu.close();
    });
    beforeEach(() => {
        process.env = { ...env };
        useEmulatorEnv(emu);
        emu.clearJournal();
    });

    it("keeps connections outside a name filter and the keys it cannot read inside the ones it exports", async () => {
        const s = stackFile("dev", teamStack);
        const before = blockOf(teamStack);
        const { logs } = await exportFrom(emu, ["--stack", "dev", "--write", "--stacks-dir", s.dir, "--name", "acme-*"]);
        const text = s.read();
        const block = blockOf(text);
        assert.deepEqual(Object.keys(block), ["okta-workforce", "acme-saml", "google-workspace", "retired-idp"]);
        for (const name of ["okta-workforce", "google-workspace", "retired-idp"]) assert.deepEqual(block[name], before[name], name);
        const scim = block["acme-saml"].scim as Record<string, unknown>;
        assert.equal(scim.onDelete, "retain");
        assert.deepEqual(scim.tokens, { provisioning: { scopes: ["get:users", "post:users"], tokenLifetime: 86400 } });
        assert.equal(scim.userIdAttribute, "userName", "the live value");
        assert.equal((scim.mapping as unknown[]).length, emu.state.scimConfigurations[SAMPLE.samlp].mapping.length);
        assert.match(text, /^# team notes\nencryptionsalt: v1:abc\nconfig:\n {2}# our tenant\n {2}auth0:domain: \S+\n/);
        assert.match(text, /# hand-written: the Okta workforce\n/);
        assert.ok(logs.includes("  acme-saml.profileSync: on_first_login -> on_each_login"), logs.join("\n"));
        assert.ok(
            logs.some((l) => l.startsWith("retired-idp: in ") && l.endsWith("left as it is")),
            logs.join("\n"),
        );
    });

    it("keeps the stack file's value of a setting it could not read, and says so", async () => {
        const s = stackFile("dev", teamStack);
        const token = tokenWithScopes(emu, ["read:connections", "read:connections_options"]);
        useEmulatorEnv(emu, token);
        const { logs } = await exportFrom(emu, ["--stack", "dev", "--write", "--stacks-dir", s.dir, "--strategy", "samlp"]);
        assert.deepEqual(blockOf(s.read())["acme-saml"].scim, blockOf(teamStack)["acme-saml"].scim);
        assert.ok(
            logs.some((l) =>
                /acme-saml\.scim: kept as in the stack file \(could not read the SCIM configuration \(403: Insufficient scope/.test(l),
            ),
            logs.join("\n"),
        );
    });

    it("lists every existing value it changes or removes, and keeps a delete policy next to a live mode", async () => {
        const s = stackFile("dev", teamStack);
        const { logs } = await exportFrom(emu, ["--stack", "dev", "--write", "--stacks-dir", s.dir, "--name", "okta-*"]);
        const okta = blockOf(s.read())["okta-workforce"];
        assert.deepEqual(okta, { profileSync: { mode: "on_each_login", onDelete: "restore" } });
        assert.ok(logs.includes("  okta-workforce.profileSync.mode: never_on_login -> on_each_login"), logs.join("\n"));
        assert.ok(
            logs.includes(
                "  okta-workforce.scim: removed (the tenant has no SCIM configuration on this connection, and with it 1 declared token(s))",
            ),
            logs.join("\n"),
        );
    });

    it("refuses an unknown --strategy before any API call, listing the known strategies", async () => {
        const s = stackFile("dev", teamStack);
        const { message } = await exportFails(emu, ["--stack", "dev", "--write", "--stacks-dir", s.dir, "--strategy", "okta,oktaa"]);
        assert.match(message, /unknown --strategy "oktaa" \(did you mean okta\?\)/);
        assert.match(message, /with SCIM samlp, oidc, okta, waad; with directory provisioning google-apps; others .*\bauth0\b/);
        for (const s of ["ad", "adfs", "pingfederate", "google-oauth2", "email", "sms"]) assert.match(message, new RegExp(`[ ,]${s}(,|$)`));
        assert.deepEqual(emu.journal, []);
        assert.equal(s.read(), teamStack);
    });

    it("writes nothing when the filter matches no connection, and says so", async () => {
        const s = stackFile("dev", teamStack);
        const { message } = await exportFails(emu, ["--stack", "dev", "--write", "--stacks-dir", s.dir, "--name", "okat-*"]);
        assert.match(message, /^no connection matches --name 'okat-\*' \(the tenant has 6\): nothing was written$/);
        assert.equal(s.read(), teamStack);
        const none = await exportFails(emu, ["--stack", "dev", "--write", "--stacks-dir", s.dir, "--strategy", "pingfederate"]);
        assert.match(none.message, /no connection matches --strategy pingfederate/);
        assert.equal(s.read(), teamStack);
    });

    it("merges into an entry that names the connection by its id instead of adding a second one", async () => {
        const s = stackFile(
            "dev",
            `config:\n  auth0-connection-sync:connections:\n    ${SAMPLE.waad}:\n      profileSync: never_on_login\n`,
        );
        const { logs } = await exportFrom(emu, ["--stack", "dev", "--write", "--stacks-dir", s.dir, "--strategy", "waad"]);
        assert.deepEqual(blockOf(s.read()), { [SAMPLE.waad]: { profileSync: "on_first_login" } });
        assert.ok(logs.includes(`  ${SAMPLE.waad}.profileSync: never_on_login -> on_first_login`), logs.join("\n"));
    });

    it("drops selected groups, with a line saying so, when the tenant no longer synchronizes selected groups", async () => {
        emu.state.directoryProvisionings[SAMPLE.google] = {
            connection_id: SAMPLE.google,
            connection_name: "google-workspace",
            strategy: "google-apps",
            mapping: [{ auth0: "email", idp: "primaryEmail" }],
            synchronize_automatically: true,
            synchronize_groups: "all",
            created_at: "2026-01-01T00:00:00.000Z",
            updated_at: "2026-01-01T00:00:00.000Z",
        };
        const s = stackFile(
            "dev",
            teamStack.replace("synchronizeGroups: selected", "synchronizeGroups: selected\n        groups: [{id: g1}]"),
        );
        try {
            const { logs } = await exportFrom(emu, ["--stack", "dev", "--write", "--stacks-dir", s.dir, "--strategy", "google-apps"]);
            assert.deepEqual(blockOf(s.read())["google-workspace"].directoryProvisioning, {
                synchronizeGroups: "all",
                onDelete: "retain",
                synchronizeOnChange: true,
                mapping: [{ auth0: "email", idp: "primaryEmail" }],
                synchronizeAutomatically: true,
            });
            assert.ok(logs.includes("  google-workspace.directoryProvisioning.synchronizeGroups: selected -> all"), logs.join("\n"));
            assert.ok(
                logs.includes(
                    "  google-workspace.directoryProvisioning.groups: removed (the tenant synchronizes all, not selected groups)",
                ),
                logs.join("\n"),
            );
        } finally {
            delete emu.state.directoryProvisionings[SAMPLE.google];
        }
    });

    it("changes nothing on a second run, comments included", async () => {
        const s = stackFile("dev", teamStack);
        await exportFrom(emu, ["--stack", "dev", "--write", "--stacks-dir", s.dir]);
        const first = s.read();
        const { logs } = await exportFrom(emu, ["--stack", "dev", "--write", "--stacks-dir", s.dir]);
        assert.equal(s.read(), first);
        assert.ok(
            logs.some((l) => l.endsWith("already says what the tenant has: not rewritten")),
            logs.join("\n"),
        );
        assert.equal(first.match(/# existing SCIM tokens/g)?.length, 1);
    });
});
