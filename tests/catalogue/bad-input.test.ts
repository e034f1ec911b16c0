import * as assert from "node:assert/strict";
import type { RunningEmulator } from "../../emulator";
import { parseConnectionsConfig, formatFailures } from "../../program/config";
import { resolveConnections } from "../../program/resolve";
import { getApi } from "../../management-api/client";
import { resetProcessState } from "../../components/provider/process";
import { storeSettings } from "../../management-api/settings";
import { apiCalls, startForProvider, useEmulator } from "../helpers/api";

const M = { auth0: "email", scim: "userName" };

/** [what, config, expected path, expected words in the reason]: config errors found with no API call at all. */
const CONFIG_CASES: Array<[string, unknown, string, RegExp]> = [
    [
        "wrong mode",
        { a: { profileSync: "sometimes" } },
        "connections.a.profileSync",
        /one of on_each_login, on_first_login, never_on_login/,
    ],
    ["mode of wrong type", { a: { profileSync: 3 } }, "connections.a.profileSync", /one of on_each_login/],
    ["wrong mode in object form", { a: { profileSync: { mode: "x" } } }, "connections.a.profileSync.mode", /one of/],
    ["profile sync without mode", { a: { profileSync: { onDelete: "restore" } } }, "connections.a.profileSync.mode", /is required/],
    [
        "wrong profile onDelete",
        { a: { profileSync: { mode: "on_first_login", onDelete: "delete" } } },
        "connections.a.profileSync.onDelete",
        /one of retain, restore/,
    ],
    ["empty SCIM mapping", { a: { scim: { mapping: [] } } }, "connections.a.scim.mapping", /at least one .*default mapping/],
    ["SCIM mapping not a list", { a: { scim: { mapping: "email" } } }, "connections.a.scim.mapping", /list of \{auth0, scim\}/],
    ["SCIM pair without scim", { a: { scim: { mapping: [{ auth0: "email" }] } } }, "connections.a.scim.mapping[0].scim", /required/],
    [
        "SCIM pair with empty auth0",
        { a: { scim: { mapping: [{ auth0: "", scim: "x" }] } } },
        "connections.a.scim.mapping[0].auth0",
        /non-empty/,
    ],
    [
        "SCIM pair with blank scim",
        { a: { scim: { mapping: [{ auth0: "email", scim: "   " }] } } },
        "connections.a.scim.mapping[0].scim",
        /non-empty/,
    ],
    [
        "SCIM pair with an extra key",
        { a: { scim: { mapping: [{ ...M, idp: "x" }] } } },
        "connections.a.scim.mapping[0].idp",
        /not a known setting/,
    ],
    ["duplicate SCIM pairs", { a: { scim: { mapping: [M, M] } } }, "connections.a.scim.mapping[1]", /duplicates mapping\[0\]/],
    [
        "one Auth0 attribute mapped twice",
        { a: { scim: { mapping: [M, { auth0: "email", scim: "emails" }] } } },
        "connections.a.scim.mapping[1]",
        /second time/,
    ],
    ["empty userIdAttribute", { a: { scim: { userIdAttribute: "" } } }, "connections.a.scim.userIdAttribute", /non-empty/],
    ["wrong SCIM onDelete", { a: { scim: { onDelete: "restore" } } }, "connections.a.scim.onDelete", /one of delete, retain/],
    ["adoptExisting not boolean", { a: { scim: { adoptExisting: "yes" } } }, "connections.a.scim.adoptExisting", /true or false/],
    [
        "unknown SCIM field",
        { a: { scim: { userIdAtribute: "x" } } },
        "connections.a.scim.userIdAtribute",
        /not a known setting \(allowed: userIdAttribute, mapping, onDelete, adoptExisting, tokens\)/,
    ],
    ["SCIM not a map", { a: { scim: true } }, "connections.a.scim", /must be a map/],
    ["token without scopes", { a: { scim: { tokens: [{}] } } }, "connections.a.scim.tokens[0].scopes", /required|at least one/],
    [
        "token with an unknown scope",
        { a: { scim: { tokens: [{ scopes: ["read:users"] }] } } },
        "connections.a.scim.tokens[0].scopes[0]",
        /get\|post\|put\|patch\|delete/,
    ],
    [
        "token with a repeated scope",
        { a: { scim: { tokens: [{ scopes: ["get:users", "get:users"] }] } } },
        "connections.a.scim.tokens[0].scopes",
        /repeat/,
    ],
    [
        "token lifetime too short",
        { a: { scim: { tokens: [{ scopes: ["get:users"], tokenLifetime: 60 }] } } },
        "connections.a.scim.tokens[0].tokenLifetime",
        /at least 900/,
    ],
    [
        "token lifetime fractional",
        { a: { scim: { tokens: [{ scopes: ["get:users"], tokenLifetime: 1000.5 }] } } },
        "connections.a.scim.tokens[0].tokenLifetime",
        /whole number/,
    ],
    ["tokens neither a map nor a list", { a: { scim: { tokens: "get:users" } } }, "connections.a.scim.tokens", /map from token name/],
    ["one token's fields without a name", { a: { scim: { tokens: { scopes: [] } } } }, "connections.a.scim.tokens.scopes", /must be a map/],
    [
        "three tokens on one connection, which can never fit",
        { a: { scim: { tokens: { a: { scopes: ["get:users"] }, b: { scopes: ["get:users"] }, c: { scopes: ["get:users"] } } } } },
        "connections.a.scim.tokens",
        /at most 2 active tokens/,
    ],
    [
        "a token name that cannot name a resource",
        { a: { scim: { tokens: { "okta token!": { scopes: ["get:users"] } } } } },
        "connections.a.scim.tokens.okta token!",
        /token name of letters/,
    ],
    [
        "rotation without a lifetime",
        { a: { scim: { tokens: { okta: { scopes: ["get:users"], rotateBeforeExpiry: "7d" } } } } },
        "connections.a.scim.tokens.okta.rotateBeforeExpiry",
        /needs tokenLifetime/,
    ],
    [
        "empty directory mapping",
        { a: { directoryProvisioning: { mapping: [] } } },
        "connections.a.directoryProvisioning.mapping",
        /at least one/,
    ],
    [
        "directory pair with scim key",
        { a: { directoryProvisioning: { mapping: [M] } } },
        "connections.a.directoryProvisioning.mapping[0].idp",
        /is required/,
    ],
    [
        "wrong synchronizeGroups",
        { a: { directoryProvisioning: { synchronizeGroups: "some" } } },
        "connections.a.directoryProvisioning.synchronizeGroups",
        /one of all, off, selected/,
    ],
    [
        "synchronizeAutomatically not boolean",
        { a: { directoryProvisioning: { synchronizeAutomatically: "true" } } },
        "connections.a.directoryProvisioning.synchronizeAutomatically",
        /true or false/,
    ],
    [
        "wrong directory onDelete",
        { a: { directoryProvisioning: { onDelete: "keep" } } },
        "connections.a.directoryProvisioning.onDelete",
        /one of delete, retain/,
    ],
    [
        "unknown setting on a connection",
        { a: { profileSync: "on_first_login", sso: true } },
        "connections.a.sso",
        /not a known setting \(allowed: profileSync, scim, directoryProvisioning\)/,
    ],
    [
        "a connectionId inside scim, which would redirect writes",
        { a: { scim: { connectionId: "con_0000000000000001" } } },
        "connections.a.scim.connectionId",
        /not a known setting/,
    ],
    [
        "a connectionId inside a token",
        { a: { scim: { tokens: [{ scopes: ["get:users"], connectionId: "con_0000000000000001" }] } } },
        "connections.a.scim.tokens[0].connectionId",
        /not a known setting/,
    ],
    [
        "a connectionId inside directory provisioning",
        { a: { directoryProvisioning: { connectionId: "con_0000000000000001" } } },
        "connections.a.directoryProvisioning.connectionId",
        /not a known setting/,
    ],
    [
        "a __proto__ connection key (as JSON parsing makes it: an own key)",
        JSON.parse('{"__proto__": {"profileSync": "sometimes"}, "a": {"profileSync": "on_first_login"}}'),
        "connections.__proto__",
        /keys starting with __ are reserved/,
    ],
    [
        "a __proto__ token name",
        JSON.parse('{"a": {"scim": {"tokens": {"__proto__": {"scopes": ["get:users"]}}}}}'),
        "connections.a.scim.tokens.__proto__",
        /keys starting with __ are reserved/,
    ],
    [
        "a selected group with a malformed email",
        { a: { directoryProvisioning: { synchronizeGroups: "selected", groups: [{ id: "g1", email: "eng@example" }] } } },
        "connections.a.directoryProvisioning.groups[0].email",
        /must be an email address/,
    ],
    [
        "an inherited name as a setting",
        { a: { profileSync: "on_first_login", toString: 1 } },
        "connections.a.toString",
        /not a known setting/,
    ],
    ["a __-prefixed setting", { a: { scim: { __provider: "x" } } }, "connections.a.scim.__provider", /not a known setting/],
    ["a connection that declares nothing", { a: {} }, "connections.a", /declares nothing to manage/],
    ["a connection entry that is not a map", { a: "on_first_login" }, "connections.a", /must be a map/],
    ["connections not a map", ["a"], "connections", /must be a map/],
];

describe("Bad input catalogue", () => {
    let emu: RunningEmulator;
    before(async () => {
        emu = await startForProvider();
    });
    after(() => emu.close());
    beforeEach(() => {
        useEmulator(emu);
        emu.clearJournal();
    });

    for (const [what, config, property, reason] of CONFIG_CASES) {
        it(`rejects ${what}, naming ${property}, with zero API calls`, () => {
            const { failures } = parseConnectionsConfig(config);
            const hit = failures.find((f) => f.property === property);
            assert.ok(hit, `expected a failure at ${property}, got ${formatFailures(failures)}`);
            assert.match(hit.reason, reason);
            assert.equal(emu.journal.length, 0);
        });
    }

    it("reports every problem of a config at once", () => {
        const { failures } = parseConnectionsConfig({
            a: { profileSync: "x" },
            b: { scim: { mapping: [] } },
            c: { directoryProvisioning: { synchronizeGroups: "y" } },
        });
        assert.deepEqual(
            failures.map((f) => f.property),
            ["connections.a.profileSync", "connections.b.scim.mapping", "connections.c.directoryProvisioning.synchronizeGroups"],
        );
    });

    /** Resolution needs the tenant's connection list (one read), and nothing else. */
    const RESOLUTION_CASES: Array<[string, Record<string, unknown>, string, RegExp]> = [
        [
            "an unknown connection name, with close matches",
            { "okta-workfroce": { profileSync: "on_first_login" } },
            "connections.okta-workfroce",
            /did you mean "okta-workforce"/,
        ],
        [
            "an unknown connection id",
            { con_doesnotexist0000: { profileSync: "on_first_login" } },
            "connections.con_doesnotexist0000",
            /no connection with this name or id/,
        ],
        [
            "SCIM on a database connection",
            { "Username-Password-Authentication": { scim: {} } },
            "connections.Username-Password-Authentication.scim",
            /not available for strategy auth0 \(supported: samlp, oidc, okta, waad\)/,
        ],
        [
            "directory provisioning on okta",
            { "okta-workforce": { directoryProvisioning: {} } },
            "connections.okta-workforce.directoryProvisioning",
            /not available for strategy okta \(supported: google-apps\)/,
        ],
        [
            "profile sync on a passwordless connection",
            { email: { profileSync: "on_first_login" } },
            "connections.email.profileSync",
            /passwordless \(email\)/,
        ],
    ];
    for (const [what, config, property, reason] of RESOLUTION_CASES) {
        it(`rejects ${what} after one list read and no write`, async () => {
            const parsed = parseConnectionsConfig(config);
            assert.deepEqual(parsed.failures, []);
            const { failures } = resolveConnections(parsed.config!, await getApi().listConnections());
            const hit = failures.find((f) => f.property === property);
            assert.ok(hit, formatFailures(failures));
            assert.match(hit.reason, reason);
            assert.deepEqual(
                apiCalls(emu.journal).map((e) => `${e.method} ${e.path}`),
                ["GET /api/v2/connections"],
            );
        });
    }

    const SETTINGS_CASES: Array<[string, Record<string, string>, RegExp]> = [
        ["a domain that is not a host name", { domain: "not a domain" }, /auth0:domain is not a valid host name/],
        ["a domain with a path", { domain: "https://tenant.eu.auth0.com/api/v2" }, /auth0:domain must be a bare host name/],
        ["plain http to a host that is not loopback", { domain: "http://tenant.eu.auth0.com" }, /auth0:domain uses http:\/\/ .*only https/],
        ["no domain", { apiToken: "t" }, /Auth0 domain missing: set the stack config auth0:domain/],
        ["no credentials", { domain: "tenant.eu.auth0.com" }, /Auth0 credentials missing/],
    ];
    for (const [what, settings, message] of SETTINGS_CASES) {
        it(`refuses ${what} before any request`, () => {
            resetProcessState();
            storeSettings(settings);
            const saved = { ...process.env };
            for (const k of ["AUTH0_DOMAIN", "AUTH0_API_TOKEN", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"]) delete process.env[k];
            try {
                assert.throws(() => getApi(), message);
            } finally {
                process.env = saved;
            }
            assert.equal(emu.journal.length, 0);
        });
    }
});
