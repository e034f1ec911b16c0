import * as assert from "node:assert/strict";
import { startEmulator, type JournalEntry, type RunningEmulator } from "../../emulator";
import { requireEngine, runPulumi, type TestStack } from "../helpers/pulumi";
import { rootProgramStack, saveTranscript, setConnections } from "../helpers/root-stack";
import { optionsOf, SAMPLE, writes } from "../helpers/api";
import * as cli from "../helpers/cli";

const GROUPS_PATH = `/api/v2/connections/${SAMPLE.google}/directory-provisioning/synchronized-groups`;
const TOKENS_PATH = (id: string) => `/api/v2/connections/${id}/scim-configuration/tokens`;
const MODE_KEY = "set_user_root_attributes";
const DAY_MS = 86_400_000;

/** The google-apps connection with a selection of groups. */
function selected(ids: readonly string[]): Record<string, unknown> {
    return { "google-workspace": { directoryProvisioning: { synchronizeGroups: "selected", groups: ids.map((id) => ({ id })) } } };
}

/** `METHOD path` of each write, in order, optionally only those under `prefix`. */
function writeLines(journal: readonly JournalEntry[], prefix = "/api/v2/"): string[] {
    return writes(journal)
        .filter((e) => e.path.startsWith(prefix))
        .map((e) => `${e.method} ${e.path}`);
}

/** Options without our one key, to compare everything we do not own. */
function withoutMode(options: Record<string, unknown>): Record<string, unknown> {
    const { [MODE_KEY]: _mode, ...rest } = options;
    return rest;
}

/** One issued token as the stack output shows it. */
interface TokenOutput {
    readonly id: string;
    readonly token: string;
    readonly validUntil?: string;
}

/** `pulumi stack output connections --json` of the CLI, as the IdP administrator runs it. */
async function connectionsOutput(bin: string, t: TestStack, showSecrets: boolean): Promise<{ text: string; value: unknown }> {
    const args = ["stack", "output", "connections", "--json", "--stack", t.stack.name, ...(showSecrets ? ["--show-secrets"] : [])];
    const out = await runPulumi(bin, args, { cwd: t.workDir, env: t.env });
    assert.equal(out.code, 0, out.stderr);
    return { text: out.stdout, value: JSON.parse(out.stdout) as unknown };
}

/** The highest number of active tokens the connection held while the journal's POSTs and DELETEs ran. */
function peakTokens(journal: readonly JournalEntry[], connectionId: string, activeBefore: number): number {
    let count = activeBefore;
    let peak = count;
    for (const e of writes(journal)) {
        if (!e.path.startsWith(TOKENS_PATH(connectionId)) || e.status >= 300) continue;
        count += e.method === "POST" ? 1 : e.method === "DELETE" ? -1 : 0;
        peak = Math.max(peak, count);
    }
    return peak;
}

describe("Complete settings through the real engine", function () {
    this.timeout(300_000);
    let bin: string;
    let emu: RunningEmulator;
    const stacks: TestStack[] = [];

    before(async function () {
        bin = requireEngine(this);
        emu = await startEmulator({ tls: true });
    });
    after(async () => {
        for (const s of stacks) s.cleanup();
        await emu?.close();
    });

    describe("Selected groups", () => {
        const BASELINE = ["g1", "g2"];
        let t: TestStack;
        let firstJournal: JournalEntry[];
        let firstGroups: string[];

        before(async () => {
            // The group API is the administrator's switch, not ours: the dashboard turned it on.
            emu.state.connections[SAMPLE.google].options!.api_enable_groups = true;
            t = await rootProgramStack(bin, emu, "groups", selected(BASELINE));
            stacks.push(t);
            emu.clearJournal();
            await cli.up(t);
            firstJournal = [...emu.journal];
            firstGroups = emu.state.synchronizedGroups[SAMPLE.google].map((g) => g.id);
        });

        /** Puts the declared and the live selection back to the baseline the other tests start from. */
        async function restoreBaseline(): Promise<void> {
            await setConnections(t, selected(BASELINE));
            await cli.up(t);
        }

        it("up writes the declared groups with one PUT", () => {
            assert.deepEqual(firstGroups, BASELINE);
            assert.deepEqual(writeLines(firstJournal, GROUPS_PATH), [`PUT ${GROUPS_PATH}`]);
        });

        it("previews a changed selection as an update naming the group ids, and up sends only the difference", async () => {
            await setConnections(t, selected(["g2", "g3"]));
            try {
                emu.clearJournal();
                const pre = await cli.preview(t, { diff: true });
                const text = pre.stdout;
                assert.equal(pre.changes.update, 1, text);
                assert.match(text, /~ pulumi-nodejs:dynamic\/auth0-connection-sync:DirectoryProvisioning: \(update\)/);
                // The engine diffs lists by position: g1 leaves [0], g3 arrives at [1].
                assert.match(text, /~ groups\s*: \[\s*~ \[0\]: \{\s*~ id: "g1" => "g2"\s*\}\s*~ \[1\]: \{\s*~ id: "g2" => "g3"/);
                assert.deepEqual(writes(emu.journal), []);
                saveTranscript("08-group-change-preview-diff", text);

                emu.clearJournal();
                await cli.up(t);
                const groupWrites = writes(emu.journal).filter((e) => e.path === GROUPS_PATH);
                assert.deepEqual(
                    groupWrites.map((e) => e.method),
                    ["POST", "DELETE"],
                );
                assert.deepEqual(groupWrites[0].body, { groups: [{ id: "g3" }] });
                assert.deepEqual(groupWrites[1].body, { groups: [{ id: "g1" }] });
                assert.deepEqual(
                    emu.state.synchronizedGroups[SAMPLE.google].map((g) => g.id),
                    ["g2", "g3"],
                );
            } finally {
                await restoreBaseline();
            }
        });

        it("shows a group added in the dashboard as live -> desired, and a no-op preview after up writes nothing", async () => {
            emu.state.synchronizedGroups[SAMPLE.google].push({ id: "g4", name: "Added by hand" });
            emu.clearJournal();
            const pre = await cli.preview(t, { refresh: true, diff: true });
            const text = pre.stdout;
            assert.equal(pre.changes.update, 1, text);
            assert.match(text, /DirectoryProvisioning: \(update\)/);
            assert.match(text, /-\s*\[2\]: \{\s*-\s*id\s*: "g4"/, text);
            assert.deepEqual(writes(emu.journal), []);

            emu.clearJournal();
            await cli.up(t);
            assert.deepEqual(writeLines(emu.journal), [`DELETE ${GROUPS_PATH}`]);
            assert.deepEqual(
                emu.state.synchronizedGroups[SAMPLE.google].map((g) => g.id),
                BASELINE,
            );

            emu.clearJournal();
            const quiet = await cli.preview(t);
            assert.deepEqual(Object.keys(quiet.changes), ["same"]);
            assert.deepEqual(writes(emu.journal), []);
        });
    });

    describe("The enterprise toggle", () => {
        it("on_each_login removes the key on samlp and waad and writes the literal on okta, touching nothing else", async () => {
            // The dashboard's toggle is off on all three: the key says on_first_login or never_on_login.
            emu.state.connections[SAMPLE.samlp].options![MODE_KEY] = "on_first_login";
            emu.state.connections[SAMPLE.okta].options![MODE_KEY] = "never_on_login";
            assert.equal(emu.state.connections[SAMPLE.waad].options![MODE_KEY], "on_first_login");
            const ids = [SAMPLE.samlp, SAMPLE.waad, SAMPLE.okta];
            const before = Object.fromEntries(ids.map((id) => [id, optionsOf(emu, id)]));
            const t = await rootProgramStack(bin, emu, "toggle", {
                "acme-saml": { profileSync: "on_each_login" },
                "contoso-entra": { profileSync: "on_each_login" },
                "okta-workforce": { profileSync: "on_each_login" },
            });
            stacks.push(t);
            emu.clearJournal();
            await cli.up(t);

            for (const id of [SAMPLE.samlp, SAMPLE.waad]) {
                assert.ok(!Object.hasOwn(emu.state.connections[id].options!, MODE_KEY), `${MODE_KEY} removed on ${id}`);
            }
            assert.equal(emu.state.connections[SAMPLE.okta].options![MODE_KEY], "on_each_login");
            for (const id of ids) assert.deepEqual(withoutMode(optionsOf(emu, id)), withoutMode(before[id]), `other options of ${id}`);
            const patches = writes(emu.journal);
            assert.deepEqual(patches.map((e) => e.method).sort(), ["PATCH", "PATCH", "PATCH"]);
            for (const e of patches) assert.deepEqual(Object.keys(e.body as object), ["options"]);

            // Absent satisfies on_each_login, and a live literal on_each_login is left alone.
            emu.state.connections[SAMPLE.waad].options![MODE_KEY] = "on_each_login";
            emu.clearJournal();
            const pre = await cli.preview(t);
            assert.deepEqual(Object.keys(pre.changes), ["same"]);
            assert.deepEqual(writes(emu.journal), []);
        });
    });

    describe("Named SCIM tokens", () => {
        const SCOPES = ["get:users", "post:users", "put:users", "patch:users"];
        let t: TestStack;

        before(async () => {
            // The seeded token is past its expiry: it still lists, but no longer counts against the two.
            for (const tok of emu.state.scimTokens[SAMPLE.samlp] ?? []) tok.valid_until = new Date(Date.now() - DAY_MS).toISOString();
            t = await rootProgramStack(bin, emu, "tokens", {
                "acme-saml": { scim: { tokens: { okta: { scopes: SCOPES, tokenLifetime: 7_776_000, rotateBeforeExpiry: "14d" } } } },
            });
            stacks.push(t);
            await cli.up(t);
        });

        /** Our token on the samlp connection as the emulator holds it. */
        function ours() {
            const live = (emu.state.scimTokens[SAMPLE.samlp] ?? []).filter((x) => x.scopes.join(" ") === SCOPES.join(" "));
            assert.equal(live.length, 1, JSON.stringify(live));
            return live[0];
        }

        it("up issues the token, shown by name with --show-secrets and as [secret] without", async () => {
            const tok = ours();
            assert.ok(tok.valid_until !== undefined && Date.parse(tok.valid_until) > Date.now() + 89 * DAY_MS);

            const shown = (await connectionsOutput(bin, t, true)).value as Record<string, { scimTokens: Record<string, TokenOutput> }>;
            assert.equal(shown["acme-saml"].scimTokens.okta.token, tok.token);
            assert.equal(shown["acme-saml"].scimTokens.okta.id, tok.token_id);

            const hidden = await connectionsOutput(bin, t, false);
            assert.ok(!hidden.text.includes(tok.token), "the token value is hidden without --show-secrets");
            assert.equal((hidden.value as Record<string, { scimTokens: unknown }>)["acme-saml"].scimTokens, "[secret]", hidden.text);
        });

        it("rotates a token near its expiry: the preview shows a replacement, up issues the new one before revoking the old", async () => {
            const old = ours();
            // 87 of its 90 days have passed (a token granted no more than the window is kept instead).
            old.created_at = new Date(Date.now() - 87 * DAY_MS).toISOString();
            old.valid_until = new Date(Date.now() + 3 * DAY_MS).toISOString();
            const pre = await cli.preview(t, { diff: true });
            const text = pre.stdout;
            assert.equal(pre.changes.replace, 1, text);
            assert.match(text, /\+-\s*pulumi-nodejs:dynamic\/auth0-connection-sync:ScimToken: \(replace\)/, text);
            saveTranscript("09-token-rotation-preview-diff", text);

            emu.clearJournal();
            await cli.up(t);
            assert.deepEqual(writeLines(emu.journal, TOKENS_PATH(SAMPLE.samlp)), [
                `POST ${TOKENS_PATH(SAMPLE.samlp)}`,
                `DELETE ${TOKENS_PATH(SAMPLE.samlp)}/${old.token_id}`,
            ]);
            assert.ok(peakTokens(emu.journal, SAMPLE.samlp, 1) <= 2, "never more than two active tokens");
            assert.ok(!emu.journal.some((e) => e.status === 409));
            const renewed = ours();
            assert.notEqual(renewed.token_id, old.token_id);
            const shown = (await connectionsOutput(bin, t, true)).value as Record<string, { scimTokens: Record<string, TokenOutput> }>;
            assert.equal(shown["acme-saml"].scimTokens.okta.token, renewed.token);
        });

        it("replaces sibling tokens within the two-token limit, adding one while replacing another and then both at once", async () => {
            const CONN = SAMPLE.waad;
            const active = () =>
                (emu.state.scimTokens[CONN] ?? []).filter((x) => x.valid_until === undefined || Date.parse(x.valid_until) > Date.now());
            const w = await rootProgramStack(bin, emu, "token-siblings", {
                "contoso-entra": { scim: { tokens: { idp: { scopes: ["get:users"] } } } },
            });
            stacks.push(w);
            await cli.up(w);
            assert.equal(active().length, 1);

            const steps: Array<Record<string, { scopes: string[] }>> = [
                // New scopes for idp while backup is added: idp must be revoked first, or backup would be a third.
                { idp: { scopes: ["get:users", "post:users"] }, backup: { scopes: ["get:users", "patch:users"] } },
                // Both replaced at once on a connection holding two.
                { idp: { scopes: ["get:users", "put:users"] }, backup: { scopes: ["get:users", "delete:users"] } },
            ];
            for (const tokens of steps) {
                await setConnections(w, { "contoso-entra": { scim: { tokens } } });
                const before = active().length;
                emu.clearJournal();
                await cli.up(w);
                assert.ok(peakTokens(emu.journal, CONN, before) <= 2, "never more than two active tokens");
                assert.deepEqual(
                    active()
                        .map((x) => x.scopes.join(" "))
                        .sort(),
                    Object.values(tokens)
                        .map((x) => x.scopes.join(" "))
                        .sort(),
                );
            }
            emu.clearJournal();
            await cli.up(w);
            assert.deepEqual(writeLines(emu.journal), [], "a second run writes nothing");
        });

        it("moving tokens from a list to names re-issues nothing", async () => {
            const r = await rootProgramStack(bin, emu, "token-names", {
                "okta-workforce": { scim: { tokens: [{ scopes: ["get:users"] }] } },
            });
            stacks.push(r);
            await cli.up(r);
            const issued = (emu.state.scimTokens[SAMPLE.okta] ?? []).map((x) => x.token_id);
            assert.equal(issued.length, 1);

            await setConnections(r, { "okta-workforce": { scim: { tokens: { idp: { scopes: ["get:users"] } } } } });
            // One up with --diff stands for the preview: its summary and display are the steps a preview plans.
            emu.clearJournal();
            const moved = await cli.up(r, { diff: true });
            for (const op of ["create", "delete", "replace", "create-replacement", "delete-replaced"] as const) {
                assert.equal(moved.changes[op], undefined, `${op} in:\n${moved.stdout}`);
            }
            assert.doesNotMatch(moved.stdout, /ScimToken: \((replace|create|delete)/);
            assert.deepEqual(writeLines(emu.journal, TOKENS_PATH(SAMPLE.okta)), []);
            assert.deepEqual(
                (emu.state.scimTokens[SAMPLE.okta] ?? []).map((x) => x.token_id),
                issued,
            );
            const shown = (await connectionsOutput(bin, r, true)).value as Record<string, { scimTokens: Record<string, TokenOutput> }>;
            assert.deepEqual(Object.keys(shown["okta-workforce"].scimTokens), ["idp"]);
            assert.equal(shown["okta-workforce"].scimTokens.idp.id, issued[0]);
        });
    });
});
