import * as assert from "node:assert/strict";
import { resetProcessState } from "../../components/provider/process";
import { chooseCredentials, normalizeDomain, resolveCredentials, storeSettings } from "../../management-api/settings";

/**
 * The one credential rule the program, the providers and the export share
 * (management-api/settings.ts): a whole set from one source, never a mix.
 */
describe("Credential resolution (program, providers and export alike)", () => {
    const client = { domain: "dev.eu.auth0.com", clientId: "dev-client", clientSecret: "dev-secret-value" };
    const prodEnv = { AUTH0_DOMAIN: "prod.eu.auth0.com", AUTH0_CLIENT_ID: "prod-client", AUTH0_CLIENT_SECRET: "prod-secret-value" };

    afterEach(() => resetProcessState());

    it("takes the stack config's set whole when it holds one, and says so", () => {
        const chosen = chooseCredentials(client, { AUTH0_API_TOKEN: "env-token-value" });
        assert.deepEqual(chosen, {
            source: "stack config",
            host: client.domain,
            scheme: "https",
            kind: "client",
            clientId: client.clientId,
            clientSecret: client.clientSecret,
        });
    });

    it("takes the environment's set whole when the stack config holds no credential", () => {
        const chosen = chooseCredentials({ domain: "https://prod.eu.auth0.com/" }, prodEnv);
        assert.deepEqual(chosen, {
            source: "environment",
            host: prodEnv.AUTH0_DOMAIN,
            scheme: "https",
            kind: "client",
            clientId: prodEnv.AUTH0_CLIENT_ID,
            clientSecret: prodEnv.AUTH0_CLIENT_SECRET,
        });
    });

    it("refuses two different tenants, naming both and no secret", () => {
        for (const stack of [client, { domain: client.domain }]) {
            assert.throws(
                () => chooseCredentials(stack, prodEnv),
                (err: Error) => {
                    assert.match(
                        err.message,
                        /auth0:domain names https:\/\/dev\.eu\.auth0\.com but AUTH0_DOMAIN names https:\/\/prod\.eu\.auth0\.com/,
                    );
                    assert.doesNotMatch(err.message, /secret-value/);
                    return true;
                },
            );
        }
    });

    it("never completes one source's set from the other", () => {
        const cases: Array<[string, Parameters<typeof chooseCredentials>[0], NodeJS.ProcessEnv, RegExp]> = [
            [
                "a stack domain with an environment secret",
                { domain: "dev.eu.auth0.com" },
                { AUTH0_CLIENT_ID: "c", AUTH0_CLIENT_SECRET: "s" },
                /set AUTH0_DOMAIN, the tenant AUTH0_CLIENT_SECRET belongs to/,
            ],
            [
                "a stack secret with an environment domain",
                { clientId: "c", clientSecret: "s" },
                { AUTH0_DOMAIN: "dev.eu.auth0.com" },
                /set the stack config auth0:domain, the tenant auth0:clientSecret belongs to/,
            ],
            [
                "a stack client id with an environment secret",
                { domain: "dev.eu.auth0.com", clientId: "c" },
                { AUTH0_DOMAIN: "dev.eu.auth0.com", AUTH0_CLIENT_SECRET: "s" },
                /credentials incomplete in the stack config: auth0:clientSecret is missing/,
            ],
        ];
        for (const [what, stack, env, message] of cases) {
            assert.throws(() => chooseCredentials(stack, env), message, what);
        }
    });

    it("is what resolveCredentials (the client's only way in) applies, recording the source", () => {
        storeSettings({ domain: "dev.eu.auth0.com" });
        const creds = resolveCredentials({ AUTH0_DOMAIN: "dev.eu.auth0.com", AUTH0_API_TOKEN: "env-token-value" });
        assert.equal(creds.source, "environment");
        assert.equal(creds.host, "dev.eu.auth0.com");
        storeSettings(client);
        assert.throws(() => resolveCredentials(prodEnv), /names https:\/\/dev\.eu\.auth0\.com but AUTH0_DOMAIN names https:\/\/prod/);
    });
});

describe("A domain with a user name or password", () => {
    it("is refused the same way for user@ and :password@, without repeating either", () => {
        const messages = [
            "https://:hunter2-password@tenant.eu.auth0.com",
            "https://someone@tenant.eu.auth0.com",
            "https://someone:hunter2-password@tenant.eu.auth0.com",
        ].map((domain) => {
            try {
                normalizeDomain(domain);
            } catch (err) {
                return (err as Error).message;
            }
            return assert.fail(`${domain} was accepted`);
        });
        assert.deepEqual(new Set(messages).size, 1, messages.join("\n"));
        assert.match(
            messages[0],
            /^auth0:domain must be a bare host name such as "my-tenant\.eu\.auth0\.com", without a user name or password$/,
        );
        assert.doesNotMatch(messages[0], /hunter2|someone/);
    });

    it("names the variable it came from", () => {
        assert.throws(
            () => chooseCredentials({}, { AUTH0_DOMAIN: "https://:pw@tenant.eu.auth0.com", AUTH0_API_TOKEN: "t" }),
            /^SettingsError: AUTH0_DOMAIN must be a bare host name/,
        );
    });
});
