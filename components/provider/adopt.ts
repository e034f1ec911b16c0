/**
 * Create-or-adopt for the configurations that exist at most once per connection (SCIM
 * configuration, directory provisioning). It looks before it writes, so adopting a hand-made
 * configuration that already matches makes zero writes; it POSTs only when nothing exists; and a
 * POST refused as "already exists" (a race, or our own retried POST that the server had already
 * carried out) is answered by reading again and adopting what is there.
 */
import type { Auth0Api } from "../../management-api/client";
import { isAuth0ApiError, isUnsupportedStrategy } from "../../management-api/errors";
import { refuseUnsupported } from "./live";

/** How one kind of configuration is read, created and brought to the declared state. */
export interface AdoptableConfig<C, R> {
    /** `SCIM` or `Directory provisioning`, for messages. */
    readonly feature: string;
    /** How the API refuses this feature for another strategy. */
    readonly unsupported: "scim" | "directory";
    readonly strategies: readonly string[];
    /** The status of "already exists" on a second POST: 400 for SCIM, 409 for directory provisioning. */
    readonly conflictStatus: number;
    get(api: Auth0Api, connectionId: string): Promise<C | undefined>;
    create(api: Auth0Api, connectionId: string): Promise<C>;
    /** Brings an existing configuration to the declared state (no write when it matches). */
    converge(api: Auth0Api, existing: C): Promise<R>;
    /** The result of a create that wrote the declared state itself. */
    created(config: C): R;
    connectionName(config: C): string;
}

/** What create-or-adopt did. */
export interface Adopted<R> {
    readonly result: R;
    readonly adopted: boolean;
}

/**
 * Creates the configuration, or adopts the one that exists. With `adoptExisting: false` an
 * existing configuration is refused before any write, unless our own POST just created it.
 */
export async function createOrAdopt<C, R>(
    api: Auth0Api,
    spec: AdoptableConfig<C, R>,
    connectionId: string,
    adoptExisting: boolean,
): Promise<Adopted<R>> {
    const refuse = (err: unknown): Promise<never> =>
        isUnsupportedStrategy(err, spec.unsupported)
            ? refuseUnsupported(api, connectionId, spec.strategies, spec.feature, err)
            : Promise.reject(err);
    const existing = await spec.get(api, connectionId).catch(refuse);
    if (existing !== undefined) {
        if (!adoptExisting) {
            throw new Error(
                `connection "${spec.connectionName(existing)}" (${connectionId}) already has a ${spec.feature} configuration. ` +
                    "Set adoptExisting: true (the default) to take it over and bring it to the declared state, or delete it first. Nothing was written.",
            );
        }
        return { result: await spec.converge(api, existing), adopted: true };
    }
    try {
        return { result: spec.created(await spec.create(api, connectionId)), adopted: false };
    } catch (err) {
        if (isUnsupportedStrategy(err, spec.unsupported)) return refuse(err);
        if (!isAuth0ApiError(err) || err.status !== spec.conflictStatus) throw err;
        // Someone (or our own retried POST, after the first one was carried out) created it in the
        // meantime. We looked first and found nothing, so this is not a configuration we were told
        // not to adopt: bring it to the declared state.
        const raced = await spec.get(api, connectionId);
        if (raced === undefined) throw err;
        return { result: await spec.converge(api, raced), adopted: true };
    }
}

/**
 * What destroy does with a configuration: as declared; undeclared, delete what we created and
 * retain what we adopted, because deleting an adopted SCIM configuration also revokes the identity
 * provider's own tokens, and we never act on a guess about what is ours.
 */
export function deletePolicy(props: { readonly onDelete?: "delete" | "retain"; readonly adopted?: boolean }): "delete" | "retain" {
    return props.onDelete ?? (props.adopted === true ? "retain" : "delete");
}
