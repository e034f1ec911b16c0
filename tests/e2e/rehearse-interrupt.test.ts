import * as assert from "node:assert/strict";
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, watch, writeFileSync } from "node:fs";
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
import { parse, stringify } from "yaml";
import { type RunningEmulator, startEmulator } from "../../emulator";
import { descendants } from "../../scripts/rehearse/interrupt";
import { copyProject, offlineEngineEnv } from "../../scripts/toolchain";
import { REPO_ROOT, requireEngine } from "../helpers/pulumi";
import { SAMPLE_TOKEN } from "../helpers/sample";

// Its own stack name, so its run folders (.pulumi-state/rehearse-<stack>-*) are told from any other.
const STACK = "interrupted";
const STATE_ROOT = path.join(REPO_ROOT, ".pulumi-state");

/** This stack's run folders that exist now. */
function runDirs(): string[] {
    if (!existsSync(STATE_ROOT)) return [];
    return readdirSync(STATE_ROOT)
        .filter((n) => n.startsWith(`rehearse-${STACK}-`))
        .map((n) => path.join(STATE_ROOT, n));
}

/** Resolves with the first run folder not in `before` as soon as it appears; rejects if the run ends first. */
function runDirAppears(child: ChildProcess, before: readonly string[]): Promise<string> {
    return new Promise((resolve, reject) => {
        const watcher = watch(STATE_ROOT);
        const done = (err: Error | undefined, dir?: string) => {
            watcher.close();
            child.off("exit", onExit);
            if (dir !== undefined) resolve(dir);
            else reject(err);
        };
        const check = () => {
            const dir = runDirs().find((d) => !before.includes(d));
            if (dir !== undefined) done(undefined, dir);
        };
        const onExit = (code: number | null) => done(new Error(`the rehearsal ended (${code}) before its run folder appeared`));
        watcher.on("change", check);
        child.on("exit", onExit);
        check();
    });
}

/** Resolves once the child's output matches `pattern`; rejects if the run ends first. */
function outputMatches(child: ChildProcess, output: { text: string }, pattern: RegExp): Promise<void> {
    return new Promise((resolve, reject) => {
        const onData = () => {
            if (!pattern.test(output.text)) return;
            child.stdout?.off("data", onData);
            child.off("exit", onExit);
            resolve();
        };
        const onExit = (code: number | null) => reject(new Error(`the rehearsal ended (${code}) before ${pattern}:\n${output.text}`));
        child.stdout?.on("data", onData);
        child.on("exit", onExit);
        onData();
    });
}

/** True while `pid` is a live process (a zombie waiting for its parent counts as ended). */
function alive(pid: number): boolean {
    try {
        return !execFileSync("ps", ["-o", "stat=", "-p", String(pid)], { encoding: "utf8" })
            .trim()
            .startsWith("Z");
    } catch {
        return false;
    }
}

/** Every file under `dir` outside the project copy and the engine's home, with its text. */
function filesOf(dir: string): Array<{ file: string; text: string }> {
    if (!existsSync(dir)) return [];
    return readdirSync(dir, { recursive: true, encoding: "utf8" })
        .filter((rel) => !rel.startsWith("project") && !rel.startsWith("home"))
        .map((rel) => path.join(dir, rel))
        .filter((file) => existsSync(file) && statSync(file).isFile())
        .map((file) => ({ file, text: readFileSync(file, "utf8") }));
}

// A real stack (its state holds the SCIM token values its up issued) rehearsed by the CLI in a
// child process, which is then sent a signal at a known point of the run.
describe("npm run rehearse, interrupted", function () {
    this.timeout(300_000);
    let real: RunningEmulator;
    let dir: string;
    let env: Record<string, string>;

    before(async function () {
        const bin = requireEngine(this);
        real = await startEmulator();
        mkdirSync(path.join(REPO_ROOT, ".e2e"), { recursive: true });
        mkdirSync(STATE_ROOT, { recursive: true });
        dir = mkdtempSync(path.join(REPO_ROOT, ".e2e", "rehearse-interrupt-"));
        const workDir = path.join(dir, "project");
        copyProject(workDir);
        mkdirSync(path.join(dir, "backend"));
        mkdirSync(path.join(dir, "stacks"));
        const passphrase = "real-stack-passphrase";
        env = offlineEngineEnv({ bin, backendDir: path.join(dir, "backend"), home: path.join(dir, "home"), passphrase });
        // The local stack's connections only: its salt and credentials are another stack's.
        const local = parse(readFileSync(path.join(REPO_ROOT, "stacks", "Pulumi.local.yaml"), "utf8")) as {
            config: Record<string, unknown>;
        };
        const key = "auth0-connection-sync:connections";
        const stackFile = stringify({ config: { [key]: local.config[key] } });
        writeFileSync(path.join(workDir, "stacks", `Pulumi.${STACK}.yaml`), stackFile);
        writeFileSync(path.join(dir, "stacks", `Pulumi.${STACK}.yaml`), stackFile);
        const stack = await LocalWorkspace.createOrSelectStack(
            { stackName: STACK, workDir },
            {
                pulumiCommand: await PulumiCommand.get({ root: path.dirname(bin), skipVersionCheck: true }),
                envVars: { ...env, PULUMI_NODEJS_TRANSPILE_ONLY: "true" },
            },
        );
        await stack.setAllConfig({ "auth0:domain": { value: real.url }, "auth0:apiToken": { value: SAMPLE_TOKEN, secret: true } });
        await stack.up({ color: "never" });
    });

    // A failed test leaves its rehearsal running: it is stopped, and its folders go with the suite.
    const started: ChildProcess[] = [];
    afterEach(async () => {
        for (const child of started.splice(0)) {
            if (child.exitCode !== null || child.signalCode !== null) continue;
            const exited = once(child, "exit");
            child.kill("SIGKILL");
            await exited;
        }
    });

    after(async () => {
        for (const d of runDirs()) rmSync(d, { recursive: true, force: true });
        await real?.close();
        if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    });

    /** Starts the CLI as a user would (no npm in between, so the signal reaches it), reading the real stack. */
    function startRehearse(extraArgs: readonly string[] = []): { child: ChildProcess; output: { text: string } } {
        const args = [
            "-r",
            "ts-node/register/transpile-only",
            "scripts/rehearse.ts",
            "--stack",
            STACK,
            "--stacks-dir",
            path.join(dir, "stacks"),
        ];
        const child = spawn(process.execPath, [...args, ...extraArgs], {
            cwd: REPO_ROOT,
            env: { ...process.env, ...env, AUTH0_DOMAIN: real.url, AUTH0_API_TOKEN: SAMPLE_TOKEN },
            stdio: ["ignore", "pipe", "pipe"],
        });
        started.push(child);
        const output = { text: "" };
        child.stdout?.on("data", (d: Buffer) => {
            output.text += d.toString();
        });
        child.stderr?.on("data", (d: Buffer) => {
            output.text += d.toString();
        });
        return { child, output };
    }

    it("ends at SIGTERM while it reads the tenant, with exit code 143 and its run folder removed", async () => {
        const before = runDirs();
        const { child, output } = startRehearse();
        const exited = once(child, "exit");
        const runDir = await runDirAppears(child, before);
        child.kill("SIGTERM");
        const [code, signal] = await exited;
        assert.deepEqual({ code, signal }, { code: 143, signal: null }, output.text);
        assert.equal(existsSync(runDir), false, "the run folder survived SIGTERM");
        assert.doesNotMatch(output.text, /Preview after up/);
    });

    it("keeps no plaintext export once the state is imported, and Ctrl-C during the up stops the engine and removes the folder", async () => {
        const before = runDirs();
        const { child, output } = startRehearse(["--verbose"]);
        const exited = once(child, "exit");
        const runDirP = runDirAppears(child, before);
        // The up's first line: the state was imported before the up could start.
        await outputMatches(child, output, /Updating \(/);
        const runDir = await runDirP;
        const issued = Object.values(real.state.scimTokens).flatMap((ts) => ts.map((t) => t.token));
        assert.ok(issued.length > 0);
        assert.equal(existsSync(path.join(runDir, "state.json")), false, "the plaintext export is still in the run folder");
        for (const { file, text } of filesOf(runDir))
            for (const token of issued)
                assert.ok(!text.includes(token), `${path.relative(runDir, file)} holds a SCIM token value in plaintext`);
        const engine = descendants(child.pid ?? -1);
        assert.ok(engine.length > 0, "no engine process was running");
        child.kill("SIGINT");
        const [code, signal] = await exited;
        assert.deepEqual({ code, signal }, { code: 130, signal: null }, output.text);
        assert.equal(existsSync(runDir), false, "the run folder survived Ctrl-C");
        assert.deepEqual(engine.filter(alive), [], "engine processes outlived the rehearsal");
        assert.doesNotMatch(output.text, /Preview after up/);
    });
});
