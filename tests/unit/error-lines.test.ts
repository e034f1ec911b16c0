import * as assert from "node:assert/strict";
import { CliError, errorLines } from "../helpers/cli";

/** What `pulumi up` printed for a profile-sync create whose PATCHes all timed out and landed later (issue 27). */
const INIT_ERROR_STDOUT = `Updating (probe):

 +  pulumi:pulumi:Stack auth0-connection-sync-probe creating (0s)
 +  pulumi-nodejs:dynamic/auth0-connection-sync:ProfileSync okta-workforce-profile-sync creating (6s) error: 1 error occurred:
 +  pulumi-nodejs:dynamic/auth0-connection-sync:ProfileSync okta-workforce-profile-sync **creating failed** error: 1 error occurred:
 +  pulumi:pulumi:Stack auth0-connection-sync-probe creating (29s) error: update failed
 +  auth0-connection-sync:index:ConnectionSync okta-workforce created
 +  pulumi:pulumi:Stack auth0-connection-sync-probe **creating failed** 1 error
Diagnostics:
  pulumi:pulumi:Stack (auth0-connection-sync-probe):
    error: update failed

  pulumi-nodejs:dynamic/auth0-connection-sync:ProfileSync (okta-workforce-profile-sync):
    error: 1 error occurred:
    \t* Auth0 API PATCH /api/v2/connections/con_lmGDBHHtE5Y3ukT2 failed: timed out after 1000 ms

Resources:
    + 2 created
    2 errored
`;

describe("The error lines of a failed engine run", () => {
    it("reads the causes listed under 'N errors occurred', as the engine prints a create that failed after it wrote", () => {
        assert.deepEqual(errorLines(new CliError("up", 1, INIT_ERROR_STDOUT, "")), [
            "error: Auth0 API PATCH /api/v2/connections/con_lmGDBHHtE5Y3ukT2 failed: timed out after 1000 ms",
        ]);
    });

    it("keeps a plain error line and drops the engine's own summaries", () => {
        const stdout = [
            "Diagnostics:",
            "  pulumi-nodejs:dynamic/auth0-connection-sync:ScimToken (acme-saml-scim-token-idp):",
            "    error: Auth0 API POST /api/v2/connections/con_1/scim-configuration/tokens failed with 503: Injected fault",
            "  pulumi:pulumi:Stack (auth0-connection-sync-x):",
            "    error: update failed",
        ].join("\n");
        assert.deepEqual(errorLines(new CliError("up", 255, stdout, "")), [
            "error: Auth0 API POST /api/v2/connections/con_1/scim-configuration/tokens failed with 503: Injected fault",
        ]);
    });

    it("lists every cause of a multi-error once, and stops reading bullets at the first other line", () => {
        const stdout = ["    error: 2 errors occurred:", "    \t* first cause", "    \t* second cause", "", "  * not a cause"].join("\n");
        assert.deepEqual(errorLines(new Error(stdout)), ["error: first cause", "error: second cause"]);
    });

    it("finds nothing in output that names no error", () => {
        assert.deepEqual(errorLines(new Error("Resources:\n    + 2 created")), []);
    });
});
