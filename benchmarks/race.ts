/**
 * `npm run race`: how often a dashboard edit of another option is lost by our read-modify-write.
 *
 * PATCH /connections/{id} replaces all options, so an edit that lands between our GET and our
 * PATCH is overwritten with the value we read. The API has no ETag or conditional update, so the
 * window cannot be closed, only kept short: we reserve the GET and the PATCH on the rate-limit
 * bucket together (no queueing between them). This script measures the window (server-side time
 * from GET to PATCH, from the emulator's journal) and the lost-edit rate, with and without the
 * pairing, while other requests compete for a free-tier bucket, and again with faults on: PATCHes
 * answered 503 after the server applied them, PATCHes answered 503 before, and 429s. A failed PATCH
 * is never re-sent as it was: the window of every PATCH the server applied is measured from the GET
 * right before it. Writes docs/concurrent-edits.md.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { startEmulator, type FaultRule, type RunningEmulator } from "../emulator";
import { createApi, type Auth0Api } from "../management-api/client";
import { optionsWithMode } from "../components/provider/diff";
import { resetProcessState } from "../components/provider/process";

const TARGET = "con_NVLFL5zT7EU0vCX8"; // contoso-entra in the sample seed
const OPS = Number(process.env.RACE_OPS ?? 20);

interface Result {
    label: string;
    ops: number;
    edits: number;
    lost: number;
    windows: number[];
}

function pct(xs: number[], p: number): number {
    const s = [...xs].sort((a, b) => a - b);
    return s.length === 0 ? 0 : s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

/** Faults on the target's PATCH: applied-then-503, refused with 503, and rate limited. */
const PATCH_FAULTS: FaultRule[] = [
    { method: "PATCH", path: `^/api/v2/connections/${TARGET}$`, kind: "status-after-processing", status: 503, probability: 0.2 },
    { method: "PATCH", path: `^/api/v2/connections/${TARGET}$`, kind: "status", status: 503, probability: 0.15 },
    { method: "PATCH", path: `^/api/v2/connections/${TARGET}$`, kind: "status", status: 429, probability: 0.15 },
];

async function measure(emu: RunningEmulator, label: string, paired: boolean, faults: FaultRule[]): Promise<Result> {
    resetProcessState();
    emu.setFaults(faults, 11);
    const api: Auth0Api = createApi(
        { host: emu.domain, scheme: "https", caCertificate: emu.ca, timeoutMs: 30_000, kind: "token", token: "local-admin-token" },
        { pairReadModifyWrite: paired },
    );
    const ids = Object.keys(emu.state.connections).filter((id) => id !== TARGET);
    let stop = false;
    // Other resources of the same stack keep the bucket busy.
    const load = Array.from({ length: 3 }, async (_, i) => {
        while (!stop) await api.getConnection(ids[i % ids.length]).catch(() => undefined);
    });
    // A person saving another option in the dashboard every 0-400 ms.
    let latest = 0;
    const editor = (async () => {
        while (!stop) {
            await new Promise((r) => setTimeout(r, Math.random() * 400));
            latest += 1;
            emu.state.connections[TARGET].options!.dashboard_edit = latest;
        }
    })();
    let lost = 0;
    const windows: number[] = [];
    for (let i = 0; i < OPS; i++) {
        emu.clearJournal();
        const mode = i % 2 === 0 ? "never_on_login" : "on_first_login";
        await api.readModifyWriteOptions(TARGET, (c) => optionsWithMode(c.options ?? {}, mode));
        // Every PATCH the server applied (200, or 503 after processing) counts, from the GET before it.
        const mine = emu.journal.filter((e) => e.path === `/api/v2/connections/${TARGET}`);
        mine.forEach((e, j) => {
            const applied = e.method === "PATCH" && (e.status === 200 || e.fault === "status-after-processing");
            const get = mine
                .slice(0, j)
                .reverse()
                .find((g) => g.method === "GET");
            if (applied && get) windows.push(e.at - get.at);
        });
        if (emu.state.connections[TARGET].options!.dashboard_edit !== latest) {
            lost += 1;
            // Put the person's latest edit back, as they would after noticing.
            emu.state.connections[TARGET].options!.dashboard_edit = latest;
        }
    }
    stop = true;
    emu.setFaults([]);
    await Promise.all([...load, editor]);
    return { label, ops: OPS, edits: latest, lost, windows };
}

async function main(): Promise<void> {
    const emu = await startEmulator({ tls: true, rateLimit: { rate: 2, burst: 2 } });
    try {
        const results = [
            await measure(emu, "GET and PATCH reserved together (shipped)", true, []),
            await measure(emu, "shipped, with faults on the PATCH (20% 503 after applying, 15% 503, 15% 429)", true, PATCH_FAULTS),
            await measure(emu, "GET and PATCH paced separately", false, []),
        ];
        const rows = results.map(
            (r) =>
                `| ${r.label} | ${r.ops} | ${r.edits} | ${r.lost} (${((100 * r.lost) / r.ops).toFixed(0)}%) | ${pct(r.windows, 0.5)} | ${pct(r.windows, 0.95)} | ${Math.max(...r.windows)} |`,
        );
        const table = [
            "| read-modify-write | our writes | dashboard edits | writes that overwrote an edit | window p50 (ms) | p95 | max |",
            "| --- | --- | --- | --- | --- | --- | --- |",
            ...rows,
        ].join("\n");
        console.log(table);
        const doc = `# Concurrent dashboard edits

\`PATCH /api/v2/connections/{id}\` replaces the whole \`options\` object and the Management API has
no ETag or conditional update, so a dashboard edit of *another* option that lands between our
GET and our PATCH is overwritten with the value we read. The window cannot be closed; we keep it
as short as the API allows:

- the GET is made immediately before the PATCH (never reused from \`diff\`), and
- the GET and the PATCH are reserved on the rate-limit bucket together, so the PATCH never queues
  behind other requests of a big stack; the window is then one round trip plus our own processing.
- when the bucket cannot send the PATCH at once (the first pair of a process is reserved before
  any response told us the bucket size, or the server had fewer tokens than we estimated), we do not
  let the PATCH wait: we wait for two tokens ahead of the queue and read again right before writing.
  That costs one extra GET in those rare cases. Before this, such a PATCH waited 0.6-5 s after its
  GET (the old table's p95/max of 1923 ms; tests/client/rmw-window.test.ts reproduces it).
- a PATCH that fails (5xx, no answer, 429) is never re-sent as it was: its body was built from a
  read that is now old. We read again and build the body anew; if the failed PATCH was applied after
  all, the new read shows it and nothing more is written. Before, the transport re-sent the same
  body after its back-off, and with the default timeout and retries the window grew to about a
  minute (tests/client/rmw-retry.test.ts).

Measured by \`npm run race\` (benchmarks/race.ts) on the emulator with the free-tier limit (2 requests/s,
burst 2), three other readers competing for the bucket, and a simulated person saving another
option every 0-400 ms (an edit rate far above any real one, to make losses countable). The window
is the server-side time between our GET and our PATCH (emulator journal); with faults on, every PATCH the server
applied counts, measured from the GET right before it.

${table}

Reading: a loss needs an edit inside the window, so the rate scales with window × edit rate. With
one human edit per minute and a window of a few ms, the chance per write is about window/60 s
(e.g. 5 ms → 0.008%). Without the pairing the PATCH waits for a free token (about 1/rate = 500 ms
on the free tier), and the chance grows a hundredfold.
`;
        writeFileSync(path.join(__dirname, "..", "docs", "concurrent-edits.md"), doc);
        console.log("wrote docs/concurrent-edits.md");
    } finally {
        await emu.close();
    }
}

main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
});
