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
    let t: TestStack;

    before(async function () {
        const bin = requireEngine(this);
        emu = await startEmulator({ tls: true, rateLimit: { rate: 16, burst: 50 } });
        t = await createTestStack({
            bin,
            stackName: "preview-once",
            extraEnv: emulatorEnv(emu),
            config: emulatorConfig(emu, {}),
            program: async () => {
                new EarlierConnectionSync("okta", { connection: SAMPLE.okta, profileSync: "on_first_login" });
            },
        });
        await t.stack.up({ color: "never" });
    });
    after(async () => {
        t?.cleanup();
        await emu?.close();
    });

    it("shows no change on a stack whose component recorded its args (earlier versions)", async () => {
        t.stack.workspace.program = async () => {
            new ConnectionSync("okta", { connection: SAMPLE.okta, profileSync: "on_first_login" });
        };
        const pre = await t.stack.preview({ color: "never", diff: true });
        assert.deepEqual(pre.changeSummary, { same: 3 }, pre.stdout);
        await t.stack.up({ color: "never" });
    });

    it("counts a one-setting change as one update, shown once, on the resource that owns it", async () => {
        t.stack.workspace.program = async () => {
            new ConnectionSync("okta", { connection: SAMPLE.okta, profileSync: "never_on_login" });
        };
        const pre = await t.stack.preview({ color: "never", diff: true });
        assert.deepEqual(pre.changeSummary, { same: 2, update: 1 }, pre.stdout);
        assert.equal(pre.stdout.match(/"on_first_login" => "never_on_login"/g)?.length, 1, pre.stdout);
        assert.doesNotMatch(pre.stdout, /auth0-connection-sync:index:ConnectionSync: \(update\)/);
    });
});
