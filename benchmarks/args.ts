/**
 * Command-line flags of `npm run bench`. The defaults are chosen to finish in about 25 minutes on
 * two cores: the free tier (2 requests/s) makes a big tenant take many minutes per operation, so
 * it is measured only up to `--free-max` (and through the engine up to `--free-engine-max`), engine
 * runs only up to `--engine-max`, and above `--create-max` the create is set-up at 200 requests/s.
 */
import type { LimitName, OpName } from "./measure";
import type { Declared } from "./seed";

/** Parsed flags. */
export interface BenchArgs {
    readonly sizes: number[];
    readonly limits: LimitName[];
    readonly direct: boolean;
    readonly engine: boolean;
    readonly k: number;
    /** Largest N measured under the free tier. */
    readonly freeMax: number;
    /** Largest N measured under the free tier through the engine. */
    readonly freeEngineMax: number;
    /** Largest N measured through the engine. */
    readonly engineMax: number;
    /** Largest N whose `create all` is measured; above it the create runs as set-up at 200 requests/s. */
    readonly createMax: number;
    /** Sizes also measured with profile sync alone declared (enterprise, direct). */
    readonly profileSyncSizes: number[];
    /** Engine runs with PULUMI_PARALLEL_DIFF=true (the engine diffs concurrently). */
    readonly parallelDiff: boolean;
    /** Engine `--parallel`; undefined keeps the CLI default. */
    readonly parallel?: number;
    /** Engine runs with PULUMI_SKIP_CHECKPOINTS=true (no state file written after each step). */
    readonly skipCheckpoints: boolean;
    /** Each engine run is followed by the engine floor program of the same shape (engine-floor.ts). */
    readonly engineFloor: boolean;
    /** Folder for per-operation request timelines (CSV); undefined: none. */
    readonly timelineDir?: string;
    /** Markdown report path; undefined: do not write one. */
    readonly out?: string;
    /** File that keeps each measured combination, so a run that dies can be resumed; undefined: none. */
    readonly resume?: string;
}

/** Usage text for --help and errors. */
export const USAGE = `npm run bench -- [flags]
  --sizes 1,10,100,500,2000   connection counts (default 1,10,100,500,2000)
  --limits free,enterprise    rate limits: free {rate 2, burst 2}, enterprise {rate 16, burst 50}
  --direct / --no-direct      provider-direct runs (default on)
  --engine / --no-engine      runs through the real engine (default on when an engine is installed)
  --k 5                       connections whose mode "up, k changed" changes (default 5)
  --free-max 100              largest N measured under the free tier (default 100)
  --free-engine-max 10        largest N measured under the free tier through the engine (default 10)
  --engine-max 100            largest N measured through the engine (default 100)
  --create-max 500            largest N whose create is measured; above, it runs as set-up at 200 requests/s (default 500)
  --profile-sync-sizes 500    also measure these N with profile sync alone declared, enterprise, direct (default 500; "" for none)
  --parallel <n>              engine --parallel (default: the CLI's own)
  --parallel-diff             engine runs with PULUMI_PARALLEL_DIFF=true (default off: the engine diffs one resource at a time)
  --skip-checkpoints          engine runs with PULUMI_SKIP_CHECKPOINTS=true (default off)
  --no-engine-floor           skip the engine floor program (same components and children, a do-nothing provider) after each engine run
  --timeline <dir>            write each operation's requests (time, method, route, status) as CSV
  --out <file>                report path (default docs/benchmarks.md); --no-write for none
  --resume <file>             keep each measured combination in <file> and skip those already there (a run that died goes on)`;

function positiveInt(flag: string, raw: string | undefined): number {
    const n = Number(raw);
    if (raw === undefined || !Number.isInteger(n) || n < 1)
        throw new Error(`${flag} needs a positive whole number (got ${raw ?? "nothing"})\n${USAGE}`);
    return n;
}

/** Parses argv (without node and the script). */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
    let sizes = [1, 10, 100, 500, 2000];
    let limits: LimitName[] = ["free", "enterprise"];
    let direct = true;
    let engine = true;
    let k = 5;
    let freeMax = 100;
    let freeEngineMax = 10;
    let engineMax = 100;
    let createMax = 500;
    let profileSyncSizes = [500];
    let parallelDiff = false;
    let parallel: number | undefined;
    let skipCheckpoints = false;
    let engineFloor = true;
    let timelineDir: string | undefined;
    let out: string | undefined = "docs/benchmarks.md";
    let resume: string | undefined;
    for (let i = 0; i < argv.length; i++) {
        const [flag, inline] = argv[i].includes("=")
            ? [argv[i].slice(0, argv[i].indexOf("=")), argv[i].slice(argv[i].indexOf("=") + 1)]
            : [argv[i], undefined];
        const value = () => inline ?? argv[++i];
        switch (flag) {
            case "--sizes":
                sizes = (value() ?? "").split(",").map((s) => positiveInt("--sizes", s.trim()));
                break;
            case "--limits": {
                const names = (value() ?? "").split(",").map((s) => s.trim());
                const bad = names.filter((n) => n !== "free" && n !== "enterprise");
                if (bad.length > 0 || names.length === 0)
                    throw new Error(`--limits takes free and/or enterprise (got ${bad.join(",")})\n${USAGE}`);
                limits = names as LimitName[];
                break;
            }
            case "--direct":
            case "--no-direct":
                direct = flag === "--direct";
                break;
            case "--engine":
            case "--no-engine":
                engine = flag === "--engine";
                break;
            case "--k":
                k = positiveInt("--k", value());
                break;
            case "--free-max":
                freeMax = positiveInt("--free-max", value());
                break;
            case "--free-engine-max":
                freeEngineMax = positiveInt("--free-engine-max", value());
                break;
            case "--engine-max":
                engineMax = positiveInt("--engine-max", value());
                break;
            case "--create-max":
                createMax = positiveInt("--create-max", value());
                break;
            case "--profile-sync-sizes": {
                const raw = (value() ?? "").trim();
                profileSyncSizes = raw === "" ? [] : raw.split(",").map((s) => positiveInt("--profile-sync-sizes", s.trim()));
                break;
            }
            case "--parallel-diff":
                parallelDiff = true;
                break;
            case "--parallel":
                parallel = positiveInt("--parallel", value());
                break;
            case "--skip-checkpoints":
                skipCheckpoints = true;
                break;
            case "--engine-floor":
            case "--no-engine-floor":
                engineFloor = flag === "--engine-floor";
                break;
            case "--timeline":
                timelineDir = value();
                break;
            case "--out":
                out = value();
                break;
            case "--no-write":
                out = undefined;
                break;
            case "--resume":
                resume = value();
                break;
            case "--help":
            case "-h":
                throw new Error(USAGE);
            default:
                throw new Error(`unknown flag ${flag}\n${USAGE}`);
        }
    }
    return {
        sizes: [...new Set(sizes)].sort((a, b) => a - b),
        limits,
        direct,
        engine,
        k,
        freeMax,
        freeEngineMax,
        engineMax,
        createMax,
        profileSyncSizes: [...new Set(profileSyncSizes)].sort((a, b) => a - b),
        parallelDiff,
        parallel,
        skipCheckpoints,
        engineFloor,
        timelineDir,
        out,
        resume,
    };
}

/** One thing to measure. */
export interface Combo {
    readonly size: number;
    readonly limit: LimitName;
    readonly mode: "direct" | "engine";
    readonly declared: Declared;
    /** The create runs as set-up at 200 requests/s and is not reported. */
    readonly createAsSetUp: boolean;
}

/** What was left out: a whole combination, or only some of its operations. */
export type Skipped = Combo & { readonly reason: string; readonly ops?: readonly OpName[] };

function reasonToSkip(a: BenchArgs, size: number, limit: LimitName, mode: Combo["mode"], engineInstalled: boolean): string | undefined {
    if (limit === "free" && size > a.freeMax)
        return `free tier above N=${a.freeMax} (--free-max): 2 requests/s makes each operation take as long as the floor below`;
    if (limit === "free" && mode === "engine" && size > a.freeEngineMax)
        return `free tier through the engine above N=${a.freeEngineMax} (--free-engine-max): time budget; the direct run of this N shows the requests`;
    if (mode === "engine" && size > a.engineMax) return `engine above N=${a.engineMax} (--engine-max): time budget`;
    if (mode === "engine" && !engineInstalled) return "no Pulumi engine installed (npm run toolchain)";
    return undefined;
}

/** What the flags ask for, split into what runs and what is left out, with the reason. */
export function plan(a: BenchArgs, engineInstalled: boolean): { run: Combo[]; skipped: Skipped[] } {
    const run: Combo[] = [];
    const skipped: Skipped[] = [];
    const createReason = `create above N=${a.createMax} (--create-max): run as set-up at 200 requests/s, not measured (time budget)`;
    for (const limit of a.limits) {
        for (const size of a.sizes) {
            for (const mode of ["direct", "engine"] as const) {
                if (mode === "direct" && !a.direct) continue;
                if (mode === "engine" && !a.engine) continue;
                const combo: Combo = { size, limit, mode, declared: "all", createAsSetUp: size > a.createMax };
                const reason = reasonToSkip(a, size, limit, mode, engineInstalled);
                if (reason !== undefined) {
                    skipped.push({ ...combo, reason });
                    continue;
                }
                run.push(combo);
                if (combo.createAsSetUp) skipped.push({ ...combo, reason: createReason, ops: ["create"] });
            }
        }
    }
    if (a.direct && a.limits.includes("enterprise")) {
        for (const size of a.profileSyncSizes) {
            // What this shape measures is the no-op rows; its create is set-up whatever the size.
            const combo: Combo = { size, limit: "enterprise", mode: "direct", declared: "profile-sync", createAsSetUp: true };
            run.push(combo);
            skipped.push({
                ...combo,
                reason: "profile sync only: the create runs as set-up at 200 requests/s (the no-op rows are the point)",
                ops: ["create"],
            });
        }
    }
    return { run, skipped };
}
