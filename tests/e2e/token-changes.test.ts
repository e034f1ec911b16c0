import * as assert from "node:assert/strict";
import { startEmulator, type RunningEmulator } from "../../emulator";
import * as cli from "../helpers/cli";
import { requireEngine, type TestStack } from "../helpers/pulumi";
import { rootProgramStack, setConnections } from "../helpers/root-stack";
import { SAMPLE, writes } from "../helpers/api";
import { rejection } from "../helpers/rejection";
import { issuedBehindOurBack, tokenIds } from "../helpers/scim-tokens";

const SCOPES = ["get:users", "post:users"];

describe("Token changes under the engine", function () {
    this.timeout(600_000);
    let bin: string;
    let emu: RunningEmulator;
    let t: TestStack | undefined;

    before(async function () {
        bin = requireEngine(this);
        emu = await startEmulator({ tls: true });
    });
    afterEach(() => {
        t?.cleanup();
        t = undefined;
    });
    after(async () => {
        await emu?.close();
    });

    it("renaming the one live token and adding another in one change is refused by the preview; two runs do it", async () => {
        emu.state.scimTokens[SAMPLE.okta] = [];
        t = await rootProgramStack(bin, emu, "token-rename", { "okta-workforce": { scim: { tokens: { a: { scopes: SCOPES } } } } });
        await cli.up(t);
        const [a] = (emu.state.scimTokens[SAMPLE.okta] ?? []).map((x) => x.token_id);

        const both = { a2: { scopes: SCOPES }, b: { scopes: SCOPES } };
        await setConnections(t, { "okta-workforce": { scim: { tokens: both } } });
        emu.clearJournal();
        const err = await rejection(cli.preview(t), "the preview to fail");
        assert.ok(err instanceof cli.CliError, "the preview fails");
        assert.match(
            err.stdout,
            new RegExp(`connection "${SAMPLE.okta}" cannot take this change in one run.*\\(${a}\\).*Do it in two runs`),
        );
        assert.deepEqual(writes(emu.journal), [], "nothing written");

        // Without a preview (`up --skip-preview`, as CI jobs run it) the change is refused whole as well.
        const upErr = await rejection(cli.up(t), "the up to fail");
        assert.ok(upErr instanceof cli.CliError, "the up fails");
        assert.match(upErr.stdout, /cannot take this change in one run/);
        assert.deepEqual(writes(emu.journal), [], "no token issued, none revoked");

        // The two runs the refusal asks for.
        await setConnections(t, { "okta-workforce": { scim: { tokens: { a2: { scopes: SCOPES } } } } });
        await cli.up(t);
        await setConnections(t, { "okta-workforce": { scim: { tokens: both } } });
        await cli.up(t);
        const live = (emu.state.scimTokens[SAMPLE.okta] ?? []).map((x) => x.token_id);
        assert.equal(live.length, 2, "a2 and b are live");
        assert.ok(!live.includes(a), "a is revoked");
    });

    it("replacing a token and adding another where someone else's token takes a slot is refused whole by an up without a preview, revoking nothing", async () => {
        emu.state.scimTokens[SAMPLE.okta] = [];
        t = await rootProgramStack(bin, emu, "token-replace-add", { "okta-workforce": { scim: { tokens: { k: { scopes: SCOPES } } } } });
        await cli.up(t);
        const theirs = await issuedBehindOurBack(emu, SAMPLE.okta, ["delete:users"]);
        const before = tokenIds(emu, SAMPLE.okta);

        // k's new scopes replace it (revoked first: two active); n needs a third slot. The engine starts
        // k's revocation as soon as it is checked, before it checks n.
        const tokens = { k: { scopes: ["get:users", "patch:users"] }, n: { scopes: ["get:users", "put:users"] } };
        await setConnections(t, { "okta-workforce": { scim: { tokens } } });
        emu.clearJournal();
        const err = await rejection(cli.up(t), "the up to fail");
        assert.ok(err instanceof cli.CliError, "the up fails");
        assert.match(err.stdout, /cannot take this change in one run/);
        assert.deepEqual(writes(emu.journal), [], "no token revoked or issued");
        assert.deepEqual(tokenIds(emu, SAMPLE.okta), before, "the identity provider keeps its token");
        assert.ok(before.includes(theirs));
    });

    it('moving tokens: [A, B] to names {"1": A, "2": B} previews and applies with nothing re-issued', async () => {
        emu.state.scimTokens[SAMPLE.okta] = [];
        const list = { "okta-workforce": { scim: { tokens: [{ scopes: SCOPES }, { scopes: SCOPES }] } } };
        t = await rootProgramStack(bin, emu, "token-changes", list);
        await cli.up(t);
        const before = (emu.state.scimTokens[SAMPLE.okta] ?? []).map((x) => x.token_id);
        assert.equal(before.length, 2, "the list issued two tokens");

        // "1" is the name the list gave its second token: an alias from "2" to it would name another resource.
        await setConnections(t, { "okta-workforce": { scim: { tokens: { "1": { scopes: SCOPES }, "2": { scopes: SCOPES } } } } });
        emu.clearJournal();
        const up = await cli.up(t);
        assert.deepEqual(Object.keys(up.changes), ["same"], `only unchanged resources: ${JSON.stringify(up.changes)}`);
        assert.deepEqual(writes(emu.journal), [], "no token issued or revoked");
        assert.deepEqual(
            (emu.state.scimTokens[SAMPLE.okta] ?? []).map((x) => x.token_id),
            before,
        );
    });
});
