import * as pulumi from "@pulumi/pulumi";
import { profileSyncProvider } from "../components/provider/profileSyncProvider";
import { scimTokenProvider } from "../components/provider/scimTokenProvider";
(async () => {
  for (const [n, p] of Object.entries({ profileSyncProvider, scimTokenProvider })) {
    const s = await pulumi.runtime.serializeFunction(() => p, { allowSecrets: false });
    console.log(n, s.text.length);
    require("fs").writeFileSync(`/tmp/${n}.js`, s.text);
  }
})();
