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

// Bump when the output for the same source and options changes (a new override below).
const FORMAT = "2";

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
    // What decides the output besides the source: the compiler's version and the project's options.
    const salt = [FORMAT, JSON.parse(fs.readFileSync(tsPackage, "utf8")).version, fs.readFileSync(project, "utf8")].join("\0");
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
        return compiler.ts.transpileModule(source, { fileName: filename, compilerOptions: compiler.options }).outputText;
    };
    const fallback = require.extensions[".js"];
    const load = (module, filename) => {
        if (filename.split(path.sep).includes("node_modules")) return fallback(module, filename);
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
            try {
                // Written whole and renamed, so a process reading at the same time sees the old file or the new one.
                fs.mkdirSync(cacheDir, { recursive: true });
                const temp = `${file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`;
                fs.writeFileSync(temp, key + output);
                fs.renameSync(temp, file);
            } catch {
                // A read-only checkout: transpile again next time.
            }
        }
        module._compile(output, filename);
    };
    load.auth0SyncCache = true;
    require.extensions[".ts"] = load;
    // Stack traces point into the TypeScript sources, through the inline source maps.
    process.setSourceMapsEnabled(true);
}

module.exports = { register };
