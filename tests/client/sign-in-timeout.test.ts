import * as assert from "node:assert/strict";
import { ManagementError } from "auth0";
import { Auth0ApiError, Auth0NoResponseError } from "../../management-api/errors";
import { toApiError } from "../../management-api/sdk-calls";

describe("A sign-in the SDK gave up on", () => {
    it("is no answer, not a 408 from the server: the SDK aborts a silent /oauth/token after its own 10 s", () => {
        const sdk = new ManagementError({ message: "ManagementClient: token request timed out", statusCode: 408 });
        const err = toApiError(sdk, "GET", "/api/v2/connections");
        assert.ok(err instanceof Auth0NoResponseError, String(err));
        assert.equal(err.method, "POST");
        assert.equal(err.path, "/oauth/token");
        assert.match(err.message, /timed out/);
    });

    it("keeps a sign-in the server refused as the server's answer", () => {
        const sdk = new ManagementError({
            message: "ManagementClient: token request failed",
            statusCode: 401,
            body: { error: "access_denied", error_description: "Unauthorized" },
        });
        const err = toApiError(sdk, "GET", "/api/v2/connections");
        assert.ok(err instanceof Auth0ApiError, String(err));
        assert.equal(err.status, 401);
        assert.equal(err.path, "/oauth/token");
    });
});
