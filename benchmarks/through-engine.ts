/**
 * Whole runs through the real engine (Automation API, inline program with one ConnectionSync per
 * connection). The providers then run in the engine's dynamic-provider process, so their CPU is
 * taken there: a copy of the toolchain's bin/ whose `pulumi-resource-pulumi-nodejs` preloads a
 * probe that writes `process.cpuUsage()` when the process ends.
 */
import {
    chmodSync,
    copyFileSync,
    linkSync,
    mkdirSync,
    mkdtempSync,
    readdirSync,
    readFileSync,
    readlinkSync,
    rmSync,
    writeFileSync,
} from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { ConnectionSync } from "../components/ConnectionSync";
import { plainSdkDebugStacks } from "../program/sdk-stacks";
import { inlineStack as createTestStack, REPO_ROOT, toolchainBin } from "../scripts/toolchain";

const pulumiBin = () => toolchainBin({ build: false });
import type { EmulatorProxy } from "./emulator-proxy";
import { asSetUp, changes, stateAtRest } from "./engine-stack";
import { readFloor, shapeOf, writeFloor } from "./floors";
import { countJournal, LIMITS, OPS, saveTimeline, SET_UP_LIMIT, type LimitName, type OpName, type OpResult } from "./measure";
import { CHANGED_MODE, declaredConnections, type DeclaredConnection } from "./seed";
import { checkTenant } from "./verify";

// Plain JS on purpose: loading ts-node into the provider process would add its own CPU to the measure.
const PROBE = `
const fs = require("fs");
const file = process.env.BENCH_CPU_FILE_DIR + "/" + process.pid + ".json";
const write = () => { const u = process.cpuUsage(); fs.writeFileSync(file, JSON.stringify({ us: u.user + u.system })); };
// A snapshot now and then, in case the engine kills the process before "exit" runs.
setInterval(write, 250).unref();
process.on("exit", write);
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => { write(); process.exit(0); });
`;

/** A bin/ with the real CLI and a probing dynamic-provider host, and the folder the probes write to. */
interface ProbeBin {
    readonly bin: string;
    readonly cpuDir: string;
    cleanup(): void;
}

function probeBin(realBin: string): ProbeBin {
    // Beside the test stacks in the repository's ignored .e2e/, not in /tmp: a run once lost its
    // CLI mid-operation when something swept /tmp.
    const parent = path.join(REPO_ROOT, ".e2e");
    mkdirSync(parent, { recursive: true });
    const root = mkdtempSync(path.join(parent, "bench-probe-"));
    const bin = path.join(root, "bin");
    const cpuDir = path.join(root, "cpu");
    mkdirSync(bin);
    mkdirSync(cpuDir);
    // A hard link, not a symlink: the CLI looks for bundled plugins beside its resolved executable.
    try {
        linkSync(path.join(realBin, "pulumi"), path.join(bin, "pulumi"));
    } catch {
        copyFileSync(path.join(realBin, "pulumi"), path.join(bin, "pulumi"));
        chmodSync(path.join(bin, "pulumi"), 0o755);
    }
    writeFileSync(path.join(root, "probe.js"), PROBE);
    const host = [
        "#!/usr/bin/env bash",
        "set -euo pipefail",
        `entry="$(node -e 'process.stdout.write(require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [process.cwd()] }))')"`,
        `export BENCH_CPU_FILE_DIR=${JSON.stringify(cpuDir)}`,
        `exec node -r ${JSON.stringify(path.join(root, "probe.js"))} "$entry" "$@"`,
        "",
    ].join("\n");
    writeFileSync(path.join(bin, "pulumi-resource-pulumi-nodejs"), host, { mode: 0o755 });
    return { bin, cpuDir, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

function takeCpu(dir: string): { us: number; processes: number } {
    let us = 0;
    const files = readdirSync(dir);
    for (const f of files) {
        us += (JSON.parse(readFileSync(path.join(dir, f), "utf8")) as { us: number }).us;
        rmSync(path.join(dir, f));
    }
    return { us, processes: files.length };
}

/**
 * Samples the CPU of the engine CLI (the `pulumi` started from `bin`) from /proc, since it is a
 * child of the Automation API and no probe can be preloaded into a Go binary. A 200 ms sampling
 * period loses at most the last period of a run.
 */
function cliCpuSampler(bin: string): { stop(): number } {
    const exe = path.join(bin, "pulumi");
    const last = new Map<number, number>();
    const sample = () => {
        for (const entry of readdirSync("/proc")) {
            if (!/^\d+$/.test(entry)) continue;
            try {
                if (readlinkSync(`/proc/${entry}/exe`) !== exe) continue;
                // Fields after the ")" of the command name: utime and stime are the 12th and 13th.
                const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
                const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
                last.set(Number(entry), Number(f[11]) + Number(f[12]));
            } catch {
                // The process ended between listing and reading.
            }
        }
    };
    const timer = setInterval(sample, 200);
    return {
        stop: () => {
            sample();
            clearInterval(timer);
            return ([...last.values()].reduce((a, b) => a + b, 0) / CLOCK_TICKS) * 1e6;
        },
    };
}

// USER_HZ, 100 on every Linux we run on; /proc/<pid>/stat counts CPU in these ticks.
const CLOCK_TICKS = 100;

/**
 * The benchmark's program: one ConnectionSync per connection, set up as index.ts sets up the
 * project's program (`plainSdkStacks: false` leaves out program/sdk-stacks.ts, to see its effect).
 */
export function declareConnectionSyncs(
    conns: readonly DeclaredConnection[],
    opts: { plainSdkStacks: boolean } = { plainSdkStacks: true },
): void {
    if (opts.plainSdkStacks) plainSdkDebugStacks();
    for (const c of conns) {
        new ConnectionSync(c.name, {
            connection: c.id,
            profileSync: c.mode,
            ...(c.scim ? { scim: c.scim } : {}),
            ...(c.directoryProvisioning ? { directoryProvisioning: c.directoryProvisioning } : {}),
        });
    }
}

/** Options of the engine runs. */
export interface EngineRunOptions {
    /** `--parallel` for the engine; undefined keeps the CLI's default. */
    readonly parallel?: number;
    /** Where to write each operation's journal as CSV; undefined: nowhere. */
    readonly timelineDir?: string;
    /** Run `create all` as set-up at SET_UP_LIMIT, and report no row for it. */
    readonly createAsSetUp?: boolean;
}

/** True when a Pulumi engine is available (never builds one). */
export function engineAvailable(): boolean {
    return pulumiBin() !== undefined;
}

/** Runs the five operations through the engine for one size and limit on a fresh tenant. */
export async function runEngine(
    emu: EmulatorProxy,
    size: number,
    limitName: LimitName,
    k: number,
    opts: EngineRunOptions = {},
): Promise<OpResult[]> {
    const realBin = pulumiBin();
    if (realBin === undefined) throw new Error("no Pulumi engine: run `npm run toolchain` first");
    const probe = probeBin(realBin);
    const shape = shapeOf(size);
    let declared = declaredConnections(size);
    const t = await createTestStack({
        bin: probe.bin,
        stackName: `bench-${size}-${limitName}`,
        program: async () => declareConnectionSyncs(declared),
        config: emu.stackConfig(),
    });
    const results: OpResult[] = [];
    try {
        for (const op of OPS) {
            if (op === "change") declared = declared.map((d, i) => (i < k ? { ...d, mode: CHANGED_MODE } : d));
            const setUp = op === "create" && opts.createAsSetUp === true;
            await emu.refill(setUp ? SET_UP_LIMIT : LIMITS[limitName]);
            await emu.clear();
            takeCpu(probe.cpuDir);
            let failures = 0;
            const samples: string[] = [];
            const onEvent = (e: EngineEvent) => {
                if (e.resOpFailedEvent) failures += 1;
                const d = e.diagnosticEvent;
                if (d?.severity === "error" && samples.length < 3) samples.push(d.message.trim().slice(0, 240));
            };
            const common = { color: "never" as const, onEvent, ...(opts.parallel ? { parallel: opts.parallel } : {}) };
            const cli = cliCpuSampler(probe.bin);
            const cpu0 = process.cpuUsage();
            const t0 = performance.now();
            let steps = "";
            try {
                steps = await (setUp ? asSetUp(t.stack, () => runOp(op, t.stack, common)) : runOp(op, t.stack, common));
            } catch (err) {
                failures = Math.max(failures, 1);
                samples.push(
                    `${op} failed: ${err instanceof Error ? err.message.split("\n").slice(-4).join(" ") : String(err)}`.slice(0, 400),
                );
            }
            const wallMs = performance.now() - t0;
            const cpu = process.cpuUsage(cpu0);
            const cliCpuUs = cli.stop();
            // The provider process writes its last figure as it exits, which may trail the CLI by a moment.
            await new Promise((r) => setTimeout(r, 300));
            const provider = takeCpu(probe.cpuDir);
            const journal = await emu.journal();
            if (opts.timelineDir !== undefined) saveTimeline(opts.timelineDir, `engine-${limitName}-N${size}-${op}`, journal);
            if (setUp) {
                if (failures > 0) throw new Error(`set-up create of N=${size} failed: ${samples.join("; ")}`);
                continue;
            }
            results.push({
                size,
                resources: shape.resources,
                limitName,
                mode: "engine",
                op,
                declared: "all",
                k,
                counts: countJournal(journal),
                readFloor: readFloor(op, shape, k),
                writeFloor: writeFloor(op, shape.createWrites, k),
                failures,
                failureSamples: samples,
                wallMs,
                providerCpuUs: provider.processes > 0 ? provider.us : undefined,
                programCpuUs: cpu.user + cpu.system,
                cliCpuUs,
                steps,
                state: stateAtRest(t.stateDir, t.stack.name, "auth0-connection-sync-e2e"),
                check: checkTenant(await emu.summary(), size, op === "change" || op === "refresh" ? k : 0),
            });
        }
    } finally {
        t.cleanup();
        probe.cleanup();
    }
    return results;
}

type StackOf = Awaited<ReturnType<typeof createTestStack>>["stack"];

type Common = { color: "never"; onEvent: (e: EngineEvent) => void; parallel?: number };

async function runOp(op: OpName, stack: StackOf, common: Common): Promise<string> {
    switch (op) {
        case "preview":
            return changes((await stack.preview(common)).changeSummary);
        case "refresh":
            return changes((await stack.refresh(common)).summary.resourceChanges);
        default:
            return changes((await stack.up(common)).summary.resourceChanges);
    }
}
