import * as assert from "node:assert/strict";
import { positionalAliases } from "../../components/ConnectionSync";

describe("ConnectionSync: the positional names tokens take over when a list becomes names", () => {
    it("gives each earlier positional name to at most one token, never as an alias of a declared name", () => {
        assert.deepEqual(positionalAliases(["0", "1"]), [undefined, undefined], "a list is its own positional names");
        assert.deepEqual(positionalAliases(["okta", "azure"]), ["0", "1"], "names take their positions");
        // "1" is the list's second resource already; "2" takes the first, which no one else claims.
        assert.deepEqual(positionalAliases(["1", "2"]), [undefined, "0"]);
        assert.deepEqual(positionalAliases(["x", "0"]), ["1", undefined]);
    });
});
