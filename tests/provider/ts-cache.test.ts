/**
 * The cached TypeScript loader (components/provider/ts-cache.js) that provider.js registers in a
 * checkout and the test runners use: each case runs fresh Node processes on a scratch project, as
 * the engine starts a new provider process per operation.
 */
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../../scripts/toolchain";

const LOADER = path.join(REPO_ROOT, "components", "provider", "ts-cache.js");

/** What a fresh process saw: the module's value, whether it loaded the compiler, and a stack line. */
interface Seen {
    readonly value: unknown;
    readonly compilerLoaded: boolean;
    readonly stackLine: string;
}

/**
 * Loads `src/main.ts` of `dir` in a new Node process through the loader; `preload` is required
 * first, as the engine's hosts load source-map-support before any of our code.
 */
function load(dir: string, preload?: string): Seen {
    const script = `
        ${preload === undefined ? "" : `require(${JSON.stringify(preload)});`}
        require(${JSON.stringify(LOADER)}).register(${JSON.stringify(path.join(dir, "tsconfig.json"))});
        const m = require(${JSON.stringify(path.join(dir, "src", "main.ts"))});
        let stackLine = "";
        try { m.fail(); } catch (err) { stackLine = err.stack.split("\\n")[1].trim(); }
        const compilerLoaded = Object.keys(require.cache).some((f) => f.includes(\`\${require("node:path").sep}typescript\${require("node:path").sep}lib\`));
        process.stdout.write(JSON.stringify({ value: m.value, compilerLoaded, stackLine }));`;
    return JSON.parse(
        execFileSync(process.execPath, ["-e", script], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }),
    ) as Seen;
}

function source(value: string): string {
    return [
        "interface Shape { readonly n: number }",
        `export const value: string = ${JSON.stringify(value)};`,
        "export function fail(): never {",
        "    const shape: Shape = { n: 1 };",
        '    throw new Error("failed " + String(shape.n));',
        "}",
        "",
    ].join("\n");
}

describe("The cached TypeScript loader of a checkout", () => {
    let dir: string;

    let tmp: string;

    /** A scratch project in `at`: TypeScript and @pulumi/pulumi installed, one source file. */
    function scratch(at: string): string {
        mkdirSync(path.join(at, "node_modules", "@pulumi"), { recursive: true });
        symlinkSync(path.join(REPO_ROOT, "node_modules", "typescript"), path.join(at, "node_modules", "typescript"), "dir");
        symlinkSync(path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi"), path.join(at, "node_modules", "@pulumi", "pulumi"), "dir");
        // As in this project: sources below the root, compiled to bin/ (the map must still point at the source).
        writeFileSync(
            path.join(at, "tsconfig.json"),
            JSON.stringify({ compilerOptions: { target: "es2022", module: "node16", strict: true, rootDir: ".", outDir: "bin" } }),
        );
        mkdirSync(path.join(at, "src"));
        writeFileSync(path.join(at, "src", "main.ts"), source("first"));
        return at;
    }

    beforeEach(() => {
        tmp = mkdtempSync(path.join(os.tmpdir(), "ts-cache-"));
        dir = scratch(path.join(tmp, "project"));
    });

    afterEach(() => {
        rmSync(tmp, { recursive: true, force: true });
    });

    it("transpiles a file once; the next process loads it from the cache without loading the compiler", () => {
        const first = load(dir);
        const second = load(dir);
        assert.deepEqual([first.value, first.compilerLoaded], ["first", true]);
        assert.deepEqual([second.value, second.compilerLoaded], ["first", false]);
    });

    it("transpiles again when the source changes, and never serves the old output", () => {
        load(dir);
        writeFileSync(path.join(dir, "src", "main.ts"), source("second"));
        const seen = load(dir);
        assert.equal(seen.value, "second");
        assert.equal(seen.compilerLoaded, true);
    });

    it("transpiles again when the compiler options change", () => {
        load(dir);
        writeFileSync(
            path.join(dir, "tsconfig.json"),
            JSON.stringify({ compilerOptions: { target: "es2020", module: "node16", strict: true } }),
        );
        assert.equal(load(dir).compilerLoaded, true);
    });

    it("points stack traces at the line of the TypeScript source", () => {
        load(dir);
        for (const seen of [load(dir), load(dir)])
            assert.match(seen.stackLine, new RegExp(`${path.join(dir, "src", "main.ts").replace(/[/\\.]/g, "\\$&")}:5:11`));
    });

    it("points stack traces at the TypeScript line also where source-map-support formats them (the engine's hosts)", () => {
        const sourceMapSupport = require.resolve("source-map-support/register", {
            paths: [path.dirname(require.resolve("@pulumi/pulumi/package.json"))],
        });
        load(dir, sourceMapSupport);
        const where = new RegExp(`${path.join(dir, "src", "main.ts").replace(/[/\\.]/g, "\\$&")}:5:11`);
        for (const seen of [load(dir, sourceMapSupport), load(dir, sourceMapSupport)]) assert.match(seen.stackLine, where);
    });

    it("refuses a syntax error as ts-node does, naming the file and line, and caches nothing for it", () => {
        writeFileSync(path.join(dir, "src", "main.ts"), `${source("first")}export const broken = Math.max(1 2);\n`);
        for (let i = 0; i < 2; i++) {
            assert.throws(
                () => load(dir),
                (err: Error) => /main\.ts:7:\d+ - error TS1005: ',' expected/.test(String(Reflect.get(err, "stderr"))),
            );
        }
        writeFileSync(path.join(dir, "src", "main.ts"), source("fixed"));
        assert.equal(load(dir).value, "fixed");
    });

    it("transpiles a checkout that lies below a node_modules folder", () => {
        const nested = scratch(path.join(tmp, "node_modules", "checkout"));
        assert.equal(load(nested).value, "first");
    });

    it("still loads, transpiling each time, where the cache cannot be written", () => {
        // A file where the cache folder would go: no folder can be made below it.
        writeFileSync(path.join(dir, "node_modules", ".cache"), "");
        const seen = [load(dir), load(dir)];
        assert.deepEqual(
            seen.map((s) => [s.value, s.compilerLoaded]),
            [
                ["first", true],
                ["first", true],
            ],
        );
    });
});

describe("The program's sources under the language host (program/fast-load.ts)", () => {
    /** Whether the `.ts` loader is ours after program/fast-load ran under ts-node, as the language host registers it. */
    function cachedAfterFastLoad(transpileOnly: string | undefined): boolean {
        const script = `
            require("ts-node").register({ transpileOnly: true });
            require(${JSON.stringify(path.join(REPO_ROOT, "program", "fast-load.ts"))});
            process.stdout.write(String(require.extensions[".ts"].auth0SyncCache === true));`;
        const env = { ...process.env };
        delete env.PULUMI_NODEJS_TRANSPILE_ONLY;
        if (transpileOnly !== undefined) env.PULUMI_NODEJS_TRANSPILE_ONLY = transpileOnly;
        return execFileSync(process.execPath, ["-e", script], { cwd: REPO_ROOT, env, encoding: "utf8" }) === "true";
    }

    it("loads them through the cache when the language host only transpiles", () => {
        assert.equal(cachedAfterFastLoad("true"), true);
    });

    it("leaves them to the language host's ts-node when it checks types", () => {
        assert.equal(cachedAfterFastLoad(undefined), false);
        assert.equal(cachedAfterFastLoad("false"), false);
    });
});
