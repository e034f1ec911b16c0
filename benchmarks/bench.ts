/**
 * `npm run bench`: requests, wall time and CPU of the providers for N = 1, 10, 100, 500, 2000
 * connections on the emulator, under the free-tier and the enterprise rate limit, provider-direct
 * and through the real engine, plus profile sync alone at N=500. Prints the tables and writes
 * docs/benchmarks.md. Flags: see benchmarks/args.ts.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { parseBenchArgs, plan, type BenchArgs, type Combo } from "./args";
import { runDirect } from "./provider-direct";
import { EmulatorProxy } from "./emulator-proxy";
import { engineAvailable, runEngine } from "./through-engine";
import { runEngineFloor } from "./engine-floor";
import { LIMITS, type OpResult } from "./measure";
import { chartSvg } from "./chart";
import { detailsTable, floorsTable, keptFindings, markdown, resultsTable } from "./report";
import { comboKey, loadRun, saveCombo } from "./resume";
import { toolchainBin } from "../scripts/toolchain";

const pulumiBin = () => toolchainBin({ build: false });

const ROOT = path.resolve(__dirname, "..");

function environment(): string {
    const cpus = os.cpus();
    let engine = "no engine";
    const bin = pulumiBin();
    if (bin !== undefined) {
        try {
            engine = `Pulumi ${execFileSync(path.join(bin, "pulumi"), ["version"], { encoding: "utf8", env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" } }).trim()}`;
        } catch {
            engine = "Pulumi (version unknown)";
        }
    }
    return `${new Date().toISOString().slice(0, 10)}, ${cpus[0]?.model.trim() ?? "unknown CPU"} × ${cpus.length}, Node ${process.version}, ${engine}`;
}

/** The commit measured, and which product files differed from it: results belong to that code. */
function codeState(): string {
    try {
        const git = (...a: string[]) => execFileSync("git", a, { cwd: ROOT, encoding: "utf8" });
        // Not trimmed: porcelain lines start with a status column that may be a space.
        const dirty = git("status", "--porcelain", "--", "components", "emulator", "index.ts")
            .split("\n")
            .filter((l) => l !== "")
            .map((l) => l.slice(3));
        return `commit ${git("rev-parse", "--short", "HEAD").trim()}${dirty.length > 0 ? ` plus uncommitted changes to ${dirty.join(", ")}` : ""}`;
    } catch {
        return "unknown commit";
    }
}

async function measure(c: Combo, args: BenchArgs): Promise<OpResult[]> {
    const k = Math.min(args.k, c.size);
    const emu = await EmulatorProxy.start(c.size, LIMITS[c.limit]);
    try {
        const timelineDir = args.timelineDir === undefined ? undefined : path.resolve(args.timelineDir);
        if (c.mode === "direct") {
            return await runDirect(emu, c.size, c.limit, k, { timelineDir, declared: c.declared, createAsSetUp: c.createAsSetUp });
        }
        const rows = await runEngine(emu, c.size, c.limit, k, { parallel: args.parallel, timelineDir, createAsSetUp: c.createAsSetUp });
        return args.engineFloor ? withEngineFloor(rows, c, k, args) : rows;
    } finally {
        await emu.close();
    }
}

/** The engine rows with the same operations on the engine floor program, run right after them. */
async function withEngineFloor(rows: readonly OpResult[], c: Combo, k: number, args: BenchArgs): Promise<OpResult[]> {
    const bin = pulumiBin();
    if (bin === undefined) return [...rows];
    console.log(`(engine floor, N=${c.size})`);
    const floor = await runEngineFloor(bin, c.size, k, { parallel: args.parallel, createAsSetUp: c.createAsSetUp });
    return rows.map((r) => {
        const f = floor.find((o) => o.op === r.op);
        return f === undefined
            ? r
            : { ...r, engineFloor: { wallMs: f.wallMs, stateChars: f.stateChars, resources: f.resources, steps: f.steps } };
    });
}

async function main(): Promise<void> {
    const args = parseBenchArgs(process.argv.slice(2));
    const t0 = performance.now();
    const code = codeState();
    // The CLI inherits this process's environment through the Automation API.
    if (args.skipCheckpoints) process.env.PULUMI_SKIP_CHECKPOINTS = "true";
    if (args.parallelDiff) process.env.PULUMI_PARALLEL_DIFF = "true";
    console.log(`Measuring ${code}`);
    const { run, skipped } = plan(args, engineAvailable());
    if (skipped.length > 0) {
        console.log("Not measured (computed floors only):");
        for (const s of skipped) console.log(`  N=${s.size} ${s.limit} ${s.mode}${s.ops ? ` ${s.ops.join(",")}` : ""}: ${s.reason}`);
    }
    const rows: OpResult[] = [];
    let saved = loadRun(args.resume, code);
    let earlierSeconds = 0;
    for (const c of run) {
        const started = performance.now();
        console.log(`\n=== N=${c.size}${c.declared === "all" ? "" : ", profile sync only"}, ${c.limit}, ${c.mode} ===`);
        const kept = saved.combos[comboKey(c)];
        if (kept !== undefined) {
            rows.push(...kept.rows);
            earlierSeconds += kept.seconds;
            console.log(`(kept from ${args.resume})`);
            continue;
        }
        try {
            const got = await measure(c, args);
            rows.push(...got);
            console.log(resultsTable(got));
            saved = saveCombo(args.resume, saved, c, { rows: got, seconds: (performance.now() - started) / 1000 });
        } catch (err) {
            // One combination that cannot run (a failed set-up) must not cost the rest of the run.
            const reason = `failed: ${err instanceof Error ? err.message : String(err)}`.replace(/\s+/g, " ").slice(0, 300);
            console.error(reason);
            skipped.push({ ...c, reason });
            process.exitCode = 1;
        }
        console.log(`(${((performance.now() - started) / 1000).toFixed(0)} s)`);
    }
    const totalSeconds = (performance.now() - t0) / 1000 + earlierSeconds;
    console.log(`\n=== All results (${(totalSeconds / 60).toFixed(1)} min) ===\n`);
    console.log(resultsTable(rows));
    console.log(`\n${detailsTable(rows)}`);
    if (skipped.length > 0) console.log(`\n${floorsTable(skipped, args.k)}`);
    if (args.out !== undefined) {
        const file = path.resolve(ROOT, args.out);
        // The command that measures all of it again: --resume only says where the pieces were kept.
        const flags = process.argv.slice(2).filter((f, i, all) => !f.startsWith("--resume") && all[i - 1] !== "--resume");
        const command = ["npm run bench", ...(flags.length > 0 ? ["--", ...flags] : [])].join(" ");
        const chart = `${path.basename(file, ".md")}.svg`;
        writeFileSync(path.join(path.dirname(file), chart), chartSvg(rows, `${command}, ${environment()}; ${code}`));
        writeFileSync(
            file,
            markdown({
                command,
                environment: `${environment()}; ${code}`,
                totalSeconds,
                rows,
                skipped,
                k: args.k,
                findings: keptFindings(file),
                chart,
            }),
        );
        console.log(`\nWrote ${path.relative(ROOT, file)} and its chart ${chart}`);
    }
    const bad = rows.filter((r) => r.check !== "" || r.failures > 0);
    if (bad.length > 0) {
        console.error(`\n${bad.length} operation(s) failed or left the tenant in the wrong state; see the details table.`);
        process.exitCode = 1;
    }
}

main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
});
