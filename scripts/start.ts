/**
 * `npm start`: the whole job on an embedded tenant, the way users run it. Starts the emulator with
 * the sample seed over HTTPS, runs `pulumi up` of the project directory on the `local` stack
 * (stacks/Pulumi.local.yaml), then a preview that must show no changes, prints per connection what
 * the tenant holds now and the requests it took, and stops the emulator. No Auth0 account and no
 * network needed. `npm start -- --verbose` shows the engine's own output as well.
 */
import { startEmulator } from "../emulator";
import { LOCAL_EMULATOR, runLocalStack } from "./start/run";
import { previewChangesOf } from "./start/summary";
import { toolchainBin } from "./toolchain";

/** Set by Ctrl-C: no new engine operation starts after it. */
let interrupted = false;

/**
 * Drops inherited PULUMI_* settings (a user's passphrase or passphrase file, backend, stack...)
 * and the user's AUTH0_* credentials (the program refuses a tenant other than the emulator's):
 * the local stack runs on exactly the environment the run sets.
 */
function forgetUserPulumiEnv(): void {
    for (const key of Object.keys(process.env)) {
        if (key.startsWith("PULUMI_")) delete process.env[key];
    }
    for (const key of ["AUTH0_DOMAIN", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET", "AUTH0_API_TOKEN"]) delete process.env[key];
}

async function main(): Promise<void> {
    const verbose = process.argv.slice(2).includes("--verbose");
    const bin = toolchainBin({ build: true });
    if (bin === undefined) throw new Error("no Pulumi CLI: scripts/pulumi-toolchain.sh printed no bin directory");
    forgetUserPulumiEnv();
    const emulator = await startEmulator(LOCAL_EMULATOR);
    console.log(`Auth0 emulator (sample tenant) at ${emulator.url}`);
    try {
        const summary = await runLocalStack({
            emulator,
            bin,
            verbose,
            write: (text) => process.stdout.write(text),
            keepState: process.env.KEEP_STATE === "1",
            interrupted: () => interrupted,
        });
        if (previewChangesOf(summary.previewChanges).length > 0) process.exitCode = 1;
    } finally {
        await emulator.close();
    }
}

// Ctrl-C reaches the CLI too, which cancels and exits; the run then fails and cleans up as usual.
// A second Ctrl-C quits at once.
process.once("SIGINT", () => {
    interrupted = true;
    process.exitCode = 130;
    process.once("SIGINT", () => process.exit(130));
});

main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = process.exitCode || 1;
});
