/**
 * Imported first by index.ts. When the language host only transpiles (PULUMI_NODEJS_TRANSPILE_ONLY=true,
 * as `npm start` and the workflows run it), the program's own sources load through the cached loader
 * the providers use (components/provider/ts-cache.js): transpiled once per change instead of on every
 * preview and up. With type checking on (the language host's default), its ts-node keeps loading and
 * checking them; compiled (bin/), there is nothing to load.
 */
import * as path from "node:path";
import type * as TsCache from "../components/provider/ts-cache";

if (process.env.PULUMI_NODEJS_TRANSPILE_ONLY === "true" && path.extname(__filename) === ".ts") {
    const cache: typeof TsCache = require("../components/provider/ts-cache.js");
    cache.register(path.join(__dirname, "..", "tsconfig.json"));
}
