/**
 * What the Management API answers, checked before anyone reads it: a body that is empty, cut short
 * or of the wrong shape fails with an error naming the call and what was wrong, instead of
 * surfacing later as "Cannot read properties of undefined". Objects are checked loosely (extra
 * fields pass); only what we read is required.
 */
import { z } from "zod";

/** The expected answers; built on use, as a live zod object must not be captured in a serialized provider. */
function expectations(): ReadonlyArray<readonly [string, RegExp, string, z.ZodType]> {
    const connection = z.looseObject({
        id: z.string(),
        name: z.string(),
        strategy: z.string(),
        // Absent when the token lacks read:connections_options; when present, an object.
        options: z.record(z.string(), z.unknown()).optional(),
    });
    const pairs = (other: "scim" | "idp") => z.array(z.looseObject({ auth0: z.string(), [other]: z.string() }));
    const scimConfig = z.looseObject({ strategy: z.string(), user_id_attribute: z.string(), mapping: pairs("scim") });
    const directoryConfig = z.looseObject({ strategy: z.string(), mapping: pairs("idp"), synchronize_automatically: z.boolean() });
    const tokenInfo = z.looseObject({ token_id: z.string(), scopes: z.array(z.string()) });

    // The expected answer of each call we make, by method and path (the pattern of the path).
    return [
        ["GET", /^\/api\/v2\/connections\/[^/]+$/, "a connection", connection],
        ["PATCH", /^\/api\/v2\/connections\/[^/]+$/, "a connection", connection],
        ["GET", /\/scim-configuration$/, "a SCIM configuration", scimConfig],
        ["POST", /\/scim-configuration$/, "a SCIM configuration", scimConfig],
        ["PATCH", /\/scim-configuration$/, "a SCIM configuration", scimConfig],
        ["GET", /\/default-mapping$/, "a default mapping", z.looseObject({ mapping: z.array(z.looseObject({ auth0: z.string() })) })],
        ["GET", /\/scim-configuration\/tokens$/, "a list of SCIM tokens", z.array(tokenInfo)],
        ["POST", /\/scim-configuration\/tokens$/, "a new SCIM token", tokenInfo.extend({ token: z.string() })],
        ["GET", /\/directory-provisioning$/, "a directory provisioning", directoryConfig],
        ["POST", /\/directory-provisioning$/, "a directory provisioning", directoryConfig],
        ["PATCH", /\/directory-provisioning$/, "a directory provisioning", directoryConfig],
    ];
}

/** Why `value` is not the answer `method path` should give, or undefined when it is (or when we do not check that call). */
export function unexpectedAnswer(method: string, path: string, value: unknown): string | undefined {
    const expected = expectations().find(([m, p]) => m === method && p.test(path));
    if (expected === undefined) return undefined;
    const [, , what, schema] = expected;
    if (value === undefined || value === null || value === "") return `expected ${what}, got an empty body`;
    const result = schema.safeParse(value);
    if (result.success) return undefined;
    const issue = result.error.issues[0];
    const where = issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
    return `expected ${what}, got a body that is not one (${issue.message}${where})`;
}
