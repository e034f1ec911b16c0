/**
 * The product's pacer (pure functions of components/provider/pacer.ts) against the emulator's token
 * bucket on a simulated clock: many senders at once, a fixed round trip, no network and no timer
 * jitter. What it shows is the pacer's own arithmetic, e.g. whether its refill-rate estimate from
 * the whole-second `x-ratelimit-reset` header can exceed the true rate and so earn 429s.
 */
import { newPacerState, observeResponse, planSend, type PacerState } from "../../components/provider/pacer";
import type { RateLimit } from "../../emulator";
import { TokenBucket } from "../../emulator/rate-limit";

/** What one replay produced. */
export interface ReplayResult {
    readonly limit: RateLimit;
    readonly requests: number;
    readonly rateLimited: number;
    /** Highest and final refill-rate estimate, requests per second. */
    readonly maxRate: number;
    readonly finalRate: number;
    readonly seconds: number;
    readonly floorSeconds: number;
}

type Ev = { t: number; seq: number; run: () => void };

/** A tiny discrete-event loop: callbacks ordered by time, then by insertion. */
class Clock {
    private queue: Ev[] = [];
    private seq = 0;
    now: number;

    constructor(start: number) {
        this.now = start;
    }

    at(t: number, run: () => void): void {
        this.queue.push({ t, seq: this.seq++, run });
    }

    drain(): void {
        while (this.queue.length > 0) {
            let i = 0;
            for (let j = 1; j < this.queue.length; j++) {
                const a = this.queue[j];
                const b = this.queue[i];
                if (a.t < b.t || (a.t === b.t && a.seq < b.seq)) i = j;
            }
            const [ev] = this.queue.splice(i, 1);
            this.now = Math.max(this.now, ev.t);
            ev.run();
        }
    }
}

/**
 * Sends `requests` through `senders` concurrent loops shaped like the transport's: ask the pacer,
 * sleep what it says, send, fold the answer in, and repeat after a 429.
 */
export function replay(
    limit: RateLimit,
    requests: number,
    opts: { senders?: number; rttMs?: number; jitterMs?: number; startMs?: number } = {},
): ReplayResult {
    const senders = opts.senders ?? 64;
    const rtt = opts.rttMs ?? 4;
    // Timers fire late and round trips vary on a busy machine; a fixed-seed LCG keeps replays repeatable.
    const jitter = opts.jitterMs ?? 0;
    let seed = 12345;
    const late = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * jitter;
    const start = opts.startMs ?? baseMs();
    const clock = new Clock(start);
    // Stamped with the real clock, which is behind the simulated one: the bucket starts full.
    const bucket = new TokenBucket(limit);
    const state: PacerState = newPacerState(start);
    let left = requests;
    let rateLimited = 0;
    let maxRate = 0;
    let done = start;

    const attempt = (): void => {
        const wait = planSend(state, clock.now);
        if (wait > 0) return clock.at(clock.now + wait + late(), attempt);
        const sentAt = clock.now;
        clock.at(sentAt + rtt / 2 + late() / 2, () => {
            const d = bucket.take(clock.now);
            clock.at(clock.now + rtt / 2 + late() / 2, () => {
                const status = d.allowed ? 200 : 429;
                observeResponse(state, { limit: d.limit, remaining: d.remaining, reset: d.reset }, status, d.retryAfter, clock.now, sentAt);
                maxRate = Math.max(maxRate, state.rate * 1000);
                if (status === 429) {
                    rateLimited += 1;
                    return attempt();
                }
                done = clock.now;
                if (left > 0) {
                    left -= 1;
                    attempt();
                }
            });
        });
    };
    for (let i = 0; i < Math.min(senders, requests); i++) {
        left -= 1;
        clock.at(start, attempt);
    }
    clock.drain();
    return {
        limit,
        requests,
        rateLimited,
        maxRate,
        finalRate: state.rate * 1000,
        seconds: (done - start) / 1000,
        floorSeconds: Math.max(0, requests - limit.burst) / limit.rate,
    };
}

/** A whole second a day ahead of the real clock. */
function baseMs(): number {
    return Math.ceil((Date.now() + 86_400_000) / 1000) * 1000;
}

/** Replays with the start spread over one second, since the header rounds to whole seconds. */
export function replaySpread(limit: RateLimit, requests: number, jitterMs: number, starts = 10): ReplayResult[] {
    const base = baseMs();
    return Array.from({ length: starts }, (_, i) => replay(limit, requests, { jitterMs, startMs: base + Math.round((i * 1000) / starts) }));
}

/** Late-timer jitters replayed: none, a quiet machine, a busy one. */
const JITTERS_MS = [0, 5, 20];

/** The replay table for the report: per limit and jitter, 10 start offsets summed. */
export function replayTable(limits: ReadonlyArray<{ name: string; limit: RateLimit }>): string {
    const rows: string[] = [];
    for (const { name, limit } of limits) {
        const requests = limit.rate <= 2 ? 200 : 1000;
        for (const jitter of JITTERS_MS) {
            const rs = replaySpread(limit, requests, jitter);
            const ratio = rs.map((r) => r.seconds / r.floorSeconds);
            rows.push(
                `| ${name} | ${jitter} | ${rs.length} × ${requests} | ${rs.reduce((n, r) => n + r.rateLimited, 0)} | ` +
                    `${Math.max(...rs.map((r) => r.maxRate)).toFixed(2)} (${limit.rate}) | ${Math.max(...ratio).toFixed(3)} |`,
            );
        }
    }
    return [
        "| limit | timer/RTT jitter ms | replays × requests | 429s | highest rate estimate (true) | worst time ÷ floor |",
        "| --- | --- | --- | --- | --- | --- |",
        ...rows,
    ].join("\n");
}
