/**
 * The engine stores a resource's serialized provider in its state twice (inputs and outputs), and
 * the file backend rewrites the whole state after every step, so each stored character is written
 * about (resources ÷ 2) times in one `up`. Our full provider serializes to ~50 k characters; what
 * the engine stores instead is the small object `thinProvider` makes (~2 k characters): its kind,
 * and a `configure` that finds this package where the program runs, requires its `provider.js` (as
 * a provider plugin would be found) and takes on the real provider's methods. State written by
 * earlier versions carries its full provider, a loader with one forwarder per method (release
 * 0.1.0), or an earlier loader that requires `components/provider/entry.ts` or
 * `bin/components/provider/entry.js` directly: keep those paths and `entry.ts`'s exports.
 *
 * Only the functions and constants below are captured; `require` is the dynamic-provider host's.
 */
import type * as pulumi from "@pulumi/pulumi";
import type * as Entry from "./entry";

type EntryModule = typeof Entry;
type Real = Required<pulumi.dynamic.ResourceProvider>;

/** What the engine stores: the kind, and methods that fail until `configure` replaces them. */
interface Thin extends pulumi.dynamic.ResourceProvider {
    readonly kind: Entry.ProviderKind;
}

/**
 * Loads the real provider of `this.kind` from `provider.js` of the package as seen from the
 * working folder (installed beside the program, else the checkout the program lives in, found by
 * walking up), configures it and only then copies its methods onto `this` (they are plain
 * functions of an object literal, see skeleton.ts): the host keeps this object even when
 * `configure` throws (a typo in the stack config), and its methods must then keep failing rather
 * than serve resources with no settings. The entry loaded first is kept on
 * `globalThis` under the key every earlier loader used, so state written by several versions
 * shares one entry (one pacer, one run's token facts) per process. No comments inside, and short
 * names: the body is stored in every resource's state.
 */
async function configure(this: Thin, req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    const g = globalThis as unknown as Record<string, EntryModule | undefined>;
    const n = "auth0-connection-sync";
    const cwd = process.cwd();
    const p = require("node:path") as typeof import("node:path");
    let f: string | undefined;
    try {
        f = g.__auth0ConnectionSyncEntry ? "" : require.resolve(`${n}/provider.js`, { paths: [cwd] });
    } catch {
        for (let d = cwd; !f && p.dirname(d) !== d; d = p.dirname(d)) {
            try {
                if (JSON.parse(require("node:fs").readFileSync(p.join(d, "package.json"), "utf8")).name === n) f = p.join(d, "provider.js");
            } catch {}
        }
        if (!f)
            throw new Error(`cannot load the ${n} provider: it is not installed where the Pulumi program runs (${cwd}). Run npm ci there.`);
    }
    g.__auth0ConnectionSyncEntry ??= require(f) as EntryModule;
    const r: Real = g.__auth0ConnectionSyncEntry.providers[this.kind];
    await r.configure(req);
    Object.assign(this, r);
}

async function notLoaded(): Promise<never> {
    throw new Error(
        "auth0-connection-sync: provider not loaded: its configure() failed (the first error says why) or the host never called it (@pulumi/pulumi before November 2024)",
    );
}

// One object per kind: the SDK caches a provider's serialization by object identity.
const made = new Map<string, Thin>();

/**
 * The provider a resource of `kind` stores: the engine's host calls `configure` once per stored
 * provider, before any other method, on the object it then calls; `configure` loads the real
 * provider and takes on its methods. Until then every method fails: a host that never calls
 * `configure` must not read a missing `delete` or `update` as done, and the host keeps the object
 * even when `configure` throws.
 */
export function thinProvider(kind: Entry.ProviderKind): pulumi.dynamic.ResourceProvider {
    const known = made.get(kind);
    if (known !== undefined) return known;
    const thin: Thin = {
        kind,
        check: notLoaded,
        diff: notLoaded,
        create: notLoaded,
        read: notLoaded,
        update: notLoaded,
        delete: notLoaded,
        configure,
    };
    made.set(kind, thin);
    return thin;
}
