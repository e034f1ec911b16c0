/**
 * The one way we change a connection's options. `PATCH /connections/{id}` replaces the whole
 * `options` object, so the body must be built from a read made right before it. Two rules follow:
 * the GET and the PATCH are reserved on the rate-limit bucket together (nothing queues between
 * them), and a PATCH is never re-sent as it was: after a 5xx, a timeout or a 429 its body may be
 * stale (an administrator may have changed another option meanwhile), so we read again and build
 * the body anew. If the failed PATCH was in fact carried out, the new read shows it and nothing
 * more is written.
 */
import { isAuth0ApiError, mayHaveBeenProcessed, RateLimitWaitError } from "./errors";
import type { Reservation } from "./bucket-queue";
import { SINGLE_ATTEMPT_HEADER } from "./transport";
import type { Connection, ConnectionOptions } from "./types";

/** The I/O of one read-modify-write, bound to one connection. */
export interface ReadModifyWriteIo {
    /** The connection, and the options in its answer that would not survive our round trip. */
    get(headers: Record<string, string>): Promise<{ connection: Connection; unsafe: readonly string[] }>;
    patch(options: ConnectionOptions, headers: Record<string, string>): Promise<Connection>;
    reserve(count: number, aheadOfQueue: boolean): Promise<Reservation>;
}

/** What a read-modify-write saw and did: `after` is absent when nothing needed writing. */
export interface ReadModifyWriteResult {
    readonly before: Connection;
    readonly after?: Connection;
}

/** Tuning; defaults suit a real tenant. */
export interface ReadModifyWriteOptions {
    /** Reserve the GET and the PATCH together (off only to measure what pairing buys). */
    readonly paired?: boolean;
    /** Reads-and-writes tried before giving up. */
    readonly attempts?: number;
    /** First pause after a failed PATCH, doubled each time. */
    readonly backoffMs?: number;
}

/** The options hold values that our read-modify-write would change: we refuse to write. */
export class UnsafeOptionsError extends Error {
    constructor(conn: Connection, unsafe: readonly string[]) {
        super(
            `refusing to write the options of connection "${conn.name}" (${conn.id}): sending them back would change ` +
                `${unsafe.join("; ")}. Fix that value in the dashboard (or via the API) and run again; nothing was written.`,
        );
        this.name = "UnsafeOptionsError";
    }
}

const UNPAIRED: Reservation = { headers: {}, ready: () => true, release: () => undefined };

/** True when a PATCH failed in a way that a fresh read and a rebuilt body may fix. */
function worthRebuilding(err: unknown): boolean {
    // A 429 that asked for more than we wait is final: waiting for it again would only repeat it.
    return mayHaveBeenProcessed(err) || (isAuth0ApiError(err) && err.status === 429 && !(err instanceof RateLimitWaitError));
}

/**
 * GETs the connection and, when `modify` returns new options, PATCHes exactly `{options}` right
 * after. `modify` sees the live connection each time and decides again, so it must be a pure
 * function of it.
 */
export async function readModifyWrite(
    io: ReadModifyWriteIo,
    modify: (conn: Connection) => ConnectionOptions | undefined,
    opts: ReadModifyWriteOptions = {},
): Promise<ReadModifyWriteResult> {
    const paired = opts.paired ?? true;
    const attempts = opts.attempts ?? 4;
    const backoffMs = opts.backoffMs ?? 250;
    let reservation = paired ? await io.reserve(2, false) : UNPAIRED;
    try {
        let attempt = 1;
        let readAgain = false;
        for (;;) {
            const { connection: before, unsafe } = await io.get(reservation.headers);
            const options = modify(before);
            if (options === undefined) return { before };
            if (unsafe.length > 0) throw new UnsafeOptionsError(before, unsafe);
            if (!readAgain && !reservation.ready()) {
                // The bucket holds no token for the PATCH now (the server had fewer than we
                // estimated). Waiting would widen the window in which a dashboard edit is
                // overwritten, so wait for two tokens and read again right before writing.
                reservation.release();
                reservation = await io.reserve(2, true);
                readAgain = true;
                continue;
            }
            readAgain = false;
            try {
                const after = await io.patch(options, { ...reservation.headers, [SINGLE_ATTEMPT_HEADER]: "1" });
                return { before, after };
            } catch (err) {
                if (attempt >= attempts || !worthRebuilding(err)) throw err;
                attempt += 1;
                reservation.release();
                reservation = UNPAIRED;
                // A 429 has blocked the pacer until the bucket refills; the reservation below waits for it.
                await new Promise((r) => setTimeout(r, backoffMs * 2 ** (attempt - 2)));
                reservation = paired ? await io.reserve(2, true) : UNPAIRED;
                readAgain = true;
            }
        }
    } finally {
        reservation.release();
    }
}
