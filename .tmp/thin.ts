import * as pulumi from "@pulumi/pulumi";
const ENTRY = "components/provider/entry";
function load(): unknown {
    const path = require("node:path") as typeof import("node:path");
    return require(path.join(process.cwd(), ENTRY));
}
const p = { create: async () => load() };
(async () => {
    const s = await pulumi.runtime.serializeFunction(() => p, { allowSecrets: false });
    console.log(s.text);
})();
