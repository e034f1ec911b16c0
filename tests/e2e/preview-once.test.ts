import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { ConnectionSync, ProfileSync } from "../../components";
import { SAMPLE } from "../helpers/api";
import { createTestStack, requireEngine, type TestStack } from "../helpers/pulumi";
import { emulatorConfig, emulatorEnv } from "../helpers/root-stack";

/** ConnectionSync as earlier versions registered it: the component with its args recorded as inputs. */
class EarlierConnectionSync extends pulumi.ComponentResource {
    constructor(name: string, args: { connection: string; profileSync: "on_first_login" }) {
        super("auth0-connection-sync:index:ConnectionSync", name, args);
        new ProfileSync(`${name}-profile-sync`, { connectionId: args.connection, mode: args.profileSync }, { parent: this });
        this.registerOutputs({});
    }
}

describe("A pull request's preview", function () {
    this.timeout(180_000);
    let emu: RunningEmulator;
    let bin: string;
    const stacks: TestStack[] = [];

    /** An inline stack of okta's ConnectionSync, first deployed with `program`. */
    async function deployed(stackName: string, program: () => Promise<void>): Promise<TestStack> {
        const t = await createTestStack({ bin, stackName, extraEnv: emulatorEnv(emu), config: emulatorConfig(emu, {}), program });
        stacks.push(t);
        await t.stack.up({ color: "never" });
        return t;
    }

    before(async function () {
        bin = requireEngine(this);
        emu = await startEmulator({ tls: true, rateLimit: { rate: 16, burst: 50 } });
    });
    after(async () => {
        for (const s of stacks) s.cleanup();
        await emu?.close();
    });

    it("shows no change on a stack whose component recorded its args (earlier versions)", async () => {
        const t = await deployed("preview-once-earlier", async () => {
            new EarlierConnectionSync("okta", { connection: SAMPLE.okta, profileSync: "on_first_login" });
        });
        t.stack.workspace.program = async () => {
            new ConnectionSync("okta", { connection: SAMPLE.okta, profileSync: "on_first_login" });
        };
        const pre = await t.stack.preview({ color: "never", diff: true });
        assert.deepEqual(pre.changeSummary, { same: 3 }, pre.stdout);
        // The up that takes such a stack to the current version does what its preview said.
        const up = await t.stack.up({ color: "never" });
        assert.deepEqual(up.summary.resourceChanges, { same: 3 }, up.stdout);
    });

    it("counts a one-setting change as one update, shown once, on the resource that owns it", async () => {
        const t = await deployed("preview-once-current", async () => {
            new ConnectionSync("okta", { connection: SAMPLE.okta, profileSync: "on_first_login" });
        });
        t.stack.workspace.program = async () => {
            new ConnectionSync("okta", { connection: SAMPLE.okta, profileSync: "never_on_login" });
        };
        const pre = await t.stack.preview({ color: "never", diff: true });
        assert.deepEqual(pre.changeSummary, { same: 2, update: 1 }, pre.stdout);
        assert.equal(pre.stdout.match(/"on_first_login" => "never_on_login"/g)?.length, 1, pre.stdout);
        assert.doesNotMatch(pre.stdout, /auth0-connection-sync:index:ConnectionSync: \(update\)/);
    });
});
