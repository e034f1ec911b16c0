import * as pulumi from "@pulumi/pulumi";
import { thinProvider } from "../components/provider/loader";
(async () => {
    const s = await pulumi.runtime.serializeFunction((p => () => p)(thinProvider("ProfileSync")), { allowSecrets: false });
    console.log(s.text.length);
    require("fs").writeFileSync("/tmp/thin.js", s.text);
})();
