/**
 * Command-line flags of `npm run bench`. The defaults are chosen to finish in about 20 minutes on
 * two cores: the free tier (2 requests/s) makes a big tenant take many minutes per operation, so
 * it is measured only up to `--free-max`, and engine runs only up to `--engine-max`.
 */
import type { LimitName } from "./measure";

/** Parsed flags. */
export interface BenchArgs {
    readonly sizes: number[];
    readonly limits: LimitName[];
    readonly direct: boolean;
    readonly engine: boolean;
    readonly k: number;
    /** Largest N measured under the free tier. */
    readonly freeMax: number;
    /** Largest N measured through the engine. */
    readonly engineMax: number;
    /** Engine `--parallel`; undefined keeps the CLI default. */
    readonly parallel?: number;
    /** Engine runs with PULUMI_SKIP_CHECKPOINTS=true (no state file written after each step). */
    readonly skipCheckpoints: boolean;
    /** Folder for per-operation request timelines (CSV); undefined: none. */
    readonly timelineDir?: string;
    /** Markdown report path; undefined: do not write one. */
    readonly out?: string;
}

/** Usage text for --help and errors. */
export const USAGE = `npm run bench -- [flags]
  --sizes 1,10,100,500        connection counts (default 1,10,100,500)
  --limits free,enterprise    rate limits: free {rate 2, burst 2}, enterprise {rate 16, burst 50}
  --direct / --no-direct      provider-direct runs (default on)
  --engine / --no-engine      runs through the real engine (default on when an engine is installed)
  --k 5                       connections whose mode "up, k changed" changes (default 5)
  --free-max 10               largest N measured under the free tier (default 10)
  --engine-max 100            largest N measured through the engine (default 100)
  --parallel <n>              engine --parallel (default: the CLI's own)
  --skip-checkpoints          engine runs with PULUMI_SKIP_CHECKPOINTS=true (default off)
  --timeline <dir>            write each operation's requests (time, method, route, status) as CSV
  --out <file>                report path (default docs/benchmarks.md); --no-write for none`;

function positiveInt(flag: string, raw: string | undefined): number {
    const n = Number(raw);
    if (raw === undefined || !Number.isInteger(n) || n < 1)
        throw new Error(`${flag} needs a positive whole number (got ${raw ?? "nothing"})\n${USAGE}`);
    return n;
}

/** Parses argv (without node and the script). */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
    let sizes = [1, 10, 100, 500];
    let limits: LimitName[] = ["free", "enterprise"];
    let direct = true;
    let engine = true;
    let k = 5;
    let freeMax = 10;
    let engineMax = 100;
    let parallel: number | undefined;
    let skipCheckpoints = false;
    let timelineDir: string | undefined;
    let out: string | undefined = "docs/benchmarks.md";
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
            case "--engine-max":
                engineMax = positiveInt("--engine-max", value());
                break;
            case "--parallel":
                parallel = positiveInt("--parallel", value());
                break;
            case "--skip-checkpoints":
                skipCheckpoints = true;
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
        engineMax,
        parallel,
        skipCheckpoints,
        timelineDir,
        out,
    };
}

/** One thing to measure. */
export interface Combo {
    readonly size: number;
    readonly limit: LimitName;
    readonly mode: "direct" | "engine";
}

/** What the flags ask for, split into what runs and what is left out, with the reason. */
export function plan(a: BenchArgs, engineInstalled: boolean): { run: Combo[]; skipped: Array<Combo & { reason: string }> } {
    const run: Combo[] = [];
    const skipped: Array<Combo & { reason: string }> = [];
    for (const limit of a.limits) {
        for (const size of a.sizes) {
            for (const mode of ["direct", "engine"] as const) {
                if (mode === "direct" && !a.direct) continue;
                if (mode === "engine" && !a.engine) continue;
                const reason =
                    limit === "free" && size > a.freeMax
                        ? `free tier above N=${a.freeMax} (--free-max): 2 requests/s makes each operation take as long as the floor below`
                        : mode === "engine" && size > a.engineMax
                          ? `engine above N=${a.engineMax} (--engine-max): time budget`
                          : mode === "engine" && !engineInstalled
                            ? "no Pulumi engine installed (npm run toolchain)"
                            : undefined;
                if (reason === undefined) run.push({ size, limit, mode });
                else skipped.push({ size, limit, mode, reason });
            }
        }
    }
    return { run, skipped };
}
