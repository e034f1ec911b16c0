import * as assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { engineEnv, REPO_ROOT, requireEngine, runPulumi, type CliResult } from "../helpers/pulumi";
import { SAMPLE, writes } from "../helpers/api";
import { installDependencies, installedPackageDir, packPackage, probeInstalledEntry, PROBE_ENV, writeConsumerProject } from "./consumer";

const STACK = "consumer";

describe("The npm package in a consumer's own Pulumi project", function () {
    // npm pack (a build), an install from the npm cache, then one type-checked up (as the consumer's
    // own `pulumi up` runs it), and a preview and a destroy that need not check the same types again.
    this.timeout(600_000);
    let bin: string;
    let emu: RunningEmulator;
    let root: string;
    let project: string;
    let probe: string;
    let env: Record<string, string>;
    /** What the type-checked `up` in `before` wrote, and what the stack and the probe said after it. */
    let firstUp: { writes: string[]; mode: unknown; outputs: Record<string, unknown>; loaded: string[] };

    const pulumi = async (...args: string[]): Promise<CliResult> => {
        const typeCheck = args[0] === "up";
        const run = await runPulumi(bin, args, {
            cwd: project,
            env: { ...env, PULUMI_NODEJS_TRANSPILE_ONLY: typeCheck ? "false" : "true" },
        });
        assert.equal(run.code, 0, `pulumi ${args.join(" ")} failed:\n${run.stdout}\n${run.stderr}`);
        return run;
    };

    before(async function () {
        bin = requireEngine(this);
        // Outside the checkout, so nothing can be found by walking up to it.
        root = realpathSync(mkdtempSync(path.join(os.tmpdir(), "auth0-sync-consumer-")));
        project = path.join(root, "consumer");
        probe = path.join(root, "probe.txt");
        emu = await startEmulator({ tls: true });
        delete emu.state.connections[SAMPLE.okta].options!.set_user_root_attributes;
        const tarball = await packPackage(path.join(root, "pack"));
        writeConsumerProject(project, tarball);
        const how = await installDependencies(project);
        console.log(`      npm install: ${how}`);
        probeInstalledEntry(project);
        mkdirSync(path.join(root, "backend"));
        env = { ...engineEnv(bin, root), [PROBE_ENV]: probe, ...(emu.caFile ? { NODE_EXTRA_CA_CERTS: emu.caFile } : {}) };
        await pulumi("stack", "init", STACK);
        await pulumi("config", "set", "--stack", STACK, "connectionId", SAMPLE.okta);
        await pulumi("config", "set", "--stack", STACK, "auth0:domain", emu.url);
        await pulumi("config", "set", "--stack", STACK, "auth0:clientId", "local-client");
        await pulumi("config", "set", "--stack", STACK, "--secret", "auth0:clientSecret", "local-secret");
        emu.clearJournal();
        await pulumi("up", "--yes", "--stack", STACK);
        firstUp = {
            writes: writes(emu.journal).map((e) => `${e.method} ${e.path}`),
            mode: emu.state.connections[SAMPLE.okta].options!.set_user_root_attributes,
            outputs: JSON.parse((await pulumi("stack", "output", "--json", "--stack", STACK)).stdout) as Record<string, unknown>,
            loaded: readFileSync(probe, "utf8").split("\n").filter(Boolean),
        };
    });
    after(async () => {
        await emu?.close();
        if (root !== undefined && process.env.KEEP_E2E !== "1") rmSync(root, { recursive: true, force: true });
    });

    it("installs compiled JavaScript and type declarations, without the TypeScript sources", () => {
        const pkg = installedPackageDir(project);
        assert.ok(existsSync(path.join(pkg, "bin", "components", "index.js")));
        assert.ok(existsSync(path.join(pkg, "bin", "components", "index.d.ts")));
        assert.ok(existsSync(path.join(pkg, "bin", "components", "provider", "entry.js")));
        assert.ok(!existsSync(path.join(pkg, "components")), "no sources");
        assert.ok(!existsSync(path.join(pkg, "tests")), "no tests");
    });

    it("up writes the declared setting, with the providers loaded from the installed package", () => {
        assert.deepEqual(firstUp.writes, [`PATCH /api/v2/connections/${SAMPLE.okta}`]);
        assert.equal(firstUp.mode, "on_first_login");
        assert.deepEqual(firstUp.outputs, { connectionId: SAMPLE.okta, profileSyncMode: "on_first_login" });
        assert.ok(firstUp.loaded.length > 0, "the installed provider entry was loaded");
        const expected = realpathSync(path.join(installedPackageDir(project), "bin", "components", "provider", "entry.js"));
        for (const file of firstUp.loaded) {
            assert.equal(file, expected);
            assert.ok(!file.startsWith(REPO_ROOT), `${file} is in the checkout`);
        }
    });

    it("after that up, a preview shows no changes and writes nothing, and destroy removes its resources and restores the setting", async () => {
        emu.clearJournal();
        await pulumi("preview", "--expect-no-changes", "--stack", STACK);
        assert.deepEqual(writes(emu.journal), [], "the preview writes nothing");
        await pulumi("destroy", "--yes", "--stack", STACK);
        assert.equal("set_user_root_attributes" in emu.state.connections[SAMPLE.okta].options!, false, "restored to absent");
        const state = JSON.parse((await pulumi("stack", "export", "--stack", STACK)).stdout) as { deployment: { resources?: unknown[] } };
        assert.deepEqual(state.deployment.resources ?? [], []);
    });
});
