import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { type JournalEntry, type RunningEmulator, startEmulator } from "../../emulator";
import { LOCAL_EMULATOR, runLocalStack } from "../../scripts/start/run";
import { emulatorFetch } from "../helpers/api";
import { REPO_ROOT, requireEngine } from "../helpers/pulumi";
import { SAMPLE_TOKEN } from "../helpers/sample";

type Json = Record<string, unknown>;

interface DeclaredToken {
    scopes: string[];
}

interface Declared {
    profileSync?: unknown;
    scim?: { tokens?: Record<string, DeclaredToken> };
    directoryProvisioning?: { groups?: Array<{ id: string }> };
}

/** What stacks/Pulumi.local.yaml declares, read as a user reads it. */
function localStackConnections(): Record<string, Declared> {
    const doc = parse(readFileSync(path.join(REPO_ROOT, "stacks", "Pulumi.local.yaml"), "utf8")) as { config: Json };
    return doc.config["auth0-connection-sync:connections"] as Record<string, Declared>;
}

/** The block of one connection in the summary: its header line up to the blank line after it. */
function blockOf(printed: string, header: string): string {
    const start = printed.lastIndexOf(`\n${header}\n`);
    assert.ok(start >= 0, `the summary has no block "${header}":\n${printed}`);
    return printed.slice(start + 1, printed.indexOf("\n\n", start + 1));
}

function numbers(line: RegExp, text: string): number[] {
    const m = line.exec(text);
    assert.ok(m, `no line matching ${line} in:\n${text}`);
    return m.slice(1).map(Number);
}

// One real run of what `npm start` runs (engine, project directory, local stack, TLS emulator),
// in the mode a newcomer sees; everything below reads that run's output and the tenant after it.
describe("npm start", function () {
    this.timeout(600_000);
    let emu: RunningEmulator;
    let printed = "";
    let journal: JournalEntry[] = [];
    const processWarnings: string[] = [];

    /** A GET through the emulator's own API (not its state): the tenant as anyone would read it. */
    async function get<T = Json>(apiPath: string): Promise<T> {
        const res = await emulatorFetch(emu, apiPath, { headers: { authorization: `Bearer ${SAMPLE_TOKEN}` } });
        assert.equal(res.status, 200, apiPath);
        return (await res.json()) as T;
    }

    before(async function () {
        const bin = requireEngine(this);
        emu = await startEmulator(LOCAL_EMULATOR);
        const onWarning = (w: Error) => processWarnings.push(`${w.name}: ${w.message}`);
        process.on("warning", onWarning);
        try {
            await runLocalStack({ emulator: emu, bin, verbose: false, write: (text) => (printed += text) });
        } finally {
            process.off("warning", onWarning);
        }
        // Before the reads below, which the emulator journals too.
        journal = emu.journal.slice();
    });
    after(async () => {
        await emu?.close();
    });

    it("prints no warning", () => {
        assert.doesNotMatch(printed, /warn/i);
        assert.deepEqual(processWarnings, []);
    });

    it("ends with the clean preview, which wrote nothing", () => {
        const lines = printed.trimEnd().split("\n");
        assert.match(lines.at(-1)!, /^Preview after up: no changes \(\d+ requests?, 0 writes\)\.$/);
        const [, upWrites] = numbers(/^pulumi up took (\d+) requests? \((\d+) writes?/m, printed);
        assert.equal(upWrites, journal.filter((e) => e.method !== "GET" && e.path.startsWith("/api/v2/")).length);
    });

    it("shows, per declared connection, what the tenant holds now", async () => {
        const declared = localStackConnections();
        const { connections } = await get<{ connections: Json[] }>("/api/v2/connections?per_page=100&include_totals=true");
        for (const [name, decl] of Object.entries(declared)) {
            const conn = connections.find((c) => c.name === name)!;
            const id = String(conn.id);
            const block = blockOf(printed, `${name} (${String(conn.strategy)}, ${id})`);
            if (decl.profileSync !== undefined) {
                const mode = String((conn.options as Json).set_user_root_attributes);
                assert.match(block, new RegExp(`^  profile sync +${mode}, `, "m"), block);
            }
            if (decl.scim !== undefined) {
                const config = await get<{ mapping: unknown[]; user_id_attribute: string }>(`/api/v2/connections/${id}/scim-configuration`);
                assert.ok(block.includes(`${config.mapping.length} mapped attributes, user id from ${config.user_id_attribute}`), block);
                const live = await get<Array<{ scopes: string[]; valid_until?: string }>>(
                    `/api/v2/connections/${id}/scim-configuration/tokens`,
                );
                for (const [tokenName, token] of Object.entries(decl.scim.tokens ?? {})) {
                    // Each declared token has its own scopes: they tell which live token it is.
                    const same = live.filter((t) => [...t.scopes].sort().join() === [...token.scopes].sort().join());
                    assert.equal(same.length, 1, `${name}.${tokenName}`);
                    assert.ok(same[0].valid_until, `${name}.${tokenName} has an expiry`);
                    assert.ok(block.includes(`${tokenName}: expires ${same[0].valid_until!.slice(0, 10)}`), block);
                }
            }
            if (decl.directoryProvisioning !== undefined) {
                const dir = await get<{ synchronize_automatically: boolean; synchronize_groups: string }>(
                    `/api/v2/connections/${id}/directory-provisioning`,
                );
                const { groups } = await get<{ groups: Array<{ id: string }> }>(
                    `/api/v2/connections/${id}/directory-provisioning/synchronized-groups`,
                );
                assert.deepEqual(groups.map((g) => g.id).sort(), (decl.directoryProvisioning.groups ?? []).map((g) => g.id).sort());
                assert.equal(dir.synchronize_groups, "selected");
                const sync = dir.synchronize_automatically ? "automatic" : "on request";
                assert.match(block, new RegExp(`^  directory sync +${sync}, ${groups.length} selected groups$`, "m"), block);
            }
            // Every write of the run was `up`'s (the preview wrote nothing): this connection's are in the journal.
            const writes = journal.filter((e) => e.method !== "GET" && e.path.startsWith(`/api/v2/connections/${id}`)).length;
            const [, shown] = numbers(/^ {2}requests +(\d+) requests? \((\d+) writes?/m, block);
            assert.equal(shown, writes, block);
        }
    });

    it("accounts for every request the emulator saw", () => {
        const perConnection = [...printed.matchAll(/^ {2}requests +(\d+) requests?/gm)].map((m) => Number(m[1]));
        const [upTotal] = numbers(/^pulumi up took (\d+) requests?/m, printed);
        const [shared] = numbers(/, (\d+) of them for sign-in and listings\.$/m, printed);
        const [previewTotal] = numbers(/^Preview after up: no changes \((\d+) requests?/m, printed);
        assert.equal(
            perConnection.reduce((a, b) => a + b, 0),
            upTotal - shared,
        );
        assert.equal(upTotal + previewTotal, journal.length);
    });
});
