import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { ConnectionSync } from "../../components";
import { emulatorConfig, emulatorEnv } from "../helpers/root-stack";
import { createTestStack, REPO_ROOT, requireEngine, stateFileText, type TestStack } from "../helpers/pulumi";
import { SAMPLE, writes } from "../helpers/api";

/**
 * What release 0.1.0 stored as each kind's provider (`__provider`, in inputs and outputs): a loader
 * with one forwarder per method. Taken from a real state file of that release; never regenerate it.
 */
const RELEASE_0_1_0: Record<string, string> = JSON.parse(
    readFileSync(path.join(REPO_ROOT, "tests/e2e/fixtures/stored-loaders-0.1.0.json"), "utf8"),
);
const KINDS = Object.keys(RELEASE_0_1_0);
const MODE_KEY = "set_user_root_attributes";

type Deployment = Awaited<ReturnType<TestStack["stack"]["exportStack"]>>;
interface StoredResource {
    type: string;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
}

/** The kind of a dynamic resource of ours (`pulumi-nodejs:dynamic/auth0-connection-sync:<Kind>`), else undefined. */
function kindOf(r: StoredResource): string | undefined {
    const kind = r.type.split(":").at(-1) ?? "";
    return r.type.startsWith("pulumi-nodejs:dynamic/auth0-connection-sync:") && KINDS.includes(kind) ? kind : undefined;
}

/** Writes the state back with release 0.1.0's stored provider in every dynamic resource of ours. */
async function asWrittenBy010(t: TestStack): Promise<number> {
    const dep: Deployment = await t.stack.exportStack();
    const resources = (dep.deployment as { resources: StoredResource[] }).resources;
    let replaced = 0;
    for (const r of resources) {
        const kind = kindOf(r);
        if (kind === undefined) continue;
        for (const part of [r.inputs, r.outputs]) {
            if (part?.__provider === undefined) continue;
            part.__provider = RELEASE_0_1_0[kind];
            replaced += 1;
        }
    }
    await t.stack.importStack(dep);
    return replaced;
}

/** Stored providers in the state file at rest, by whether they are release 0.1.0's. */
function storedProviders(t: TestStack): { release010: number; other: number } {
    const state = JSON.parse(stateFileText(t)) as { checkpoint: { latest: { resources?: StoredResource[] } } };
    const texts = new Set(Object.values(RELEASE_0_1_0));
    let release010 = 0;
    let other = 0;
    for (const r of state.checkpoint.latest.resources ?? []) {
        for (const stored of [r.inputs?.__provider, r.outputs?.__provider]) {
            if (typeof stored !== "string") continue;
            if (texts.has(stored)) release010 += 1;
            else other += 1;
        }
    }
    return { release010, other };
}

const MAPPING = [
    { auth0: "email", scim: "emails[primary eq true].value" },
    { auth0: "preferred_username", scim: "userName" },
];

function program(mode: "on_first_login" | "never_on_login") {
    return async () => {
        new ConnectionSync("okta-workforce", {
            connection: SAMPLE.okta,
            profileSync: { mode, onDelete: "restore" },
            scim: { mapping: MAPPING, tokens: [{ scopes: ["get:users", "post:users"] }] },
        });
        new ConnectionSync("google-workspace", {
            connection: SAMPLE.google,
            profileSync: { mode, onDelete: "restore" },
            directoryProvisioning: { synchronizeGroups: "all" },
        });
    };
}

describe("Upgrade from state written by release 0.1.0", function () {
    this.timeout(240_000);
    let emu: RunningEmulator;
    let t: TestStack;

    before(async function () {
        const bin = requireEngine(this);
        emu = await startEmulator({ tls: true, rateLimit: { rate: 16, burst: 50 } });
        t = await createTestStack({
            bin,
            extraEnv: emulatorEnv(emu),
            stackName: "upgrade-010",
            program: program("on_first_login"),
            config: emulatorConfig(emu, {}),
        });
    });
    after(async () => {
        t?.cleanup();
        await emu?.close();
    });

    it("state of all four kinds as 0.1.0 stored it: no change in preview, an update works, and destroy through the stored 0.1.0 loaders revokes and restores everything", async () => {
        const before = new Map([SAMPLE.okta, SAMPLE.google].map((id) => [id, emu.state.connections[id].options?.[MODE_KEY]]));
        await t.stack.up({ color: "never" });
        const tokenId = emu.state.scimTokens[SAMPLE.okta]?.[0]?.token_id;
        assert.ok(tokenId, "set-up: one SCIM token issued");
        // Two copies (inputs and outputs) of each of the five dynamic resources.
        assert.equal(await asWrittenBy010(t), 10, "set-up: every stored provider replaced");
        assert.deepEqual(storedProviders(t), { release010: 10, other: 0 }, "set-up: the state carries release 0.1.0's loaders");

        emu.clearJournal();
        const pre = await t.stack.preview({ color: "never" });
        assert.deepEqual(Object.keys(pre.changeSummary), ["same"], "current version: the preview shows no change");
        assert.deepEqual(writes(emu.journal), [], "current version: the preview writes nothing");

        t.stack.workspace.program = program("never_on_login");
        const up = await t.stack.up({ color: "never" });
        assert.equal(up.summary.resourceChanges?.update, 2, "current version: the two profile syncs are updated");
        for (const id of [SAMPLE.okta, SAMPLE.google]) {
            assert.equal(emu.state.connections[id].options![MODE_KEY], "never_on_login", `current version: ${id} has the new mode`);
        }
        assert.equal(emu.state.scimTokens[SAMPLE.okta]?.[0]?.token_id, tokenId, "current version: the token is kept");

        // Destroy runs what each resource's outputs store: make that 0.1.0's loader again.
        await asWrittenBy010(t);
        assert.equal(storedProviders(t).other, 0, "before destroy: only release 0.1.0's loaders are stored");
        await t.stack.destroy({ color: "never" });
        assert.deepEqual(emu.state.scimTokens[SAMPLE.okta] ?? [], [], "destroy: the token is revoked");
        assert.equal(emu.state.scimConfigurations[SAMPLE.okta], undefined, "destroy: the SCIM configuration is deleted");
        assert.equal(emu.state.directoryProvisionings[SAMPLE.google], undefined, "destroy: the directory provisioning is deleted");
        for (const [id, was] of before) {
            assert.equal(emu.state.connections[id].options?.[MODE_KEY], was, `destroy: ${id}'s mode is restored`);
        }
    });
});
