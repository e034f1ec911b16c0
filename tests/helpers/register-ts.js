// The test runners' TypeScript loader (.mocharc.json, the model test's worker threads): the one the
// providers use in a checkout (components/provider/ts-cache.js), so a test process and the engine's
// provider processes share one cache of transpiled sources.
"use strict";
const path = require("node:path");

require("../../components/provider/ts-cache.js").register(path.join(__dirname, "..", "..", "tsconfig.json"));
