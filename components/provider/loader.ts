/**
 * The engine stores a resource's serialized provider in its state twice (inputs and outputs), and
 * the file backend rewrites the whole state after every step. Our full provider serializes to
 * ~50 k characters, which made `create` of 100 connections 6.6x slower than the rate limit
 * (docs/benchmarks.md). So the closure the engine stores is this loader (~3 k characters): it
 * finds this package where the program runs and requires `entry`, as a provider plugin would be
 * found. State written by earlier versions carries its full provider and keeps running it.
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
type TsNode = { register(options: { transpileOnly: boolean; project: string }): unknown };

/** The root of this package as seen from `cwd`: installed beside the program, or the checkout the program lives in. */
export function packageRootFrom(cwd: string): string {
    const path = require("node:path") as PathModule;
    const fs = require("node:fs") as FsModule;
    try {
        return path.dirname(require.resolve(`${PACKAGE_NAME}/package.json`, { paths: [cwd] }));
    } catch {
        // Not installed as a dependency: the program is this repository or a folder inside it.
    }
    for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
        const manifest = path.join(dir, "package.json");
        if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string }).name === PACKAGE_NAME) {
            return dir;
        }
        if (path.dirname(dir) === dir) break;
    }
    throw new Error(
        `cannot load the ${PACKAGE_NAME} provider: the package is not installed where the Pulumi program runs (${cwd}). ` +
            `Run npm ci (or npm install ${PACKAGE_NAME}) in the program's directory and try again.`,
    );
}

/** Loads `entry` once per process: the TypeScript source in a checkout, else the compiled JavaScript. */
export function loadEntry(cwd: string): EntryModule {
    const holder = globalThis as unknown as Record<string, EntryModule | undefined>;
    const loaded = holder[GLOBAL_KEY];
    if (loaded !== undefined) return loaded;
    const path = require("node:path") as PathModule;
    const fs = require("node:fs") as FsModule;
    const root = packageRootFrom(cwd);
    const source = path.join(root, "components", "provider", "entry.ts");
    const compiled = path.join(root, "bin", "components", "provider", "entry.js");
    let file = compiled;
    if (fs.existsSync(source)) {
        try {
            // A process that already compiles TypeScript (mocha, ts-node scripts) needs no second hook.
            if (require.extensions[".ts"] === undefined) {
                const tsNode = require(require.resolve("ts-node", { paths: [root] })) as TsNode;
                tsNode.register({ transpileOnly: true, project: path.join(root, "tsconfig.json") });
            }
            file = source;
        } catch {
            // No ts-node (a package with its sources but without dev dependencies): use bin/.
        }
    }
    if (file === compiled && !fs.existsSync(compiled)) {
        throw new Error(`cannot load the ${PACKAGE_NAME} provider from ${root}: run npm run compile there (no ${compiled}).`);
    }
    const entry = require(file) as EntryModule;
    holder[GLOBAL_KEY] = entry;
    return entry;
}

// One object per kind: the SDK caches a provider's serialization by object identity.
const made = new Map<string, unknown>();

/** A provider whose every method loads the real one (`entry.providers[kind]`) at run time. */
export function thinProvider<K extends Entry.ProviderKind>(kind: K): EntryModule["providers"][K] {
    const known = made.get(kind);
    if (known !== undefined) return known as EntryModule["providers"][K];
    const real = () => loadEntry(process.cwd()).providers[kind] as pulumi.dynamic.ResourceProvider;
    const forward: pulumi.dynamic.ResourceProvider = {
        configure: async (req) => real().configure!(req),
        check: async (olds, news) => real().check!(olds, news),
        diff: async (id, olds, news) => real().diff!(id, olds, news),
        create: async (inputs) => real().create(inputs),
        read: async (id, props) => real().read!(id, props),
        update: async (id, olds, news) => real().update!(id, olds, news),
        delete: async (id, props) => real().delete!(id, props),
    };
    made.set(kind, forward);
    return forward as EntryModule["providers"][K];
}
