/**
 * Checking values against the schemas (schemas.ts): field by field around preview-time unknowns,
 * every failure with its full path and our wording (allowed values, what was given, what is not a
 * setting), and the facts of each field (default, allowed values) that the README reference is
 * checked against.
 */
import { z } from "zod";
import { type Failure, PROVIDER_KEY, type ResourceKind, SCHEMAS, UNKNOWN } from "./schemas";

/** True when the value is, or contains, a preview-time unknown. */
export function containsUnknown(v: unknown): boolean {
    if (v === UNKNOWN) return true;
    if (Array.isArray(v)) return v.some(containsUnknown);
    if (typeof v === "object" && v !== null) return Object.values(v).some(containsUnknown);
    return false;
}

/** The argument names a resource kind accepts, in declaration order. */
export function fieldNames(kind: ResourceKind): string[] {
    return Object.keys(SCHEMAS[kind]().shape);
}

/** Renders a zod path as `mapping[0].scim`. */
export function propertyPath(prefix: string, path: readonly PropertyKey[]): string {
    return path.reduce<string>(
        (acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc === "" ? String(p) : `${acc}.${String(p)}`),
        prefix,
    );
}

/** Our wording of one zod issue: the allowed values, what was given, what is unknown. */
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
    if (issue.code === "invalid_type" && issue.expected === "object") {
        return `must be a map of settings (use {} for the defaults; got ${JSON.stringify(issue.input)})`;
    }
    return issue.message;
}

/** Every failure of a zod error, one per unknown key, each with its full path under `prefix`. */
export function failuresOf(error: z.ZodError, prefix: string, allowed: (path: readonly PropertyKey[]) => string[]): Failure[] {
    return issuesOf(error.issues, prefix, allowed);
}

/**
 * A union's own issue says only "invalid input"; the branch the value was meant for (the one whose
 * type matched) says what is wrong, so report that branch's issues instead.
 */
function issuesOf(issues: readonly z.core.$ZodIssue[], prefix: string, allowed: (path: readonly PropertyKey[]) => string[]): Failure[] {
    return issues.flatMap((issue): Failure[] => {
        if (issue.code === "invalid_key" && issue.issues.length > 0) {
            return [{ property: propertyPath(prefix, issue.path), reason: issue.issues.map((i) => i.message).join("; ") }];
        }
        if (issue.code === "invalid_union" && issue.errors.length > 0) {
            const meant = issue.errors.find(
                (branch) => !branch.some((i) => (i.code === "invalid_type" || i.code === "invalid_value") && i.path.length === 0),
            );
            if (meant !== undefined) {
                const nested = meant.map((i) => ({ ...i, path: [...issue.path, ...i.path] }));
                return issuesOf(nested, prefix, (p) => allowed(p));
            }
        }
        if (issue.code === "unrecognized_keys") {
            const names = allowed(issue.path);
            return issue.keys.map((key) => ({
                property: propertyPath(prefix, [...issue.path, key]),
                reason: `is not a known setting (allowed: ${names.join(", ")})`,
            }));
        }
        return [{ property: propertyPath(prefix, issue.path), reason: reasonOf(issue) }];
    });
}

/** The keys allowed at `path` of a schema (for "allowed:" in messages). */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
    let node: z.ZodType = schema;
    for (const step of path) {
        node = unwrap(node);
        if (node instanceof z.ZodObject) node = node.shape[String(step)] ?? node;
        else if (node instanceof z.ZodArray) node = node.element as z.ZodType;
        else if (node instanceof z.ZodRecord) node = node.valueType as z.ZodType;
    }
    node = unwrap(node);
    return node instanceof z.ZodObject ? Object.keys(node.shape) : [];
}

function unwrap(node: z.ZodType): z.ZodType {
    for (;;) {
        if (node instanceof z.ZodOptional || node instanceof z.ZodDefault) node = node.unwrap() as z.ZodType;
        else if (node instanceof z.ZodPipe) node = node.out as z.ZodType;
        else return node;
    }
}

/**
 * Validates inputs against a kind's schema. Without preview-time unknowns the whole object is
 * parsed, defaults filled in. With unknowns, each known field is checked on its own, so an unknown
 * neither fails nor hides problems in the others, and no inputs are returned: the engine keeps the
 * given ones, and the diff answers "changes" without reading anything.
 */
export function checkWith<S extends z.ZodObject>(schema: S, news: Record<string, unknown>): { inputs?: z.output<S>; failures: Failure[] } {
    const given = Object.fromEntries(Object.entries(news).filter(([k, v]) => k !== PROVIDER_KEY && v !== undefined));
    const shape: Record<string, z.ZodType> = schema.shape;
    const unknownKeys = Object.keys(given).filter((k) => containsUnknown(given[k]));
    if (unknownKeys.length === 0) {
        const result = schema.safeParse(given, { reportInput: true });
        return result.success
            ? { inputs: result.data, failures: [] }
            : { failures: failuresOf(result.error, "", (p) => keysAt(schema, p)) };
    }
    const failures: Failure[] = [];
    for (const key of Object.keys(given)) {
        if (!Object.hasOwn(shape, key)) {
            failures.push({ property: key, reason: `is not a known setting (allowed: ${Object.keys(shape).join(", ")})` });
        }
    }
    for (const [key, field] of Object.entries(shape)) {
        if (unknownKeys.includes(key)) continue;
        const result = field.safeParse(given[key], { reportInput: true });
        if (!result.success) failures.push(...failuresOf(result.error, key, (p) => keysAt(field, p)));
    }
    return { failures };
}

/** The failures of a kind's inputs (for callers that only need to know what is wrong). */
export function checkInputs(kind: ResourceKind, news: Record<string, unknown>): { failures: Failure[] } {
    return checkWith(SCHEMAS[kind](), news);
}

/** What the schema says about one argument: its allowed values (for an enum) and its default. */
export interface FieldFacts {
    readonly field: string;
    readonly required: boolean;
    readonly allowed?: readonly string[];
    readonly default?: unknown;
}

/** The facts of every argument of a kind, read from its schema (the README reference is checked against these). */
export function fieldFacts(kind: ResourceKind): FieldFacts[] {
    return Object.entries(SCHEMAS[kind]().shape).map(([field, schema]: [string, z.ZodType]) => {
        const dflt = schema instanceof z.ZodDefault ? { default: schema.def.defaultValue } : {};
        const inner = unwrap(schema);
        const allowed = inner instanceof z.ZodEnum ? { allowed: inner.options.map(String) } : {};
        return { field, required: !schema.safeParse(undefined).success, ...dflt, ...allowed };
    });
}
