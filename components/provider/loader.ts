/**
 * The engine stores a resource's serialized provider in its state twice (inputs and outputs), and
 * the file backend rewrites the whole state after every step, so each stored character is written
 * about (resources ÷ 2) times in one `up`. Our full provider serializes to ~50 k characters; what
 * the engine stores instead is the small object `thinProvider` makes (~1.3 k characters): its kind,
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

/**
 * The real provider of `kind`, from `provider.js` of the package as seen from the working folder:
 * installed beside the program, else the checkout the program lives in (found by walking up). The
 * entry loaded first is kept on `globalThis` under the key every earlier loader used, so state
 * written by several versions shares one entry (one pacer, one run's token facts) per process.
 * No comments inside, and short names: the body is stored in every resource's state.
 */
function loadProvider(kind: Entry.ProviderKind): Real {
    const g = globalThis as unknown as Record<string, EntryModule | undefined>;
    const k = "__auth0ConnectionSyncEntry";
    const n = "auth0-connection-sync";
    const cwd = process.cwd();
    const p = require("node:path") as typeof import("node:path");
    const fs = require("node:fs") as typeof import("node:fs");
    let f: string | undefined;
    try {
        f = g[k] ? "" : require.resolve(`${n}/provider.js`, { paths: [cwd] });
    } catch {
        for (let d = p.resolve(cwd); !f && p.dirname(d) !== d; d = p.dirname(d)) {
            const m = p.join(d, "package.json");
            if (fs.existsSync(m) && JSON.parse(fs.readFileSync(m, "utf8")).name === n) f = p.join(d, "provider.js");
        }
        if (!f)
            throw new Error(
                `cannot load the ${n} provider: the package is not installed where the Pulumi program runs (${cwd}). Run npm ci (or npm install ${n}) in the program's directory and try again.`,
            );
    }
    g[k] ??= require(f) as EntryModule;
    return g[k].providers[kind] as Real;
}

// One object per kind: the SDK caches a provider's serialization by object identity.
const made = new Map<string, pulumi.dynamic.ResourceProvider>();

/**
 * The provider a resource of `kind` stores: `configure` (which the engine's host calls once per
 * stored provider, before any other method, on the object it then calls) loads the real provider
 * and copies its methods onto this object. Until then every method fails: a host that never calls
 * `configure` must not read a missing `delete` or `update` as done. If loading fails, the methods
 * keep failing, since the host keeps the object even when `configure` throws.
 */
export function thinProvider(kind: Entry.ProviderKind): pulumi.dynamic.ResourceProvider {
    const known = made.get(kind);
    if (known !== undefined) return known;
    const no = async () => {
        throw new Error(
            "auth0-connection-sync: provider not loaded (configure() failed, see the first error, or the host never called it)",
        );
    };
    const thin: pulumi.dynamic.ResourceProvider = {
        check: no,
        diff: no,
        create: no,
        read: no,
        update: no,
        delete: no,
        async configure(req) {
            const r = loadProvider(kind);
            Object.assign(this, {
                check: r.check.bind(r),
                diff: r.diff.bind(r),
                create: r.create.bind(r),
                read: r.read.bind(r),
                update: r.update.bind(r),
                delete: r.delete.bind(r),
            });
            return r.configure(req);
        },
    };
    made.set(kind, thin);
    return thin;
}
