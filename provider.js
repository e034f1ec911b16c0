// The entry the engine's dynamic-provider process loads (through the small loader each resource's
// state carries, components/provider/loader.ts). Plain JavaScript, so it loads before TypeScript is
// set up: in a checkout it registers the TypeScript loader (components/provider/ts-cache.js) and loads
// the sources; in an install, the compiled bin/.
"use strict";
const path = require("node:path");
const fs = require("node:fs");

const source = path.join(__dirname, "components", "provider", "entry.ts");
const compiled = path.join(__dirname, "bin", "components", "provider", "entry.js");
let file = compiled;
if (fs.existsSync(source)) {
    try {
        // A process that loads TypeScript already (a test runner) keeps its loader.
        if (!require.extensions[".ts"]) require("./components/provider/ts-cache.js").register(path.join(__dirname, "tsconfig.json"));
        file = source;
    } catch {
        // No TypeScript compiler here: use the compiled bin/ below.
    }
}
if (!fs.existsSync(file)) {
    throw new Error(`cannot load the auth0-connection-sync provider from ${__dirname}: run npm run build there (no ${file}).`);
}
module.exports = require(file);
