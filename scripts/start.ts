/**
 * `npm start`: the whole job on an embedded tenant, the way users run it. Starts the emulator with
 * the sample seed, runs `pulumi up` of the project directory on the `local` stack
 * (stacks/Pulumi.local.yaml), prints what changed, then a preview that must show no changes, and
 * stops the emulator. No Auth0 account and no network needed.
 *
 * Each run works in its own throwaway folder under .pulumi-state/ (a copy of the project, see
 * copyProject, plus a file backend and PULUMI_HOME), deleted at the end: concurrent runs never
 * share state, and nothing is written into the checkout's stacks/.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
import { startEmulator } from "../emulator";
import { copyProject, offlineEngineEnv, toolchainBin } from "./toolchain";

const ROOT = path.resolve(__dirname, "..");
const STACK = "local";
/** The passphrase stacks/Pulumi.local.yaml's encryptionsalt was made with (never a user's own). */
const LOCAL_PASSPHRASE = "local";

/** The sample tenant's machine-to-machine client (emulator/seeds/sample.json). */
const LOCAL_CLIENT = { id: "local-client", secret: "local-secret" };

/**
 * Drops inherited PULUMI_* settings (a user's passphrase or passphrase file, backend, stack...)
 * and the user's AUTH0_* credentials (the program would refuse a tenant other than the
 * emulator's): the local stack runs on exactly the environment set below.
 */
function forgetUserPulumiEnv(): void {
    for (const key of Object.keys(process.env)) {
        if (key.startsWith("PULUMI_")) delete process.env[key];
    }
    for (const key of ["AUTH0_DOMAIN", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET", "AUTH0_API_TOKEN"]) delete process.env[key];
}

/** Set by Ctrl-C: no new engine operation starts after it. */
let interrupted = false;

function stopIfInterrupted(): void {
    if (interrupted) throw new Error("interrupted");
}

async function run(): Promise<void> {
    const bin = toolchainBin({ build: true })!;
    forgetUserPulumiEnv();
    const stateRoot = path.join(ROOT, ".pulumi-state");
    mkdirSync(stateRoot, { recursive: true });
    const runDir = mkdtempSync(path.join(stateRoot, `${STACK}-`));
    // HTTPS with a CA made at start-up, as a real tenant is reached; the CLI's processes trust it.
    const emu = await startEmulator({ rateLimit: { rate: 16, burst: 50 }, tls: true });
    console.log(`Auth0 emulator (sample tenant) at ${emu.url}`);
    try {
        const workDir = path.join(runDir, "project");
        copyProject(workDir, { stackFiles: [`Pulumi.${STACK}.yaml`] });
        mkdirSync(path.join(runDir, "backend"));
        const stack = await LocalWorkspace.createOrSelectStack(
            { stackName: STACK, workDir },
            {
                pulumiCommand: await PulumiCommand.get({ root: path.dirname(bin), skipVersionCheck: true }),
                envVars: {
                    ...offlineEngineEnv({
                        bin,
                        backendDir: path.join(runDir, "backend"),
                        home: path.join(runDir, "home"),
                        passphrase: LOCAL_PASSPHRASE,
                    }),
                    ...(emu.caFile !== undefined ? { NODE_EXTRA_CA_CERTS: emu.caFile } : {}),
                },
            },
        );
        // Into the run's copy of Pulumi.local.yaml only: the checkout's file never holds a credential.
        await stack.setAllConfig({
            "auth0:domain": { value: emu.url },
            "auth0:clientId": { value: LOCAL_CLIENT.id },
            "auth0:clientSecret": { value: LOCAL_CLIENT.secret, secret: true },
        });
        stopIfInterrupted();
        console.log(`\n=== pulumi up (stack ${STACK}) ===`);
        const up = await stack.up({ onOutput: (s) => process.stdout.write(s), color: "never" });
        console.log(`\nChanged: ${JSON.stringify(up.summary.resourceChanges)}`);
        stopIfInterrupted();
        console.log("\n=== pulumi preview (must show no changes) ===");
        const pre = await stack.preview({ onOutput: (s) => process.stdout.write(s), color: "never" });
        const changes = Object.entries(pre.changeSummary).filter(([op]) => op !== "same");
        const writes = emu.journal.filter((e) => e.method !== "GET" && e.path.startsWith("/api/v2"));
        console.log(`\nPreview after up: ${changes.length === 0 ? "no changes" : JSON.stringify(pre.changeSummary)}`);
        console.log(
            `Emulator saw ${emu.journal.length} requests, ${writes.length} of them writes, ${emu.journal.filter((e) => e.status === 429).length} answered 429.`,
        );
        if (changes.length > 0) process.exitCode = 1;
    } finally {
        await emu.close();
        // KEEP_STATE=1 keeps the run's folder for a post-mortem.
        if (process.env.KEEP_STATE === "1") console.log(`State kept in ${runDir}`);
        else rmSync(runDir, { recursive: true, force: true });
    }
}

// Ctrl-C reaches the CLI too, which cancels and exits; the run then fails and cleans up as usual.
// A second Ctrl-C quits at once.
process.once("SIGINT", () => {
    interrupted = true;
    process.exitCode = 130;
    process.once("SIGINT", () => process.exit(130));
});

run().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = process.exitCode || 1;
});
