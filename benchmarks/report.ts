/**
 * Turns measured rows into the tables printed by `npm run bench` and kept in docs/benchmarks.md.
 * Measured numbers and computed floors sit in separate columns (and separate tables for what was
 * not run), so a floor is never mistaken for a measurement.
 */
import { existsSync, readFileSync } from "node:fs";
import type { Skipped } from "./args";
import { readFloor, shapeOf, writeFloor } from "./floors";
import { apiSpanMs, floorSeconds, LIMITS, OP_LABELS, OPS, type OpResult } from "./measure";
import type { Declared } from "./seed";

const FINDINGS_BEGIN = "<!-- findings:begin -->";
const FINDINGS_END = "<!-- findings:end -->";

function table(header: string[], rows: string[][]): string {
    return [`| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join(
        "\n",
    );
}

const s1 = (ms: number) => (ms / 1000).toFixed(1);
const declaredLabel = (d: Declared) => (d === "all" ? "all" : "profile sync only");
const over = (got: number, floor: number) => (got > floor ? ` **+${got - floor}**` : "");

/** The main table: one row per measured operation. */
export function resultsTable(rows: readonly OpResult[]): string {
    return table(
        [
            "N",
            "declared",
            "settings",
            "limit",
            "run",
            "operation",
            "reads (floor ≤)",
            "writes (floor =)",
            "/oauth/token",
            "429s in journal",
            "failures",
            "wall s",
            "API span s",
            "floor s",
            "wall ÷ floor",
            "engine floor s",
            "wall ÷ engine floor",
            "CPU ms / setting",
        ],
        rows.map((r) => {
            const c = r.counts;
            const floor = floorSeconds(c.reads + c.writes, LIMITS[r.limitName]);
            const cpu = r.providerCpuUs === undefined ? "n/a" : (r.providerCpuUs / 1000 / r.resources).toFixed(2);
            const writes = c.writes === r.writeFloor ? `${c.writes} (${r.writeFloor})` : `**${c.writes}** (${r.writeFloor})`;
            return [
                String(r.size),
                declaredLabel(r.declared),
                String(r.resources),
                r.limitName,
                r.mode,
                op(r),
                `${c.reads} (≤${r.readFloor})${over(c.reads, r.readFloor)}`,
                writes,
                String(c.tokenRequests),
                String(c.rateLimited),
                String(r.failures),
                s1(r.wallMs),
                s1(apiSpanMs(c)),
                floor.toFixed(1),
                floor > 0 ? (r.wallMs / 1000 / floor).toFixed(2) : "–",
                r.engineFloor === undefined ? "–" : s1(r.engineFloor.wallMs),
                r.engineFloor === undefined || r.engineFloor.wallMs <= 0 ? "–" : (r.wallMs / r.engineFloor.wallMs).toFixed(2),
                cpu,
            ];
        }),
    );
}

function op(r: OpResult): string {
    return r.op === "change" ? `${OP_LABELS.change.replace("k", `k=${r.k}`)}` : OP_LABELS[r.op];
}

/** Floors for what was not measured: reads and writes at the floor (floors.ts). */
export function floorsTable(skipped: readonly Skipped[], k: number): string {
    const rows: string[][] = [];
    for (const s of skipped) {
        const shape = shapeOf(s.size, s.declared);
        const kk = Math.min(k, s.size);
        for (const o of s.ops ?? OPS) {
            const requests = readFloor(o, shape, kk) + writeFloor(o, shape.createWrites, kk);
            rows.push([
                String(s.size),
                declaredLabel(s.declared),
                String(shape.resources),
                s.limit,
                s.mode,
                o === "change" ? `up, k=${kk} changed` : OP_LABELS[o],
                String(requests),
                floorSeconds(requests, LIMITS[s.limit]).toFixed(1),
                s.reason,
            ]);
        }
    }
    return table(
        ["N", "declared", "settings", "limit", "run", "operation", "floor requests (computed)", "floor s (computed)", "why not measured"],
        rows,
    );
}

/** What each run did besides counting: steps, pacer estimate, retries, CPU of the program, checks. */
export function detailsTable(rows: readonly OpResult[]): string {
    return table(
        [
            "N",
            "limit",
            "run",
            "operation",
            "steps",
            "list reads (count + pages)",
            "default-mapping reads",
            "1st→2nd request ms",
            "pacer rate est. final / max (true)",
            "transport 429s / retries",
            "program CPU s",
            "engine CLI CPU s",
            "state chars / resource (engine floor)",
            "tenant check",
            "failure samples",
        ],
        rows.map((r) => [
            String(r.size),
            r.limitName,
            r.mode,
            op(r),
            r.steps || "–",
            String(r.counts.listReads),
            String(r.counts.defaultMappingReads),
            r.counts.secondAt === undefined || r.counts.firstAt === undefined ? "–" : String(r.counts.secondAt - r.counts.firstAt),
            r.pacerRate ? `${r.pacerRate.final.toFixed(2)} / ${r.pacerRate.max.toFixed(2)} (${LIMITS[r.limitName].rate})` : "–",
            r.transport ? `${r.transport.rateLimited} / ${r.transport.retries}` : "–",
            r.programCpuUs === undefined ? "–" : (r.programCpuUs / 1e6).toFixed(1),
            r.cliCpuUs === undefined ? "–" : (r.cliCpuUs / 1e6).toFixed(1),
            stateColumn(r),
            r.check === "" ? "ok" : `**${r.check}**`,
            r.failureSamples.map((f) => f.replace(/\|/g, "\\|").replace(/\n/g, " ")).join("<br>") || "–",
        ]),
    );
}

function stateColumn(r: OpResult): string {
    const per = (chars: number, resources: number) => (resources > 0 ? String(Math.round(chars / resources)) : "–");
    if (r.state === undefined) return "–";
    const floor = r.engineFloor === undefined ? "" : ` (${per(r.engineFloor.stateChars, r.engineFloor.resources)})`;
    return `${per(r.state.chars, r.state.resources)}${floor}`;
}

/** Where the requests of the largest measured size of each limit and run went, by route. */
export function routesTable(rows: readonly OpResult[]): string {
    const out: string[][] = [];
    const groups = new Map<string, OpResult[]>();
    for (const r of rows) {
        const key = `${r.limitName}|${r.mode}|${r.declared}`;
        groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    for (const group of groups.values()) {
        const biggest = Math.max(...group.map((r) => r.size));
        for (const r of group.filter((g) => g.size === biggest)) {
            const routes = Object.entries(r.counts.byRoute).sort((a, b) => b[1] - a[1]);
            out.push([
                String(r.size),
                declaredLabel(r.declared),
                r.limitName,
                r.mode,
                op(r),
                routes.map(([k, v]) => `${v}× ${k.replace("/api/v2/connections/:id", "")}`).join("<br>"),
            ]);
        }
    }
    return table(["N", "declared", "limit", "run", "operation", "answered requests by route (`/api/v2/connections/:id` left out)"], out);
}

/** The hand-written findings kept across regenerations, or a placeholder. */
export function keptFindings(file: string): string {
    if (!existsSync(file)) return `${FINDINGS_BEGIN}\n_No findings recorded yet._\n${FINDINGS_END}`;
    const text = readFileSync(file, "utf8");
    const a = text.indexOf(FINDINGS_BEGIN);
    const b = text.indexOf(FINDINGS_END);
    return a >= 0 && b > a ? text.slice(a, b + FINDINGS_END.length) : `${FINDINGS_BEGIN}\n_No findings recorded yet._\n${FINDINGS_END}`;
}

/** Everything docs/benchmarks.md holds. */
export function markdown(o: {
    command: string;
    environment: string;
    totalSeconds: number;
    rows: readonly OpResult[];
    skipped: readonly Skipped[];
    k: number;
    findings: string;
    /** The chart's file name, beside the report. */
    chart: string;
}): string {
    const shapes = new Map<string, { size: number; declared: Declared }>();
    for (const r of [...o.rows, ...o.skipped.map((s) => ({ size: s.size, declared: s.declared }))]) {
        shapes.set(`${r.size}|${r.declared}`, { size: r.size, declared: r.declared });
    }
    const sizes = [...shapes.values()]
        .sort((a, b) => a.size - b.size || a.declared.localeCompare(b.declared))
        .map(({ size, declared }) => {
            const s = shapeOf(size, declared);
            const floor = readFloor("preview", s, 0);
            return `N=${size}${declared === "all" ? "" : " (profile sync only)"}: ${s.resources} settings (create must write ${s.createWrites}; a no-op reads ≥ ${floor})`;
        });
    return `# Benchmarks

Generated by \`${o.command}\` (benchmarks/bench.ts) on ${o.environment}. The whole run took ${(o.totalSeconds / 60).toFixed(1)} min.
Results, Details and Where the requests go are measured in that run, except the columns marked
*floor*, which are computed, as is the whole Not measured table; the Pacer replay is a simulation.
Regenerate with the same command; the Findings section at the end is kept.

## What is measured

- **Tenant**: N connections on the emulator, strategies cycling okta, samlp, waad, google-apps, with
  large realistic options (certificates, secrets, claim maps). Each has profile sync declared
  (\`on_first_login\`; every fifth connection already has it, so \`create\` must not write there), plus
  SCIM configuration and one SCIM token (okta, samlp, waad) or directory provisioning (google-apps);
  rows marked *profile sync only* declare profile sync alone on the same tenant.
  Half of the SCIM and directory configurations use the API's default mapping. A *setting* is one
  dynamic resource (ProfileSync, ScimConfiguration, ScimToken, DirectoryProvisioning). ${sizes.join("; ")}.
- **Operations**: create all; no-op preview; no-op up; up after changing the declared profile sync
  mode of k connections (k = min(${o.k}, N)); refresh. Each starts with a rested rate-limit bucket and,
  in direct runs, fresh provider process state (pacer, access token, default-mapping cache, read
  batches and the tenant's size), as each Pulumi command starts a new provider process. Above
  \`--create-max\` the create runs as set-up at 200 requests/s and is not reported.
- **Runs**: *direct* calls the exported providers' check/diff/create/update/read in this process, all
  resources at once, profile sync before SCIM/directory and the SCIM configuration before its token.
  *engine* runs an inline program with one ConnectionSync per connection through the Automation API
  and the real engine (\`stack.up/preview/refresh\`, the CLI's default \`--parallel\` unless told
  otherwise). The engine calls Diff one resource at a time (unless \`PULUMI_PARALLEL_DIFF=true\`) and
  Read up to \`--parallel\` at once, so only what it asks at the same moment can share a listing.
- **Requests** come from the emulator's journal, cleared before each operation. Reads and writes
  count Management API requests that were answered (not 429); 429 answers are counted apart, and
  \`/oauth/token\` (not rate limited by the emulator) apart too. The floor (benchmarks/floors.ts): 0
  writes for a no-op or a refresh, exactly one write per changed setting; reads of a no-op or a
  refresh: per kind (connections, SCIM configurations, directory provisionings) the list pages of
  the tenant-wide listing (100 per page) or one GET per object where that is fewer, plus one token
  listing per connection with tokens (there is no tenant-wide one) and each default mapping once per
  strategy; \`up\` with k changes reads k more (the read right before each PATCH); \`create\` at most
  one read per setting. The "reads" column is bold where it goes over; the count of connections that
  decides whether to list is one of the reads over.
- **Time**: *floor s* = max(0, requests − burst) ÷ rate for the requests the run actually made
  (429 answers spend no token). *API span* is first to last Management API request; *wall* adds the
  start-up of the command. Limits: free {rate 2/s, burst 2}, enterprise {rate 16/s, burst 50}.
- **Engine floor**: right after each engine run, the same operations on a program with the same
  components and children (same names and types, one component per connection, one dynamic resource
  per setting) whose dynamic provider does nothing (benchmarks/engine-floor.ts): what the engine
  itself spends (registration, steps, the state file the file backend rewrites after every step).
  *engine floor s* is its wall time; the details table gives both states' size per resource. The
  chart's rate-limit floor is the computed one (the fewest requests the operation can make).
- **Failures** are errors that reached a resource: rejected provider calls (direct) or failed engine
  steps and error diagnostics (engine). 429s absorbed by the transport are only in the 429 column.
- **CPU**: direct runs: \`process.cpuUsage()\` of this process around the operation (the emulator runs
  in a child process, so it is not included; the harness's own work is). Engine runs: the CPU of the
  engine's dynamic-provider process, written by a preloaded probe at exit: that includes Node start-up,
  loading @pulumi/pulumi and the SDK, and gRPC, so it is an upper bound of the providers' own CPU.
  The CPU of this process (Automation API, inline program) is in the details table.

## Results

![Time against N through the engine, per operation: ours, the engine floor and the rate-limit floor](${o.chart})

${resultsTable(o.rows)}

## Not measured

${o.skipped.length === 0 ? "Everything the flags asked for was measured." : `These combinations were not run, for the reason given. Their floors are computed, not measured.\n\n${floorsTable(o.skipped, o.k)}`}

## Details

${detailsTable(o.rows)}

## Where the requests go

${routesTable(o.rows)}

## Findings

${o.findings}
`;
}
