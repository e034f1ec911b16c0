/**
 * `npm run bench:failing-program`: how long `pulumi preview` of this project directory takes to
 * report a stack-config typo, against a valid config and against a program that only throws a
 * RunError (the SDK's own cost of a failed program, with none of our code loaded). Each case runs
 * `--runs` times (default 3), transpile-only and type-checked; the table gives the median and the
 * range of the whole CLI run. Uses the toolchain of `npm run toolchain` and an emulator on loopback.
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
import { startEmulator } from "../emulator";
import { copyProject, engineEnv, newStateDir, toolchainBin } from "../scripts/toolchain";

const RUNS = Number(process.argv.find((a) => a.startsWith("--runs="))?.slice(7) ?? 3);
const CONNECTIONS_KEY = "auth0-connection-sync:connections";
/** A program that fails at once with a RunError: what the SDK alone costs after a failure. */
const BARE_FAILURE =
    'import * as pulumi from "@pulumi/pulumi";\nexport = async () => {\n    throw new pulumi.RunError("bare failure");\n};\n';

interface Case {
    readonly label: string;
    readonly connections: unknown;
    /** Replaces the copy's index.ts. */
    readonly program?: string;
}

const CASES: readonly Case[] = [
    { label: "valid config", connections: { "okta-workforce": { profileSync: "on_first_login" } } },
    { label: "value typo (profileSync: sometimes)", connections: { "okta-workforce": { profileSync: "sometimes" } } },
    { label: "name typo (okta-workfroce)", connections: { "okta-workfroce": { profileSync: "on_first_login" } } },
    { label: "a program that only throws a RunError", connections: {}, program: BARE_FAILURE },
];

function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)];
}

/** One `pulumi preview`: its wall time in ms and exit code. */
function preview(bin: string, cwd: string, env: Record<string, string>): Promise<{ ms: number; code: number }> {
    const started = Date.now();
    return new Promise((resolve, reject) => {
        const child = spawn(path.join(bin, "pulumi"), ["preview", "--stack", "bench", "--non-interactive", "--color", "never"], {
            cwd,
            env: { ...process.env, ...env },
            stdio: "ignore",
        });
        child.on("error", reject);
        child.on("exit", (code) => resolve({ ms: Date.now() - started, code: code ?? -1 }));
    });
}

async function main(): Promise<void> {
    const bin = toolchainBin({ build: false });
    if (bin === undefined) throw new Error("no Pulumi toolchain: run npm run toolchain first");
    const emu = await startEmulator({ tls: true });
    const rows: string[] = [];
    try {
        for (const c of CASES) {
            const dirs = newStateDir("bench-failing");
            try {
                copyProject(dirs.workDir);
                if (c.program !== undefined) writeFileSync(path.join(dirs.workDir, "index.ts"), c.program);
                const env = { ...engineEnv(bin, dirs.stateDir), NODE_EXTRA_CA_CERTS: emu.caFile ?? "" };
                const pulumiCommand = await PulumiCommand.get({ root: path.dirname(bin), skipVersionCheck: true });
                const stack = await LocalWorkspace.createOrSelectStack(
                    { stackName: "bench", workDir: dirs.workDir },
                    { pulumiCommand, envVars: env },
                );
                await stack.setAllConfig({
                    "auth0:domain": { value: emu.url },
                    "auth0:clientId": { value: "local-client" },
                    "auth0:clientSecret": { value: "local-secret", secret: true },
                });
                // A map in the stack file, as Pulumi.yaml's `type: object` requires.
                const objects = { [CONNECTIONS_KEY]: { value: JSON.stringify(c.connections), objectValue: c.connections, secret: false } };
                await stack.setAllConfigJson(JSON.stringify(objects));
                for (const typeCheck of [false, true]) {
                    const times: number[] = [];
                    let code = 0;
                    for (let i = 0; i < RUNS; i++) {
                        const run = await preview(bin, dirs.workDir, {
                            ...env,
                            PULUMI_NODEJS_TRANSPILE_ONLY: typeCheck ? "false" : "true",
                        });
                        times.push(run.ms);
                        code = run.code;
                    }
                    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
                    const row = `| ${c.label} | ${typeCheck ? "type-checked" : "transpile-only"} | ${code} | ${s(median(times))} (${s(Math.min(...times))}–${s(Math.max(...times))}) |`;
                    console.log(row);
                    rows.push(row);
                }
            } finally {
                dirs.cleanup();
            }
        }
    } finally {
        await emu.close();
    }
    console.log(
        `\n${RUNS} runs each:\n| case | program load | exit | preview, median (range) |\n| --- | --- | --- | --- |\n${rows.join("\n")}`,
    );
}

main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
});
