/**
 * Input validation for the dynamic resources. Every schema is built inside a function: a zod
 * schema is a live object and must not be captured by the closure serializer (only the `zod`
 * module itself is, as `require("zod")`).
 */
import { z } from "zod";
import { mappingProblems, type MappingPair } from "./diff";

/** What Pulumi sends for a value that is not known yet during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** One failed check, as Pulumi wants it. */
export interface Failure {
    readonly property: string;
    readonly reason: string;
}

/** The resource kinds we validate. */
export type InputKind = "ProfileSync" | "ScimConfiguration" | "ScimToken" | "DirectoryProvisioning";

/** True when the value is, or contains, a preview-time unknown. */
export function containsUnknown(v: unknown): boolean {
    if (v === UNKNOWN) return true;
    if (Array.isArray(v)) return v.some(containsUnknown);
    if (typeof v === "object" && v !== null) return Object.values(v).some(containsUnknown);
    return false;
}

function connectionId() {
    return z.string({ error: "must be a connection id string such as con_0123456789abcdef" }).regex(/^con_[A-Za-z0-9]+$/, {
        error: (iss) =>
            `must be a connection id such as con_0123456789abcdef (got ${JSON.stringify(iss.input)}); pass the id, not the name`,
    });
}

function attr(what: string) {
    return z.string({ error: `must be a non-empty string (${what})` }).regex(/\S/, { error: `must be a non-empty string (${what})` });
}

function mapping(other: "scim" | "idp") {
    const label = other === "scim" ? "SCIM attribute" : "identity provider attribute";
    return z
        .array(z.object({ auth0: attr("Auth0 user attribute"), [other]: attr(label) }).strict(), {
            error: `must be a list of {auth0, ${other}} pairs`,
        })
        .min(1, { error: `must contain at least one {auth0, ${other}} pair; omit it to use the API's default mapping` });
}

function fieldsOf(kind: InputKind): Record<string, z.ZodType> {
    const onDelete = (values: [string, string], dflt: string) => z.enum(values).default(dflt);
    switch (kind) {
        case "ProfileSync":
            return {
                connectionId: connectionId(),
                mode: z.enum(["on_each_login", "on_first_login", "never_on_login"]),
                onDelete: onDelete(["retain", "restore"], "retain"),
            };
        case "ScimConfiguration":
            return {
                connectionId: connectionId(),
                userIdAttribute: attr("SCIM attribute used as the user id").default("externalId"),
                mapping: mapping("scim").optional(),
                onDelete: onDelete(["delete", "retain"], "delete"),
                adoptExisting: z.boolean({ error: "must be true or false" }).default(true),
            };
        case "ScimToken":
            return {
                connectionId: connectionId(),
                scopes: z
                    .array(
                        z.string().regex(/^(get|post|put|patch|delete):(users|groups)$/, {
                            error: (iss) => `must be one of get|post|put|patch|delete:users|groups (got ${JSON.stringify(iss.input)})`,
                        }),
                    )
                    .min(1, { error: "must name at least one scope, e.g. get:users" })
                    .refine((s) => new Set(s).size === s.length, { error: "must not repeat a scope" }),
                tokenLifetime: z
                    .number({ error: "must be a number of seconds" })
                    .int({ error: "must be a whole number of seconds" })
                    .min(900, { error: "must be at least 900 seconds" })
                    .optional(),
            };
        case "DirectoryProvisioning":
            return {
                connectionId: connectionId(),
                mapping: mapping("idp").optional(),
                synchronizeAutomatically: z.boolean({ error: "must be true or false" }).default(false),
                synchronizeGroups: z.enum(["all", "off", "selected"]).default("off"),
                onDelete: onDelete(["delete", "retain"], "delete"),
                adoptExisting: z.boolean({ error: "must be true or false" }).default(true),
                synchronizeOnChange: z.boolean({ error: "must be true or false" }).default(false),
            };
    }
}

/** The argument names a resource kind accepts, in declaration order. */
export function fieldNames(kind: InputKind): string[] {
    return Object.keys(fieldsOf(kind));
}

/** Renders a zod path as `mapping[0].scim`. */
export function propertyPath(prefix: string, path: readonly PropertyKey[]): string {
    return path.reduce<string>((acc, p) => (typeof p === "number" ? `${acc}[${p}]` : `${acc}.${String(p)}`), prefix);
}

function reasonOf(issue: z.core.$ZodIssue): string {
    if (issue.code === "invalid_value" && issue.input === undefined) {
        return `is required (one of ${issue.values.map(String).join(", ")})`;
    }
    if (issue.code === "invalid_value") {
        return `must be one of ${issue.values.map(String).join(", ")} (got ${JSON.stringify(issue.input)})`;
    }
    if (issue.code === "invalid_type" && issue.input === undefined) {
        return "is required";
    }
    if (issue.code === "unrecognized_keys") {
        return `has unknown field(s) ${issue.keys.join(", ")}`;
    }
    return issue.message;
}

/**
 * Validates inputs field by field so that a preview-time unknown in one field neither fails nor
 * hides problems in the others. Returns the inputs with defaults filled in, plus every failure.
 */
export function checkInputs(kind: InputKind, news: Record<string, unknown>): { inputs: Record<string, unknown>; failures: Failure[] } {
    const fields = fieldsOf(kind);
    const inputs: Record<string, unknown> = {};
    const failures: Failure[] = [];
    for (const key of Object.keys(news)) {
        if (!key.startsWith("__") && !(key in fields) && news[key] !== undefined) {
            failures.push({ property: key, reason: `is not a ${kind} argument (allowed: ${Object.keys(fields).join(", ")})` });
        }
    }
    for (const [key, schema] of Object.entries(fields)) {
        const value = news[key];
        if (containsUnknown(value)) {
            inputs[key] = value;
            continue;
        }
        const result = schema.safeParse(value, { reportInput: true });
        if (result.success) {
            if (result.data !== undefined) inputs[key] = result.data;
        } else {
            for (const issue of result.error.issues) {
                failures.push({ property: propertyPath(key, issue.path), reason: reasonOf(issue) });
            }
        }
    }
    const m = inputs.mapping;
    if (Array.isArray(m) && !containsUnknown(m)) {
        const other = kind === "ScimConfiguration" ? "scim" : "idp";
        for (const p of mappingProblems(m as MappingPair<typeof other>[], other)) {
            failures.push({ property: `mapping[${p.index}]`, reason: p.reason });
        }
    }
    return { inputs, failures };
}

/** Throws one error listing every failure; for code paths that run without `check` (old state). */
export function assertValid(kind: InputKind, news: Record<string, unknown>): Record<string, unknown> {
    const { inputs, failures } = checkInputs(kind, news);
    if (failures.length > 0) {
        throw new Error(`invalid ${kind} arguments: ${failures.map((f) => `${f.property} ${f.reason}`).join("; ")}`);
    }
    return inputs;
}
