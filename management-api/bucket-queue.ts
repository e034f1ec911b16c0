/**
 * The process-wide queue in front of each tenant's rate-limit bucket: requests wait their turn in
 * arrival order (a GET+PATCH pair, which needs two tokens at once, would otherwise starve behind
 * single requests), and a read-modify-write can reserve its two requests together.
 */
import { newPacerState, planReserve, refundReserved, reservationBacked, sendReserved, type PacerState } from "./pacer";
import { processState } from "./state";

function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The pacer of one tenant host, created on first use. */
export function pacerFor(host: string): PacerState {
    const pacers = processState().pacers;
    let state = pacers.get(host);
    if (state === undefined) {
        state = newPacerState(Date.now());
        pacers.set(host, state);
    }
    return state;
}

/** How long the queue's head yields to requests ahead of it before it looks again. */
const YIELD_MS = 5;

/**
 * Takes `count` tokens once the bucket has them; true when it had to wait. While requests wait
 * ahead of the queue (the rest of a read-modify-write, a listing's page), the queue's head takes no
 * token, so a refill goes to them first. The count lives in the process state, not in this module:
 * a provider serialized whole (earlier versions' state) captures module values by copy.
 */
async function take(host: string, state: PacerState, count: number, ahead: boolean): Promise<boolean> {
    const aheadWaiting = processState().aheadWaiting;
    let waited = false;
    if (ahead) aheadWaiting.set(host, (aheadWaiting.get(host) ?? 0) + 1);
    try {
        for (;;) {
            if (!ahead && (aheadWaiting.get(host) ?? 0) > 0) {
                waited = true;
                await sleep(YIELD_MS);
                continue;
            }
            const wait = planReserve(state, Date.now(), count);
            if (wait <= 0) return waited;
            waited = true;
            await sleep(wait);
        }
    } finally {
        if (ahead) {
            // Never below zero (a reset of the process state while requests waited).
            const left = (aheadWaiting.get(host) ?? 1) - 1;
            if (left > 0) aheadWaiting.set(host, left);
            else aheadWaiting.delete(host);
        }
    }
}

/**
 * Waits for `count` tokens in strict arrival order. Without the queue, single requests would take
 * every token as it refills and a GET+PATCH pair, which needs two at once, could starve.
 */
async function acquire(host: string, count: number, aheadOfQueue = false): Promise<{ granted: number; waited: boolean }> {
    const state = pacerFor(host);
    const queues = processState().queues;
    const ahead = aheadOfQueue ? Promise.resolve() : (queues.get(host) ?? Promise.resolve());
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    if (!aheadOfQueue)
        queues.set(
            host,
            ahead.then(() => mine),
        );
    await ahead;
    try {
        const waited = await take(host, state, count, aheadOfQueue);
        // Read right after the synchronous grant: nothing can run in between.
        return { granted: state.lastGranted, waited };
    } finally {
        done();
    }
}

/** Waits for one token in turn and takes it; true when it had to wait for the bucket. */
export async function paced(host: string): Promise<boolean> {
    const { waited } = await acquire(host, 1);
    sendReserved(pacerFor(host));
    return waited;
}

/**
 * Paces ahead of the queue, taking the next refill before it: the rest of a reservation the bucket
 * could not back (made before the bucket size was known, or the server reported fewer tokens than
 * estimated; its GET has been answered, and every ms it waits is a ms in which a dashboard edit can
 * be overwritten), or a listing's next page (every ms it waits ages the pages it holds). True when
 * it had to wait.
 */
export async function pacedAheadOfQueue(host: string): Promise<boolean> {
    const state = pacerFor(host);
    const waited = await take(host, state, 1, true);
    sendReserved(state);
    return waited;
}

/** Header carrying a reservation id: the request spends it instead of queueing; never sent. */
export const PREPAID_HEADER = "x-auth0-sync-prepaid";

/** A reservation of back-to-back requests: send them with `headers`, then `release()`. */
export interface Reservation {
    readonly headers: Record<string, string>;
    /**
     * True when the next request can go at once. A reservation made before the bucket size was
     * known holds one request only; this takes the second now if the bucket has it.
     */
    ready(): boolean;
    /** Refunds what was not sent (e.g. no PATCH was needed). */
    release(): void;
}

/**
 * Reserves `count` back-to-back requests on the tenant's bucket. `aheadOfQueue` is for a
 * read-modify-write that already waited its turn and must read again.
 */
export async function reserve(host: string, count: number, aheadOfQueue = false): Promise<Reservation> {
    const { granted } = await acquire(host, count, aheadOfQueue);
    const { reservations } = processState();
    const id = `${host}#${Math.random().toString(36).slice(2)}`;
    reservations.set(id, granted);
    return {
        headers: { [PREPAID_HEADER]: id },
        ready() {
            const state = pacerFor(host);
            const left = reservations.get(id) ?? 0;
            if (left > 0) return reservationBacked(state, Date.now());
            if (!reservations.has(id) || planReserve(state, Date.now(), 1) > 0) return false;
            reservations.set(id, 1);
            return true;
        },
        release() {
            const left = reservations.get(id) ?? 0;
            reservations.delete(id);
            if (left > 0) refundReserved(pacerFor(host), left);
        },
    };
}

/** Spends one request of a reservation; false when it is used up or unknown (then queue as usual). */
export function spend(host: string, id: string | null): boolean {
    const { reservations } = processState();
    const left = id === null ? 0 : (reservations.get(id) ?? 0);
    if (left <= 0) return false;
    reservations.set(id!, left - 1);
    const state = pacerFor(host);
    if (!reservationBacked(state, Date.now())) {
        // Hand the token back and queue instead of sending into an empty bucket.
        refundReserved(state, 1);
        return false;
    }
    return sendReserved(state);
}
