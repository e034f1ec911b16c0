/**
 * `npm run bench:profile-engine -- --size 200`: where the engine CLI's CPU goes when `up` creates
 * one ConnectionSync per connection, beside the engine floor's create (benchmarks/engine-floor.ts)
 * of the same size. Each runs with the CLI's own `--profiling`; `go tool pprof` splits the CPU into
 * writing the state after each step (JSON encoding, MD5, the .bak copy, the integrity check) and
 * the rest, and the state file each leaves is split by who put its characters there: the stored
 * provider, the other inputs and outputs, and the engine's own fields. The emulator answers at the
 * set-up rate (200/s), so the creates are bound by the engine, not the rate limit. `--keep DIR`
 * keeps the profiles (.cpu for `go tool pprof`, .trace for `go tool trace`: `--profiling` always
 * records an execution trace too, which costs CPU of its own, so the seconds are for setting ours
 * beside the floor, not for quoting alone); `--skip-checkpoints`
 * runs both creates with PULUMI_SKIP_CHECKPOINTS=true (the state written once, at the end), to see
 * what is left of each when the state is not rewritten after every step.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { flagValue } from "../scripts/argv";
import { inlineStack, REPO_ROOT, toolchainBin } from "../scripts/toolchain";
import { EmulatorProxy } from "./emulator-proxy";
import { floorProgram } from "./engine-floor";
import { stateText } from "./engine-stack";
import { type GoProfileTop, ledgerTotal, parsePprofTop, SAVE_FRAME, saveParts, stateLedger, type LedgerRow } from "./engine-profile";
import { SET_UP_LIMIT } from "./measure";
import { declaredConnections } from "./seed";
import { declareConnectionSyncs } from "./through-engine";

/** A bin/ whose `pulumi` runs the real CLI with `--profiling $BENCH_CLI_PROFILE` when that is set. */
function profilingBin(realBin: string, root: string): string {
    const bin = path.join(root, "bin");
    mkdirSync(bin, { recursive: true });
    const script = [
        "#!/usr/bin/env bash",
        `real=${JSON.stringify(path.join(realBin, "pulumi"))}`,
        'if [ -n "$BENCH_CLI_PROFILE" ]; then exec "$real" --profiling "$BENCH_CLI_PROFILE" "$@"; fi',
        'exec "$real" "$@"',
        "",
    ].join("\n");
    writeFileSync(path.join(bin, "pulumi"), script, { mode: 0o755 });
    for (const plugin of ["pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs"]) {
        symlinkSync(path.join(realBin, plugin), path.join(bin, plugin));
    }
    return bin;
}

/** `go tool pprof -top -cum` of a CPU profile, every frame listed (no node or edge dropped as too small). */
function pprofTop(file: string, ...flags: string[]): GoProfileTop {
    const args = ["tool", "pprof", "-top", "-cum", "-nodecount=1000000", "-nodefraction=0", "-edgefraction=0", ...flags, file];
    return parsePprofTop(execFileSync("go", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 256 << 20 }));
}

/** What one profiled create left: its wall time, the CLI's profile summary and the state's ledger. */
interface Profiled {
    readonly name: string;
    readonly wallS: number;
    readonly cpuS: number;
    readonly parts: Array<{ part: string; s: number }>;
    readonly ledger: LedgerRow[];
}

/** Runs `up` on a new stack of `program` with the CLI profiled into `prefix`, and reads what it left. */
async function profiledCreate(
    bin: string,
    name: string,
    prefix: string,
    program: () => Promise<void>,
    opts: { skipCheckpoints: boolean; config?: Record<string, { value: string; secret?: boolean }> },
): Promise<Profiled> {
    const t = await inlineStack({ bin, stackName: name, program, ...(opts.config ? { config: opts.config } : {}) });
    try {
        t.stack.workspace.envVars.BENCH_CLI_PROFILE = prefix;
        if (opts.skipCheckpoints) t.stack.workspace.envVars.PULUMI_SKIP_CHECKPOINTS = "true";
        const t0 = performance.now();
        await t.stack.up({ color: "never" });
        const wallS = (performance.now() - t0) / 1000;
        delete t.stack.workspace.envVars.BENCH_CLI_PROFILE;
        const dir = path.dirname(prefix);
        // The Automation API runs more commands around `up` (select, history): the up is the one
        // that took the most CPU.
        const files = readdirSync(dir).filter((f) => f.startsWith(`${path.basename(prefix)}.`) && f.endsWith(".cpu"));
        const profiles = files.map((f) => ({ file: path.join(dir, f), top: pprofTop(path.join(dir, f)) }));
        const up = profiles.reduce<(typeof profiles)[number] | undefined>(
            (a, b) => (a === undefined || b.top.totalS > a.top.totalS ? b : a),
            undefined,
        );
        if (up === undefined) throw new Error(`the CLI left no CPU profile of ${name}'s up in ${dir}`);
        const state = stateText(t.stateDir, name, "auth0-connection-sync-e2e");
        const parts = saveParts(up.top, pprofTop(up.file, `-focus=${SAVE_FRAME.replace(/[()*.]/g, "\\$&")}`));
        return { name, wallS, cpuS: up.top.totalS, parts, ledger: stateLedger(state) };
    } finally {
        t.cleanup();
    }
}

function report(size: number, skipCheckpoints: boolean, runs: readonly Profiled[]): string {
    const how = skipCheckpoints ? ", PULUMI_SKIP_CHECKPOINTS=true" : "";
    const lines = [
        `Engine create of N=${size} (emulator at ${SET_UP_LIMIT.rate} requests/s${how}), the CLI profiled with --profiling:`,
        "",
    ];
    const parts = runs[0]?.parts.map((p) => p.part) ?? [];
    lines.push(`| run | wall s | CLI CPU s | ${parts.join(" s | ")} s | state chars / resource |`);
    lines.push(`| --- | --- | --- | ${parts.map(() => "---").join(" | ")} | --- |`);
    for (const r of runs) {
        const all = ledgerTotal(r.ledger);
        const perResource = (all.storedProvider + all.inputs + all.outputs + all.engine) / Math.max(1, all.resources);
        const cells = r.parts.map((p) => `${p.s.toFixed(1)} (${((p.s / Math.max(r.cpuS, 1e-9)) * 100).toFixed(0)} %)`);
        lines.push(`| ${r.name} | ${r.wallS.toFixed(1)} | ${r.cpuS.toFixed(1)} | ${cells.join(" | ")} | ${perResource.toFixed(0)} |`);
    }
    lines.push("", "State at rest, characters per resource by who put them there:", "");
    lines.push("| run | kind | resources | stored provider | other inputs | other outputs | engine's fields | all |");
    lines.push("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for (const r of runs) {
        for (const row of [...r.ledger, ledgerTotal(r.ledger)]) {
            const per = (n: number) => (n / Math.max(1, row.resources)).toFixed(0);
            const all = row.storedProvider + row.inputs + row.outputs + row.engine;
            lines.push(
                `| ${r.name} | ${row.kind} | ${row.resources} | ${per(row.storedProvider)} | ${per(row.inputs)} | ${per(row.outputs)} | ${per(row.engine)} | ${per(all)} |`,
            );
        }
    }
    return lines.join("\n");
}

async function main(): Promise<void> {
    const argv = process.argv.slice(2);
    let size = 200;
    let keep: string | undefined;
    let skipCheckpoints = false;
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--size") size = Number(flagValue(argv, "--size", ++i));
        else if (argv[i] === "--keep") keep = flagValue(argv, "--keep", ++i);
        else if (argv[i] === "--skip-checkpoints") skipCheckpoints = true;
        else throw new Error(`unknown flag ${argv[i]}: use --size N, --keep DIR, --skip-checkpoints`);
    }
    if (!Number.isInteger(size) || size < 1) throw new Error("--size needs a positive whole number");
    const realBin = toolchainBin({ build: false });
    if (realBin === undefined) throw new Error("no Pulumi engine: run `npm run toolchain` first");
    try {
        execFileSync("go", ["version"], { stdio: "ignore" });
    } catch {
        throw new Error("`go` is not on PATH: the CLI's profiles are read with `go tool pprof`");
    }
    // Beside the test stacks in the repository's ignored .e2e/ (see through-engine.ts).
    mkdirSync(path.join(REPO_ROOT, ".e2e"), { recursive: true });
    const root = mkdtempSync(path.join(REPO_ROOT, ".e2e", "profile-engine-"));
    let emu: EmulatorProxy | undefined;
    try {
        emu = await EmulatorProxy.start(size, SET_UP_LIMIT);
        const bin = profilingBin(realBin, root);
        const declared = declaredConnections(size);
        const ours = await profiledCreate(bin, `ours-${size}`, path.join(root, "ours"), async () => declareConnectionSyncs(declared), {
            skipCheckpoints,
            config: emu.stackConfig(),
        });
        const floor = await profiledCreate(bin, `floor-${size}`, path.join(root, "floor"), floorProgram(declared), { skipCheckpoints });
        console.log(report(size, skipCheckpoints, [ours, floor]));
        if (keep !== undefined) {
            cpSync(root, path.resolve(keep), { recursive: true, filter: (f) => f !== path.join(root, "bin") });
            console.log(`\nProfiles kept in ${path.resolve(keep)}`);
        }
    } finally {
        await emu?.close();
        rmSync(root, { recursive: true, force: true });
    }
}

if (require.main === module) {
    main().catch((err: unknown) => {
        console.error(err instanceof Error ? err.message : String(err));
        process.exit(1);
    });
}
