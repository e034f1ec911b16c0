/**
 * The Pulumi SDK reads `new Error().stack` for every promise it makes (runtime/debuggable.js), only
 * to print it should the promise leak. With source maps installed (ts-node, the cached loader),
 * formatting each of those stacks maps every frame: measured with `npm run bench:profile-program`,
 * about a quarter of the program's CPU when it registers a few hundred settings. Those stacks get
 * V8's own format instead; every other stack (errors, the source positions the SDK records for each
 * resource) keeps its mapping to the TypeScript lines.
 */

const DEBUG_STACKS_FILE = "/@pulumi/pulumi/runtime/debuggable.js";
const INSTALLED = Symbol.for("auth0-connection-sync.plainSdkDebugStacks");

type Prepare = NonNullable<typeof Error.prepareStackTrace>;

/** V8's own format: the error's first line, then one `at` line per frame. */
function plain(error: Error, frames: NodeJS.CallSite[]): string {
    const head = error.message === "" ? error.name : `${error.name}: ${error.message}`;
    return [head, ...frames.map((f) => `    at ${f}`)].join("\n");
}

/**
 * Wraps the stack formatter in place now (a source-map one), once; with none there is nothing to
 * save, and with PULUMI_DEBUG_PROMISE_LEAKS set (as the SDK reads it) those stacks are what the user asked for. Call it
 * after the loaders are set up (index.ts does).
 */
export function plainSdkDebugStacks(): void {
    // Someone hunting a leaked promise wants those stacks mapped.
    if (process.env.PULUMI_DEBUG_PROMISE_LEAKS) return;
    const current = Error.prepareStackTrace;
    if (current === undefined || Reflect.get(current, INSTALLED) === true) return;
    const wrapped: Prepare = (error, frames) =>
        (frames[0]?.getFileName() ?? "").replace(/\\/g, "/").endsWith(DEBUG_STACKS_FILE) ? plain(error, frames) : current(error, frames);
    Object.defineProperty(wrapped, INSTALLED, { value: true });
    Error.prepareStackTrace = wrapped;
}
