import * as assert from "node:assert/strict";
import type { RunningEmulator } from "../../emulator";
import { newPacerState } from "../../management-api/pacer";
import { describeWait } from "../../scripts/export/progress";
import { startForProvider } from "../helpers/api";
import { blockOf, exportFrom, useEmulatorEnv } from "./helpers";

const EXTRA = 300;
const STRATEGIES = ["okta", "samlp", "waad", "google-apps", "auth0"];

describe("Progress", () => {
    let emu: RunningEmulator;
    const env = { ...process.env };

    before(async () => {
        emu = await startForProvider({ rateLimit: { rate: 50, burst: 10 } });
        for (let i = 0; i < EXTRA; i++) {
            const id = `con_prog${String(i).padStart(12, "0")}`;
            emu.state.connections[id] = {
                id,
                name: `prog-${i}`,
                strategy: STRATEGIES[i % STRATEGIES.length],
                options: { set_user_root_attributes: "on_first_login" },
            };
        }
    });
    after(async () => {
        process.env = env;
        await emu.close();
    });

    it("reports on stderr the connections read and the rate limit it waits for, and prints only the YAML", async function () {
        this.timeout(60_000);
        process.env = { ...env };
        useEmulatorEnv(emu);
        const stdout: string[] = [];
        const write = process.stdout.write.bind(process.stdout);
        process.stdout.write = (chunk: string | Uint8Array): boolean => {
            stdout.push(String(chunk));
            return true;
        };
        let run: Awaited<ReturnType<typeof exportFrom>>;
        try {
            run = await exportFrom(emu, ["--stack", "nowhere"]);
        } finally {
            process.stdout.write = write;
        }
        const total = EXTRA + 6;
        const lines = run.logs.filter((l) => l.startsWith("progress: "));
        const counts = lines.map((l) => {
            const m = new RegExp(`^progress: read (\\d+) of ${total} connection\\(s\\) \\(\\d+ request\\(s\\)\\)`).exec(l);
            assert.ok(m, l);
            return Number(m[1]);
        });
        assert.ok(run.at[run.at.length - 1] > 4000, "the rate limit makes the export take a few seconds");
        assert.ok(counts.length >= 2, run.logs.join("\n"));
        // Every 50 connections or 2 s, whichever is rarer: never more often than either.
        const times = run.logs.flatMap((l, i) => (l.startsWith("progress: ") ? [run.at[i]] : []));
        for (let i = 0; i < counts.length; i++) {
            assert.ok(counts[i] - (counts[i - 1] ?? 0) >= 50, lines.join("\n"));
            assert.ok(times[i] - (times[i - 1] ?? 0) >= 1990, `${times.join(", ")} ms`);
        }
        assert.ok(
            lines.some((l) =>
                /; waiting for the tenant's rate limit \(a bucket of 10\), \d+ request\(s\) queued, sending about \d+ request\(s\)\/s, about [\d.]+ s left$/.test(
                    l,
                ),
            ),
            lines.join("\n"),
        );
        assert.deepEqual(stdout, [], "nothing but the YAML goes to stdout");
        assert.equal(Object.keys(blockOf(run.out)).length, total - 1);
        assert.ok(!run.out.includes("progress"));
    });

    it("says how long a 429 makes it wait, and nothing when the bucket has room", () => {
        const now = 1_000_000;
        assert.equal(
            describeWait({ ...newPacerState(now), blockedUntil: now + 3000 }, now, 12),
            "the tenant answered 429 Too Many Requests: the next request goes in 3.0 s, 12 request(s) queued",
        );
        assert.equal(
            describeWait({ ...newPacerState(now), limit: 10 }, now, 40),
            "the tenant's rate limit (a bucket of 10), 40 request(s) queued",
        );
        assert.equal(describeWait({ ...newPacerState(now), limit: 10 }, now, 0), undefined);
        assert.equal(describeWait(undefined, now, 3), undefined);
    });
});
