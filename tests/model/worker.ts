/**
 * Worker-thread side of the model test. The providers keep their settings, clients and pacing in
 * one process-wide slot, so two sequences can share a thread only one after the other; a worker
 * thread has its own, so each worker runs seeds against its own emulator. Most of a sequence's time
 * is spent waiting (timeouts, back-offs, pacing), so more workers than cores pay. Seeds are handed
 * out one at a time, so a slow sequence does not hold up a whole share.
 */
import { parentPort, Worker, workerData } from "node:worker_threads";
import { runSeed, startWorld, type SeedResult } from "./property";
import type { RunSettings } from "./runner";

/** How a worker runs its seeds. */
export interface WorkerJob {
    readonly settings: RunSettings;
    readonly shrinkMs: number;
}

/** Worker to parent: ready for a seed (with the last result, if any), or failed. */
type ToParent =
    | { readonly kind: "ready"; readonly result?: SeedResult }
    | { readonly kind: "closed" }
    | { readonly kind: "error"; readonly message: string };
/** Parent to worker: the next seed, or stop. */
type ToWorker = { readonly kind: "seed"; readonly seed: number } | { readonly kind: "stop" };

async function work(job: WorkerJob): Promise<void> {
    const port = parentPort!;
    const world = await startWorld(job.settings);
    port.on("message", (m: ToWorker) => {
        if (m.kind === "stop") {
            // A close held open by a half-open TLS socket must not hold up the suite.
            const closed = Promise.race([world.emu.close(), new Promise((r) => setTimeout(r, 3000))]);
            void closed.then(() => port.postMessage({ kind: "closed" } satisfies ToParent));
            return;
        }
        runSeed(world, m.seed, job.shrinkMs).then(
            (result) => port.postMessage({ kind: "ready", result } satisfies ToParent),
            (err: unknown) =>
                port.postMessage({
                    kind: "error",
                    message: err instanceof Error ? (err.stack ?? err.message) : String(err),
                } satisfies ToParent),
        );
    });
    port.postMessage({ kind: "ready" } satisfies ToParent);
}

/** Runs seeds from `next()` in a new worker thread (TypeScript through the tests' cached loader) until it returns undefined. */
export function runInWorker(job: WorkerJob, next: () => number | undefined, onResult: (r: SeedResult) => void): Promise<void> {
    const boot = `require(${JSON.stringify(require.resolve("../helpers/register-ts.js"))}); require(${JSON.stringify(__filename)});`;
    const worker = new Worker(boot, { eval: true, workerData: job });
    return new Promise((resolve, reject) => {
        let stopped = false;
        worker.on("message", (m: ToParent) => {
            if (m.kind === "error") {
                reject(new Error(`model worker failed: ${m.message}`));
                void worker.terminate();
                return;
            }
            if (m.kind === "closed") {
                void worker.terminate();
                return;
            }
            if (m.result) onResult(m.result);
            const seed = next();
            stopped = seed === undefined;
            worker.postMessage((seed === undefined ? { kind: "stop" } : { kind: "seed", seed }) satisfies ToWorker);
        });
        worker.on("error", reject);
        worker.on("exit", (code) => (stopped ? resolve() : reject(new Error(`model worker exited early (code ${code})`))));
    });
}

if (parentPort !== null && (workerData as WorkerJob | undefined)?.settings !== undefined) {
    work(workerData as WorkerJob).catch((err: unknown) => {
        parentPort?.postMessage({
            kind: "error",
            message: err instanceof Error ? (err.stack ?? err.message) : String(err),
        } satisfies ToParent);
    });
}
