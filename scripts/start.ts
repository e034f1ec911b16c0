/**
 * `npm start`: the whole job on an embedded tenant. Starts the emulator with the sample seed,
 * runs `pulumi up` of the root program on the `local` stack (file backend in .pulumi-state/),
 * prints what changed, then a preview that must show no changes, and stops the emulator.
 * No Auth0 account and no network needed.
 */
import { mkdirSync, rmSync } from "node:fs";
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { startEmulator } from "../emulator";
import { main } from "../index";
import { offlineEngineEnv, toolchainBin } from "./engine";

const ROOT = path.resolve(__dirname, "..");
const STACK = "local";

async function run(): Promise<void> {
    const bin = toolchainBin({ build: true })!;
    const emu = await startEmulator({ rateLimit: { rate: 16, burst: 50 } });
    console.log(`Auth0 emulator (sample tenant) at ${emu.url}`);
    // The emulator starts from the sample seed every time, so the local stack's state starts over too.
    const stateDir = path.join(ROOT, ".pulumi-state", STACK);
    rmSync(stateDir, { recursive: true, force: true });
    mkdirSync(stateDir, { recursive: true });
    const env = {
        AUTH0_DOMAIN: emu.url,
        AUTH0_CLIENT_ID: "local-client",
        AUTH0_CLIENT_SECRET: "local-secret",
    };
    Object.assign(process.env, env);
    try {
        const ws = await LocalWorkspace.create({
            workDir: ROOT,
            program: async () => main(),
            pulumiCommand: await PulumiCommand.get({ root: path.dirname(bin), skipVersionCheck: true }),
            envVars: {
                ...env,
                ...offlineEngineEnv({
                    bin,
                    backendDir: stateDir,
                    home: path.join(ROOT, ".pulumi-state", "home"),
                    passphrase: process.env.PULUMI_CONFIG_PASSPHRASE ?? "local",
                }),
            },
        });
        const stack = await Stack.createOrSelect(STACK, ws);
        console.log("\n=== pulumi up (stack local) ===");
        const up = await stack.up({ onOutput: (s) => process.stdout.write(s), color: "never" });
        console.log(`\nChanged: ${JSON.stringify(up.summary.resourceChanges)}`);
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
    }
}

run().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
});
