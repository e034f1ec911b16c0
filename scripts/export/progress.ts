/**
 * Progress for people waiting on a large tenant: how many connections have been read, and what the
 * export is waiting for when the rate limiter holds requests back (a 429's block, or a bucket the
 * pacer estimates empty). Reported through the log (stderr), never stdout, which carries the YAML.
 */
import type { PacerState } from "../../management-api/pacer";
import { getRequestStats, processState } from "../../management-api/state";
import type { CollectObserver } from "./collect";

/** When to report: every `everyConnections` connections or every `everyMs`, whichever is rarer. */
export interface ProgressOptions {
    readonly everyConnections: number;
    readonly everyMs: number;
    /** A line saying what we wait for when nothing was reported for this long. */
    readonly quietMs: number;
    /** How often to look at the pacer. */
    readonly tickMs: number;
}

/** Every 50 connections or 2 s, whichever is rarer; a waiting line after 5 s of silence. */
export const PROGRESS_DEFAULTS: ProgressOptions = { everyConnections: 50, everyMs: 2000, quietMs: 5000, tickMs: 250 };

function seconds(ms: number): string {
    return ms < 10_000 ? (ms / 1000).toFixed(1) : String(Math.round(ms / 1000));
}

/**
 * What the rate limiter makes us wait for, from the pacer: a 429 that blocks every request until a
 * time, or requests queued behind its bucket (`queued`: requests waiting to be sent, known to the
 * caller). Undefined when nothing waits.
 */
export function describeWait(state: PacerState | undefined, now: number, queued: number): string | undefined {
    if (state === undefined) return undefined;
    const behind = queued > 0 ? `, ${queued} request(s) queued` : "";
    if (state.blockedUntil > now) {
        return `the tenant answered 429 Too Many Requests: the next request goes in ${seconds(state.blockedUntil - now)} s${behind}`;
    }
    if (queued <= 0) return undefined;
    const bucket = state.limit === undefined ? "its size not known yet" : `a bucket of ${state.limit}`;
    return `the tenant's rate limit (${bucket})${behind}`;
}

/** Reports progress of one export through `log`; `stop()` when the reading is over. */
export class ExportProgress implements CollectObserver {
    private total: number | undefined;
    private done = 0;
    private lastDone = 0;
    private lastRequests = 0;
    private readonly startedAt: number;
    private lastAt: number;
    private readonly requestsAtStart: number;
    private readonly timer: NodeJS.Timeout;

    constructor(
        private readonly log: (s: string) => void,
        private readonly host: string,
        private readonly options: ProgressOptions = PROGRESS_DEFAULTS,
        private readonly clock: () => number = Date.now,
    ) {
        this.startedAt = this.lastAt = clock();
        this.requestsAtStart = getRequestStats().requests;
        this.timer = setInterval(() => this.report(), options.tickMs);
        // Progress must never keep the process alive.
        this.timer.unref();
    }

    /** The list call returned `total` connections to read. */
    listed(total: number): void {
        this.total = total;
    }

    /** One more connection was read. */
    read(): void {
        this.done += 1;
        this.report();
    }

    /** Stops the timer. */
    stop(): void {
        clearInterval(this.timer);
    }

    private report(): void {
        const now = this.clock();
        const since = now - this.lastAt;
        if (since < this.options.everyMs) return;
        const moved = this.done - this.lastDone >= this.options.everyConnections;
        const state = processState().pacers.get(this.host);
        // Each connection still being read has one request out: in flight, or queued behind the pacer.
        const queued = this.total === undefined || state === undefined ? 0 : this.total - this.done - state.inFlight;
        const wait = describeWait(state, now, queued);
        if (!moved && !(wait !== undefined && since >= this.options.quietMs)) return;
        this.lastDone = this.done;
        this.log(this.line(now, wait));
        this.lastAt = now;
    }

    private line(now: number, wait: string | undefined): string {
        const requests = getRequestStats().requests - this.requestsAtStart;
        const rate = ((requests - this.lastRequests) * 1000) / Math.max(1, now - this.lastAt);
        this.lastRequests = requests;
        const where =
            this.total === undefined
                ? `listing connections (${requests} request(s) so far)`
                : `read ${this.done} of ${this.total} connection(s) (${requests} request(s))`;
        const elapsed = now - this.startedAt;
        const left =
            this.total !== undefined && this.done > 0 && this.done < this.total
                ? `, about ${seconds(((this.total - this.done) * elapsed) / this.done)} s left`
                : "";
        const waiting = wait === undefined ? "" : `; waiting for ${wait}, sending about ${Math.round(rate)} request(s)/s`;
        return `progress: ${where}${waiting}${left}`;
    }
}
