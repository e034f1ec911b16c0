/**
 * The engine stores a resource's serialized provider in its state twice (inputs and outputs), and
 * the file backend rewrites the whole state after every step. Our full provider serializes to
 * ~50 k characters, which made `create` of 100 connections 6.6x slower than the rate limit
 * (docs/benchmarks.md). So the closure the engine stores is this loader (~2.5 k characters): it
 * finds this package where the program runs and requires its `provider.js`, as a provider plugin
 * would be found. State written by earlier versions carries its full provider, or an earlier
 * loader that requires `components/provider/entry.ts` or `bin/components/provider/entry.js`
 * directly: keep those paths.
 *
 * Only the functions and constants below are captured; `require` is the dynamic-provider host's.
 */
import type * as pulumi from "@pulumi/pulumi";
import type * as Entry from "./entry";

const PACKAGE_NAME = "auth0-connection-sync";
const GLOBAL_KEY = "__auth0ConnectionSyncEntry";

type EntryModule = typeof Entry;
type PathModule = typeof import("node:path");
type FsModule = typeof import("node:fs");

/**
 * Loads `provider.js` (the package's plain-JS entry, which loads `entry`) once per process, from
 * the package as seen from `cwd`: installed beside the program, else the checkout the program lives
 * in (found by walking up). No comments inside: the body is stored in every resource's state.
 */
export function loadEntry(cwd: string): EntryModule {
    const g = globalThis as unknown as Record<string, EntryModule | undefined>;
    if (g[GLOBAL_KEY]) return g[GLOBAL_KEY];
    const p = require("node:path") as PathModule;
    const fs = require("node:fs") as FsModule;
    let f: string | undefined;
    try {
        f = require.resolve(`${PACKAGE_NAME}/provider.js`, { paths: [cwd] });
    } catch {
        for (let d = p.resolve(cwd); !f && p.dirname(d) !== d; d = p.dirname(d)) {
            const m = p.join(d, "package.json");
            if (fs.existsSync(m) && JSON.parse(fs.readFileSync(m, "utf8")).name === PACKAGE_NAME) f = p.join(d, "provider.js");
        }
    }
    if (!f) {
        throw new Error(
            `cannot load the ${PACKAGE_NAME} provider: the package is not installed where the Pulumi program runs (${cwd}). Run npm ci (or npm install ${PACKAGE_NAME}) in the program's directory and try again.`,
        );
    }
    return (g[GLOBAL_KEY] = require(f) as EntryModule);
}

// One object per kind: the SDK caches a provider's serialization by object identity.
const made = new Map<string, unknown>();

/** A provider whose every method loads the real one (`entry.providers[kind]`) at run time. */
export function thinProvider<K extends Entry.ProviderKind>(kind: K): EntryModule["providers"][K] {
    const known = made.get(kind);
    if (known !== undefined) return known as EntryModule["providers"][K];
    const real = () => loadEntry(process.cwd()).providers[kind] as Required<pulumi.dynamic.ResourceProvider>;
    const forward: pulumi.dynamic.ResourceProvider = {
        configure: async (r) => real().configure(r),
        check: async (o, n) => real().check(o, n),
        diff: async (i, o, n) => real().diff(i, o, n),
        create: async (n) => real().create(n),
        read: async (i, p) => real().read(i, p),
        update: async (i, o, n) => real().update(i, o, n),
        delete: async (i, p) => real().delete(i, p),
    };
    made.set(kind, forward);
    return forward as EntryModule["providers"][K];
}
