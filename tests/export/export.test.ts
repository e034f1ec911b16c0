import * as assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import type { RunningEmulator } from "../../emulator";
import { parseConnectionsConfig } from "../../program/config";
import { parseArgs, runExport } from "../../scripts/export";
import { apiCalls, SAMPLE, startForProvider, tokenWithScopes, writes, emulatorFetch } from "../helpers/api";

type Block = Record<string, Record<string, unknown>>;

function blockOf(yamlText: string): Block {
    return (parse(yamlText) as { config: Record<string, Block> }).config["auth0-connection-sync:connections"];
}

describe("Export", () => {
    let emu: RunningEmulator;
    const logs: string[] = [];
    const log = (s: string) => logs.push(s);
    const env = { ...process.env };

    before(async () => {
        emu = await startForProvider();
    });
    after(async () => {
        process.env = env;
        await emu.close();
    });
    beforeEach(() => {
        process.env = { ...env, AUTH0_DOMAIN: emu.url, AUTH0_API_TOKEN: "local-admin-token" };
        delete process.env.AUTH0_CLIENT_ID;
        delete process.env.AUTH0_CLIENT_SECRET;
        logs.length = 0;
        emu.clearJournal();
    });

    it("exports the sample tenant as a valid config, the sync mode as set and an absent one as on_each_login", async () => {
        const block = blockOf(await runExport(["--stack", "nowhere"], log, { caCertificate: emu.ca }));
        assert.deepEqual(parseConnectionsConfig(block).failures, []);
        assert.equal(block["contoso-entra"].profileSync, "on_first_login");
        assert.equal(block["okta-workforce"].profileSync, "on_each_login");
        assert.equal(block.email, undefined, "passwordless connections have nothing to manage");
        assert.deepEqual(writes(emu.journal), []);
    });

    it("omits a mapping equal to the API's default and keeps one that differs", async () => {
        const { mapping, ...rest } = emu.state.scimConfigurations[SAMPLE.samlp];
        const block = blockOf(await runExport(["--stack", "x", "--name", "acme-*"], log, { caCertificate: emu.ca }));
        assert.equal((block["acme-saml"].scim as { mapping: unknown[] }).mapping.length, mapping.length);
        emu.state.directoryProvisionings[SAMPLE.google] = {
            connection_id: SAMPLE.google,
            connection_name: "google-workspace",
            strategy: "google-apps",
            mapping: (
                (await (
                    await emulatorFetch(emu, `/api/v2/connections/${SAMPLE.google}/directory-provisioning/default-mapping`, {
                        headers: { authorization: "Bearer local-admin-token" },
                    })
                ).json()) as { mapping: never[] }
            ).mapping,
            synchronize_automatically: true,
            synchronize_groups: "all",
            created_at: "2026-01-01T00:00:00.000Z",
            updated_at: "2026-01-01T00:00:00.000Z",
        };
        const g = blockOf(await runExport(["--stack", "x", "--strategy", "google-apps"], log, { caCertificate: emu.ca }));
        assert.deepEqual(g["google-workspace"].directoryProvisioning, { synchronizeAutomatically: true, synchronizeGroups: "all" });
        delete emu.state.directoryProvisionings[SAMPLE.google];
        assert.ok(rest);
    });

    it("exports the selected groups without the server's member counts, and leaves a file listing them in another order alone", async () => {
        emu.state.directoryProvisionings[SAMPLE.google] = {
            connection_id: SAMPLE.google,
            connection_name: "google-workspace",
            strategy: "google-apps",
            mapping: [{ auth0: "email", idp: "primaryEmail" }],
            synchronize_automatically: false,
            synchronize_groups: "selected",
            created_at: "2026-01-01T00:00:00.000Z",
            updated_at: "2026-01-01T00:00:00.000Z",
        };
        const options = emu.state.connections[SAMPLE.google].options!;
        options.api_enable_groups = true;
        emu.state.synchronizedGroups[SAMPLE.google] = [
            { id: "g1", direct_members_count: 3 },
            { id: "g2", name: "Sales", email: "sales@example.com", direct_members_count: 12 },
        ];
        try {
            const block = blockOf(await runExport(["--stack", "x", "--strategy", "google-apps"], log, { caCertificate: emu.ca }));
            const dp = block["google-workspace"].directoryProvisioning as { synchronizeGroups: string; groups: unknown };
            assert.equal(dp.synchronizeGroups, "selected");
            assert.deepEqual(dp.groups, [{ id: "g1" }, { id: "g2", name: "Sales", email: "sales@example.com" }]);
            assert.deepEqual(parseConnectionsConfig(block).failures, [], "the project accepts what the export writes");

            const dir = mkdtempSync(path.join(tmpdir(), "export-groups-"));
            const file = path.join(dir, "Pulumi.dev.yaml");
            const text =
                "config:\n  auth0-connection-sync:connections:\n    google-workspace:\n      directoryProvisioning:\n" +
                "        mapping: [{auth0: email, idp: primaryEmail}]\n        synchronizeGroups: selected\n" +
                "        groups: [{email: sales@example.com, name: Sales, id: g2}, {id: g1}]\n";
            writeFileSync(file, text);
            logs.length = 0;
            await runExport(["--stack", "dev", "--write", "--stacks-dir", dir, "--strategy", "google-apps"], log, {
                caCertificate: emu.ca,
            });
            // The same selection in another order: kept as written, and no line about groups.
            const kept = blockOf(readFileSync(file, "utf8"))["google-workspace"].directoryProvisioning as { groups: Array<{ id: string }> };
            assert.deepEqual(
                kept.groups.map((g) => g.id),
                ["g2", "g1"],
            );
            assert.ok(!logs.some((l) => l.includes(".groups")), logs.join("\n"));

            // One group more in the tenant: the file follows, and the log says how the selection changed.
            emu.state.synchronizedGroups[SAMPLE.google].push({ id: "g3" });
            await runExport(["--stack", "dev", "--write", "--stacks-dir", dir, "--strategy", "google-apps"], log, {
                caCertificate: emu.ca,
            });
            assert.ok(
                logs.includes("  google-workspace.directoryProvisioning.groups: 2 -> 3 group(s) (the live selection)"),
                logs.join("\n"),
            );
            const written = blockOf(readFileSync(file, "utf8"))["google-workspace"].directoryProvisioning as {
                groups: Array<{ id: string }>;
            };
            assert.deepEqual(
                written.groups.map((g) => g.id),
                ["g1", "g2", "g3"],
            );
        } finally {
            delete emu.state.directoryProvisionings[SAMPLE.google];
            delete emu.state.synchronizedGroups[SAMPLE.google];
            delete options.api_enable_groups;
        }
    });

    it("lists existing SCIM token ids as a comment, never a token value", async () => {
        const text = await runExport(["--stack", "x"], log, { caCertificate: emu.ca });
        const token = emu.state.scimTokens[SAMPLE.samlp][0];
        assert.match(text, new RegExp(`# existing SCIM tokens .*${token.token_id}`));
        assert.ok(!text.includes(token.token));
    });

    it("filters by strategy, by name pattern and to non-default connections", async () => {
        assert.deepEqual(
            Object.keys(blockOf(await runExport(["--stack", "x", "--strategy", "okta,waad"], log, { caCertificate: emu.ca }))).sort(),
            ["contoso-entra", "okta-workforce"],
        );
        assert.deepEqual(
            Object.keys(blockOf(await runExport(["--stack", "x", "--name", "/^(acme|okta)/"], log, { caCertificate: emu.ca }))).sort(),
            ["acme-saml", "okta-workforce"],
        );
        assert.deepEqual(Object.keys(blockOf(await runExport(["--stack", "x", "--non-default"], log, { caCertificate: emu.ca }))).sort(), [
            "acme-saml",
            "contoso-entra",
        ]);
    });

    it("reports per connection what it could not read, instead of skipping it", async () => {
        process.env.AUTH0_API_TOKEN = tokenWithScopes(emu, ["read:connections", "read:connections_options"]);
        const block = blockOf(await runExport(["--stack", "x"], log, { caCertificate: emu.ca }));
        assert.ok(block["acme-saml"], "still exported");
        assert.ok(
            logs.some((l) =>
                /^acme-saml \(con_\w+\): could not read the SCIM configuration \(403: Insufficient scope, expected any of: read:scim_config\)/.test(
                    l,
                ),
            ),
            logs.join("\n"),
        );
        process.env.AUTH0_API_TOKEN = tokenWithScopes(emu, ["read:connections"]);
        await runExport(["--stack", "x", "--strategy", "okta"], log, { caCertificate: emu.ca });
        assert.ok(logs.some((l) => l.includes("the token lacks read:connections_options")));
    });

    it("writes into the stack file, keeping every other key and comment", async () => {
        const dir = mkdtempSync(path.join(tmpdir(), "export-"));
        const file = path.join(dir, "Pulumi.dev.yaml");
        writeFileSync(
            file,
            `# team notes\nencryptionsalt: v1:abc\nconfig:\n  # our tenant\n  auth0:domain: ${emu.url}\n  auth0-connection-sync:connections:\n    stale: { profileSync: never_on_login }\n`,
        );
        await runExport(["--stack", "dev", "--write", "--stacks-dir", dir, "--strategy", "waad"], log, { caCertificate: emu.ca });
        const text = readFileSync(file, "utf8");
        assert.ok(text.startsWith(`# team notes\nencryptionsalt: v1:abc\nconfig:\n  # our tenant\n  auth0:domain: ${emu.url}\n`), text);
        // The entry outside the filter stays: merging never drops what was not exported.
        assert.deepEqual(Object.keys(blockOf(text)), ["stale", "contoso-entra"]);
    });

    it("rejects unknown arguments and a missing --stack", () => {
        assert.throws(() => parseArgs([]), /--stack <name> is required/);
        assert.throws(() => parseArgs(["--stack", "x", "--format", "json"]), /unknown argument --format/);
    });

    it("exports a tenant of 500 connections with one paged list and no 429 under a rate limit", async function () {
        this.timeout(60_000);
        const strategies = ["okta", "samlp", "waad", "google-apps"];
        for (let i = 0; i < 494; i++) {
            const id = `con_big${String(i).padStart(13, "0")}`;
            emu.state.connections[id] = {
                id,
                name: `big-${i}`,
                strategy: strategies[i % 4],
                options: { set_user_root_attributes: "on_first_login", x: i },
            } as never;
        }
        emu.setRateLimit({ rate: 50, burst: 50 });
        emu.clearJournal();
        const block = blockOf(await runExport(["--stack", "x"], log, { caCertificate: emu.ca }));
        emu.setRateLimit(undefined);
        assert.equal(Object.keys(block).length, 499);
        const calls = apiCalls(emu.journal);
        assert.equal(calls.filter((e) => e.path === "/api/v2/connections").length, 5, "one paged list: 5 pages of 100");
        assert.equal(calls.filter((e) => e.status === 429).length, 0);
        for (let i = 0; i < 494; i++) delete emu.state.connections[`con_big${String(i).padStart(13, "0")}`];
    });
});
