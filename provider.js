// The entry the engine's dynamic-provider process loads (through the small loader each resource's
// state carries, components/provider/loader.ts). Plain JavaScript, so it loads before TypeScript is
// set up: in a checkout it registers ts-node and loads the sources; in an install, the compiled bin/.
"use strict";
const path = require("node:path");
const fs = require("node:fs");

const source = path.join(__dirname, "components", "provider", "entry.ts");
const compiled = path.join(__dirname, "bin", "components", "provider", "entry.js");
let file = compiled;
if (fs.existsSync(source)) {
    try {
        if (!require.extensions[".ts"]) {
            require(require.resolve("ts-node", { paths: [__dirname] })).register({
                transpileOnly: true,
                project: path.join(__dirname, "tsconfig.json"),
            });
        }
        file = source;
    } catch {
        // No ts-node here: use the compiled bin/ below.
    }
}
if (!fs.existsSync(file)) {
    throw new Error(`cannot load the auth0-connection-sync provider from ${__dirname}: run npm run build there (no ${file}).`);
}
module.exports = require(file);
