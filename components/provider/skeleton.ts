/**
 * What all four providers share, written once: `configure()` keeps the stack's Auth0 settings in
 * process memory; `check()` is the kind's schema, then its optional `vet` against what is live;
 * `diff()` answers "changes" for any preview-time unknown before anything is read, and "replace"
 * when the connection changes; `read()` and `delete()` treat "already gone" (404) as an answer, not
 * a failure; after any write, a kept listing no longer answers for that connection; and a create
 * that fails after it wrote leaves the engine holding what it wrote (created but not initialized),
 * so the next `up` updates it instead of creating, or adopting, our own object as if it were
 * someone else's.
 */
import type * as pulumi from "@pulumi/pulumi";
import { unlessGone } from "../../management-api/errors";
import { settingsFromConfig, storeSettings, storeSettingsError } from "../../management-api/settings";
import type { z } from "zod";
import { type Failure, PROVIDER_KEY } from "./schemas";
import { forgetListed } from "./live-reads";
import { checkWith, containsUnknown } from "./validation";

/** What a create tells the skeleton as it goes. */
export interface CreateProgress<O> {
    /**
     * Called before (or right after) a write that may leave something behind, with the id and the
     * state the engine must hold should the create fail from then on. The last call counts.
     */
    wrote(id: string, outs: O): void;
}

/**
 * A create that failed after it may have written: the dynamic provider's `id`/`properties`/`reasons`
 * error, which the engine records as a resource created but not initialized, with these properties
 * as its state; the next `up` updates it.
 */
export class ResourceInitError extends Error {
    constructor(
        message: string,
        readonly id: string,
        readonly properties: Record<string, unknown>,
        readonly reasons: readonly string[],
        options?: { cause?: unknown },
    ) {
        super(message, options);
        this.name = "ResourceInitError";
    }
}

/** The init error for a create that failed with `err` after recording `outs`; the loader rides along, as on success. */
function initError(err: unknown, id: string, outs: object, inputs: object): ResourceInitError {
    const message = err instanceof Error ? err.message : String(err);
    const loader: unknown = Reflect.get(inputs, PROVIDER_KEY);
    // The SDK packs these into a protobuf Struct inside its own error handler, where an undefined
    // field throws and the create never answers: keep only what JSON carries (an absent field stays absent).
    const state = JSON.parse(JSON.stringify(outs)) as Record<string, unknown>;
    const properties = loader === undefined ? state : { ...state, [PROVIDER_KEY]: loader };
    return new ResourceInitError(message, id, properties, [message], { cause: err });
}

/** The kind-specific half of a provider; the skeleton adds the rest. */
export interface ProviderParts<I, O extends I> {
    /**
     * Optional: refuses, at check time (so at preview, before any write), inputs that are valid alone
     * but cannot be applied next to what is live; called only with known, valid inputs. `olds` is
     * empty for a resource the state does not hold yet.
     */
    vet?(olds: Partial<I>, news: I): Promise<void>;
    /** Optional: told of a check that failed (the run will fail), with the raw inputs. */
    rejected?(news: Readonly<Record<string, unknown>>): void;
    /** Compares live with desired; called only with known inputs on an unchanged connection. */
    diff(id: string, olds: O, news: I): Promise<pulumi.dynamic.DiffResult>;
    /** Creates; tells `progress` what it wrote, so a later failure still leaves the engine holding it. */
    create(inputs: I, progress: CreateProgress<O>): Promise<{ readonly id: string; readonly outs: O }>;
    update(id: string, olds: O, news: I): Promise<{ readonly outs: O }>;
    /** The live state and the inputs that would declare it; undefined or a 404 means gone. */
    read(id: string, props: O | undefined): Promise<{ readonly id: string; readonly props: O; readonly inputs: I } | undefined>;
    /** Removes (or leaves, by policy) what the resource owns; a 404 means already gone. */
    delete(id: string, props: O): Promise<void>;
}

/** Waits for a write; then (failed or not) no kept listing may answer for that connection again. */
async function afterWriting<T>(connectionId: string, write: Promise<T>): Promise<T> {
    try {
        return await write;
    } finally {
        forgetListed(connectionId);
    }
}

/** True when any input (Pulumi's own `__provider` aside) is still unknown at preview time. */
export function anyUnknown(news: object): boolean {
    return Object.entries(news).some(([k, v]) => k !== PROVIDER_KEY && containsUnknown(v));
}

/** Builds a dynamic provider from its kind's schema and its kind-specific parts. */
export function defineProvider<S extends z.ZodObject<{ connectionId: z.ZodString }>, O extends z.output<S>>(
    schema: () => S,
    parts: ProviderParts<z.output<S>, O>,
    /** Rules that span fields, checked once the fields themselves are valid. */
    rules: (inputs: z.output<S>) => Failure[] = () => [],
) {
    type I = z.output<S>;
    return {
        async configure(req: pulumi.dynamic.ConfigureRequest) {
            try {
                storeSettings(settingsFromConfig((key) => req.config.get(key)));
            } catch (err) {
                // Loaders of earlier versions serve resources through this provider even so.
                storeSettingsError(err instanceof Error ? err : new Error(String(err)));
                throw err;
            }
        },

        async check(olds: Partial<I>, news: I) {
            const checked = checkWith(schema(), { ...news });
            const failures = checked.inputs === undefined ? checked.failures : rules(checked.inputs);
            if (failures.length === 0 && checked.inputs !== undefined && !anyUnknown(checked.inputs)) {
                await parts.vet?.(olds, checked.inputs);
            } else if (failures.length > 0) parts.rejected?.(news);
            return { ...checked, failures } satisfies pulumi.dynamic.CheckResult<I>;
        },

        async diff(id: string, olds: O, news: I) {
            if (anyUnknown(news)) return { changes: true } satisfies pulumi.dynamic.DiffResult;
            if (olds.connectionId !== news.connectionId) {
                return { changes: true, replaces: ["connectionId"] } satisfies pulumi.dynamic.DiffResult;
            }
            return parts.diff(id, olds, news);
        },

        async create(inputs: I) {
            let written: { readonly id: string; readonly outs: O } | undefined;
            const progress: CreateProgress<O> = { wrote: (id, outs) => (written = { id, outs }) };
            try {
                return await afterWriting(inputs.connectionId, parts.create(inputs, progress));
            } catch (err) {
                if (written === undefined) throw err;
                throw initError(err, written.id, written.outs, inputs);
            }
        },

        update: (id: string, olds: O, news: I) => afterWriting(news.connectionId, parts.update(id, olds, news)),

        async read(id: string, props?: O): Promise<pulumi.dynamic.ReadResult<O>> {
            const live = await unlessGone(parts.read(id, props));
            if (live === undefined) return {};
            // Pulumi types `inputs` as the outputs type, but the engine stores them as the resource's
            // inputs: they must be exactly the inputs, or every later diff shows output fields.
            return { id: live.id, props: live.props, inputs: live.inputs as O };
        },

        async delete(id: string, props: O) {
            await afterWriting(props.connectionId, unlessGone(parts.delete(id, props)));
        },
    } satisfies pulumi.dynamic.ResourceProvider<I, O>;
}
