/**
 * `npm run bench:profile-program -- --size 500`: where the program's CPU goes while it registers
 * one ConnectionSync per connection. It runs a preview of a new stack (every resource registered,
 * nothing written) through the real engine with the program inline in this process, profiles this
 * process with the V8 inspector for exactly that preview, and prints self time by where the code
 * lives: ours (components/, program/, management-api/), the Pulumi SDK, gRPC and protobuf, zod,
 * Node itself, the garbage collector. `--out FILE` keeps the .cpuprofile for Chrome DevTools;
 * `--mapped-sdk-stacks` leaves out what index.ts sets up (program/sdk-stacks.ts), to see its effect.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { inlineStack, toolchainBin } from "../scripts/toolchain";
import { flagValue } from "../scripts/argv";
import { EmulatorProxy } from "./emulator-proxy";
import { shapeOf } from "./floors";
import { SET_UP_LIMIT } from "./measure";
import { declaredConnections } from "./seed";
import { declareConnectionSyncs } from "./through-engine";

/** A node of a V8 CPU profile, as much of it as this script reads. */
interface ProfileNode {
    readonly id: number;
    readonly callFrame: { readonly url: string; readonly functionName: string };
}

/** What `Profiler.stop` returns, as much of it as this script reads. */
export interface CpuProfile {
    readonly nodes: readonly ProfileNode[];
    readonly samples: readonly number[];
    readonly timeDeltas: readonly number[];
}

/** The categories self time is split into, first match wins. */
const CATEGORIES: ReadonlyArray<readonly [string, (url: string, fn: string) => boolean]> = [
    ["(garbage collector)", (_u, fn) => fn === "(garbage collector)"],
    ["(idle)", (_u, fn) => fn === "(idle)"],
    ["(program: V8 and native code)", (u, fn) => u === "" && fn === "(program)"],
    ["ours: components/", (u) => /\/components\//.test(u) && !/node_modules/.test(u)],
    ["ours: program/, management-api/", (u) => /\/(program|management-api)\//.test(u) && !/node_modules/.test(u)],
    ["zod", (u) => /node_modules\/zod\//.test(u)],
    ["@pulumi/pulumi: closure serialization", (u) => /node_modules\/@pulumi\/pulumi\/runtime\/closure\//.test(u)],
    ["@pulumi/pulumi: other", (u) => /node_modules\/@pulumi\/pulumi\//.test(u)],
    ["gRPC and protobuf", (u) => /node_modules\/(@grpc|google-protobuf|protobufjs)\//.test(u)],
    ["source maps (formatting the stacks the SDK records)", (u) => /source-map/.test(u)],
    ["TypeScript loader", (u) => /node_modules\/(typescript|ts-node)\//.test(u)],
    ["other node_modules", (u) => /node_modules\//.test(u)],
    ["Node.js internals", (u) => u.startsWith("node:") || !u.includes("/")],
    ["other", () => true],
];

/** Self time (ms) by category, largest first. */
export function selfTimeByCategory(profile: CpuProfile): Array<{ category: string; ms: number }> {
    const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
    const totals = new Map<string, number>();
    profile.samples.forEach((id, i) => {
        const frame = byNode.get(id)?.callFrame;
        const url = frame?.url ?? "";
        const fn = frame?.functionName ?? "";
        const category = CATEGORIES.find(([, test]) => test(url, fn))?.[0] ?? "other";
        totals.set(category, (totals.get(category) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
    });
    return [...totals.entries()].map(([category, ms]) => ({ category, ms })).sort((a, b) => b.ms - a.ms);
}

async function main(): Promise<void> {
    const argv = process.argv.slice(2);
    let size = 500;
    let out: string | undefined;
    let mappedSdkStacks = false;
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--size") size = Number(flagValue(argv, "--size", ++i));
        else if (argv[i] === "--out") out = flagValue(argv, "--out", ++i);
        else if (argv[i] === "--mapped-sdk-stacks") mappedSdkStacks = true;
        else throw new Error(`unknown flag ${argv[i]}: use --size N, --out FILE, --mapped-sdk-stacks`);
    }
    if (!Number.isInteger(size) || size < 1) throw new Error("--size needs a positive whole number");
    const bin = toolchainBin({ build: false });
    if (bin === undefined) throw new Error("no Pulumi engine: run `npm run toolchain` first");
    const emu = await EmulatorProxy.start(size, SET_UP_LIMIT);
    const declared = declaredConnections(size);
    const t = await inlineStack({
        bin,
        stackName: `profile-${size}`,
        // As index.ts sets up the project's program; --mapped-sdk-stacks measures without it.
        program: async () => declareConnectionSyncs(declared, { plainSdkStacks: !mappedSdkStacks }),
        config: emu.stackConfig(),
    });
    const session = new Session();
    session.connect();
    try {
        await session.post("Profiler.enable");
        await session.post("Profiler.setSamplingInterval", { interval: 500 });
        await session.post("Profiler.start");
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        await t.stack.preview({ color: "never" });
        const wallS = (performance.now() - t0) / 1000;
        const cpu = process.cpuUsage(cpu0);
        const { profile } = await session.post("Profiler.stop");
        if (out !== undefined) writeFileSync(path.resolve(out), JSON.stringify(profile));
        const rows = selfTimeByCategory(profile as CpuProfile);
        const total = rows.reduce((a, r) => a + r.ms, 0);
        console.log(
            `Preview of a new stack of N=${size} (${shapeOf(size).resources} settings): ${wallS.toFixed(1)} s wall, this process ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU`,
        );
        console.log("\n| where | self ms | share |\n| --- | --- | --- |");
        for (const r of rows) console.log(`| ${r.category} | ${r.ms.toFixed(0)} | ${((r.ms / total) * 100).toFixed(1)} % |`);
    } finally {
        session.disconnect();
        t.cleanup();
        await emu.close();
    }
}

if (require.main === module) {
    main().catch((err: unknown) => {
        console.error(err instanceof Error ? err.message : String(err));
        process.exit(1);
    });
}
