// TypeScript sources on `require`, as ts-node's transpile-only mode loads them (the compiler options
// of tsconfig.json, no type check), with each file's output kept on disk. Why: every engine
// operation starts a dynamic-provider process that loads the providers' sources, and transpiling
// them took ~1.1 s of each operation (loading the compiler alone ~0.4 s). With the cache a source
// is transpiled once per change; a process that finds every file cached never loads the compiler.
// Plain JavaScript: it runs before anything can load TypeScript. Used by provider.js in a checkout
// and by the test runners (tests/helpers/register-ts.js); an installed package loads bin/ instead.
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

/**
 * Registers the `.ts` loader for files outside node_modules, with the compiler options of
 * `project` (a tsconfig.json). Outputs are cached under the project's node_modules/.cache; where
 * that cannot be written, each process transpiles what it loads, as ts-node does.
 */
function register(project) {
    if (require.extensions[".ts"]?.auth0SyncCache) return;
    const root = path.dirname(project);
    const cacheDir = path.join(root, "node_modules", ".cache", "auth0-connection-sync", "ts");
    const tsPackage = require.resolve("typescript/package.json", { paths: [root] });
    // What decides the output besides the source: this loader, the compiler's version and the project's options.
    const salt = [
        fs.readFileSync(__filename, "utf8"),
        JSON.parse(fs.readFileSync(tsPackage, "utf8")).version,
        fs.readFileSync(project, "utf8"),
    ].join("\0");
    let compiler;
    const compile = (source, filename) => {
        if (compiler === undefined) {
            const ts = require(require.resolve("typescript", { paths: [root] }));
            const parsed = ts.getParsedCommandLineOfConfigFile(project, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
            if (!parsed) throw new Error(`cannot read the compiler options of ${project}`);
            // The output stands in for its source, so the inline map points back to the file itself (no outDir).
            const { outDir: _outDir, rootDir: _rootDir, sourceRoot: _sourceRoot, mapRoot: _mapRoot, ...own } = parsed.options;
            const options = {
                ...own,
                inlineSourceMap: true,
                inlineSources: true,
                sourceMap: false,
                declaration: false,
                declarationMap: false,
                noEmit: false,
            };
            compiler = { ts, options };
        }
        const out = compiler.ts.transpileModule(source, { fileName: filename, compilerOptions: compiler.options, reportDiagnostics: true });
        // What ts-node's transpile-only mode refuses (syntax errors) is refused here too, and never cached.
        const errors = (out.diagnostics ?? []).filter((d) => d.category === compiler.ts.DiagnosticCategory.Error);
        if (errors.length > 0) throw new Error(errors.map((d) => describe(compiler.ts, d)).join("\n"));
        return out.outputText;
    };
    const fallback = require.extensions[".js"];
    const load = (module, filename) => {
        // As ts-node: sources under node_modules (seen from the project) are not ours to transpile.
        if (path.relative(root, filename).split(path.sep).includes("node_modules")) return fallback(module, filename);
        const source = fs.readFileSync(filename, "utf8");
        const key = `// ${crypto.createHash("sha256").update(salt).update("\0").update(filename).update("\0").update(source).digest("hex")}\n`;
        const file = path.join(cacheDir, `${crypto.createHash("sha256").update(filename).digest("hex").slice(0, 40)}.js`);
        let output;
        try {
            const cached = fs.readFileSync(file, "utf8");
            if (cached.startsWith(key)) output = cached.slice(key.length);
        } catch {
            // Not cached yet.
        }
        if (output === undefined) {
            output = compile(source, filename);
            // Written whole and renamed, so a process reading at the same time sees the old file or the new one.
            const temp = `${file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`;
            try {
                fs.mkdirSync(cacheDir, { recursive: true });
                fs.writeFileSync(temp, key + output);
                fs.renameSync(temp, file);
            } catch {
                // A read-only checkout or a full disk: transpile again next time, leaving no partial file.
                try {
                    fs.rmSync(temp, { force: true });
                } catch {
                    // No folder to hold it: nothing was written.
                }
            }
        }
        outputs.set(filename, output);
        module._compile(output, filename);
    };
    load.auth0SyncCache = true;
    require.extensions[".ts"] = load;
    // Stack traces point into the TypeScript sources, through the inline source maps: Node's own
    // support, and the source-map-support copies the engine's hosts install (they replace Node's
    // formatter and would look for a map in the .ts file on disk).
    process.setSourceMapsEnabled(true);
    for (const [owner, id] of SOURCE_MAP_SUPPORT) {
        try {
            const base = path.dirname(require.resolve(`${owner}/package.json`, { paths: [root] }));
            const file = require.resolve(id, { paths: [base] });
            // Only a copy already in use: installing one would change how this process prints errors.
            if (require.cache[file] !== undefined)
                require(file).install({ retrieveFile: (p) => outputs.get(p) ?? null, handleUncaughtExceptions: false });
        } catch {
            // That host is not installed here.
        }
    }
}

/** The source-map-support copies of the engine's hosts: the dynamic-provider host's, the language host's ts-node's. */
const SOURCE_MAP_SUPPORT = [
    ["@pulumi/pulumi", "source-map-support"],
    ["ts-node", "@cspotcode/source-map-support"],
];

/** The outputs loaded in this process, by file: what a stack trace's source map is read from. */
const outputs = new Map();

/** A compiler diagnostic as ts-node words it: `file:line:col - error TS1005: ',' expected.` */
function describe(ts, d) {
    const text = ts.flattenDiagnosticMessageText(d.messageText, "\n");
    if (d.file === undefined || d.start === undefined) return `error TS${d.code}: ${text}`;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${d.file.fileName}:${line + 1}:${character + 1} - error TS${d.code}: ${text}`;
}

module.exports = { register };
