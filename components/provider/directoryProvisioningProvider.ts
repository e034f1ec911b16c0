/**
 * Owns the directory provisioning (Google Workspace) of one connection. PATCH sends only the
 * fields that differ; a configuration that exists already (409 on create) is adopted; after a
 * mapping change a synchronization can be started, and its refusal is a warning, not a failure.
 */
import type * as pulumi from "@pulumi/pulumi";
import { getApi, type Auth0Api } from "./client";
import { configureProvider, defaultDirectoryMapping, handOff, handOffKey, isUnknown, refuseUnsupported, takeHandOff } from "./common";
import { directoryPatch, sameMapping, type DesiredDirectory } from "./diff";
import { isAuth0ApiError, isUnsupportedStrategy, unlessGone } from "./errors";
import { checkInputs } from "./schemas";
import { DIRECTORY_STRATEGIES, type DirectoryMappingItem, type DirectoryProvisioningConfig, type SynchronizeGroups } from "./types";

/** Inputs of the DirectoryProvisioning dynamic resource, after `check` filled in defaults. */
export interface DirectoryProvisioningInputs {
    readonly connectionId: string;
    /** Omitted: the API's default mapping. */
    readonly mapping?: readonly DirectoryMappingItem[];
    readonly synchronizeAutomatically: boolean;
    readonly synchronizeGroups: SynchronizeGroups;
    readonly onDelete: "delete" | "retain";
    readonly adoptExisting: boolean;
    readonly synchronizeOnChange: boolean;
}

/** State of the DirectoryProvisioning dynamic resource. */
export interface DirectoryProvisioningOutputs extends DirectoryProvisioningInputs {
    readonly connectionName: string;
    readonly strategy: string;
    readonly liveMapping: readonly DirectoryMappingItem[];
    readonly createdAt: string;
    readonly updatedAt: string;
    readonly lastSynchronizationAt?: string;
    readonly lastSynchronizationStatus?: string;
    readonly lastSynchronizationError?: string;
    /** Set when a synchronization we asked for was refused (409 running, 400 too soon). */
    readonly synchronizationWarning?: string;
    readonly adopted: boolean;
}

async function desiredOf(api: Auth0Api, inputs: DirectoryProvisioningInputs, strategy: string): Promise<DesiredDirectory> {
    return {
        mapping: inputs.mapping ?? (await defaultDirectoryMapping(api, inputs.connectionId, strategy)),
        synchronizeAutomatically: inputs.synchronizeAutomatically ?? false,
        synchronizeGroups: inputs.synchronizeGroups ?? "off",
    };
}

interface Applied {
    config: DirectoryProvisioningConfig;
    adopted: boolean;
    mappingChanged: boolean;
}

async function converge(
    api: Auth0Api,
    live: DirectoryProvisioningConfig,
    inputs: DirectoryProvisioningInputs,
    adopted: boolean,
): Promise<Applied> {
    const patch = directoryPatch(live, await desiredOf(api, inputs, live.strategy));
    if (Object.keys(patch).length === 0) return { config: live, adopted, mappingChanged: false };
    return {
        config: await api.updateDirectoryProvisioning(inputs.connectionId, patch),
        adopted,
        mappingChanged: patch.mapping !== undefined,
    };
}

/** Looks before it writes, like ScimConfiguration: adopt what exists, POST only when nothing does. */
async function createOrAdopt(api: Auth0Api, inputs: DirectoryProvisioningInputs): Promise<Applied> {
    const adopt = async (existing: DirectoryProvisioningConfig, connectionName: string) => {
        if (!inputs.adoptExisting) {
            throw new Error(
                `connection "${connectionName}" (${inputs.connectionId}) already has directory provisioning. Set adoptExisting: true ` +
                    `(the default) to take it over and bring it to the declared state, or delete it first. Nothing was written.`,
            );
        }
        return converge(api, existing, inputs, true);
    };
    const existing = await api.getDirectoryProvisioning(inputs.connectionId).catch((err: unknown) =>
        // Other strategies answer 400: say which strategy works, before any write. A tenant without the feature answers 403.
        isUnsupportedStrategy(err, "directory")
            ? refuseUnsupported(api, inputs.connectionId, DIRECTORY_STRATEGIES, "Directory provisioning", err)
            : Promise.reject(err),
    );
    if (existing !== undefined) return adopt(existing, existing.connection_name);
    const body = {
        ...(inputs.mapping ? { mapping: inputs.mapping.map((m) => ({ auth0: m.auth0, idp: m.idp })) } : {}),
        synchronize_automatically: inputs.synchronizeAutomatically,
        synchronize_groups: inputs.synchronizeGroups,
    };
    try {
        return { config: await api.createDirectoryProvisioning(inputs.connectionId, body), adopted: false, mappingChanged: true };
    } catch (err) {
        if (!isAuth0ApiError(err) || err.status !== 409) throw err;
        const raced = await api.getDirectoryProvisioning(inputs.connectionId);
        if (raced === undefined) throw err;
        return adopt(raced, raced.connection_name);
    }
}

/** Starts a synchronization after a mapping change when asked; a refusal becomes a warning. */
async function maybeSynchronize(api: Auth0Api, inputs: DirectoryProvisioningInputs, applied: Applied): Promise<string | undefined> {
    if (!inputs.synchronizeOnChange || !applied.mappingChanged) return undefined;
    try {
        await api.startSynchronization(inputs.connectionId);
        return undefined;
    } catch (err) {
        if (isAuth0ApiError(err) && (err.status === 409 || err.status === 400)) {
            return `mapping changed but no synchronization was started: ${err.apiMessage}`;
        }
        throw err;
    }
}

function outputs(inputs: DirectoryProvisioningInputs, applied: Applied, warning?: string): DirectoryProvisioningOutputs {
    const c = applied.config;
    return {
        ...inputs,
        connectionName: c.connection_name,
        strategy: c.strategy,
        liveMapping: c.mapping.map((m) => ({ auth0: m.auth0, idp: m.idp })),
        createdAt: c.created_at,
        updatedAt: c.updated_at,
        ...(c.last_synchronization_at ? { lastSynchronizationAt: c.last_synchronization_at } : {}),
        ...(c.last_synchronization_status ? { lastSynchronizationStatus: c.last_synchronization_status } : {}),
        ...(c.last_synchronization_error ? { lastSynchronizationError: c.last_synchronization_error } : {}),
        ...(warning ? { synchronizationWarning: warning } : {}),
        adopted: applied.adopted,
    };
}

/** The dynamic provider behind `DirectoryProvisioning`. */
export const directoryProvisioningProvider = {
    configure: configureProvider,

    async check(_olds: DirectoryProvisioningInputs, news: DirectoryProvisioningInputs) {
        const { inputs, failures } = checkInputs("DirectoryProvisioning", { ...news });
        return {
            inputs: inputs as unknown as DirectoryProvisioningInputs,
            failures,
        } satisfies pulumi.dynamic.CheckResult<DirectoryProvisioningInputs>;
    },

    async diff(_id: string, olds: DirectoryProvisioningOutputs, news: DirectoryProvisioningInputs) {
        if (isUnknown(news.connectionId)) return { changes: true } satisfies pulumi.dynamic.DiffResult;
        if (olds.connectionId !== news.connectionId) {
            return { changes: true, replaces: ["connectionId"] } satisfies pulumi.dynamic.DiffResult;
        }
        const api = getApi();
        const key = handOffKey("directory", api, news.connectionId);
        const live = takeHandOff<DirectoryProvisioningConfig>(key) ?? (await api.getDirectoryProvisioning(news.connectionId));
        if (live === undefined) return { changes: true } satisfies pulumi.dynamic.DiffResult;
        const declaredChanged =
            (["synchronizeAutomatically", "synchronizeGroups", "onDelete", "adoptExisting", "synchronizeOnChange"] as const).some(
                (k) => olds[k] !== news[k],
            ) ||
            (olds.mapping === undefined) !== (news.mapping === undefined) ||
            (olds.mapping !== undefined && news.mapping !== undefined && !sameMapping(olds.mapping, news.mapping, "idp"));
        const drifted = Object.keys(directoryPatch(live, await desiredOf(api, news, live.strategy))).length > 0;
        return { changes: declaredChanged || drifted } satisfies pulumi.dynamic.DiffResult;
    },

    async create(inputs: DirectoryProvisioningInputs) {
        const api = getApi();
        const applied = await createOrAdopt(api, inputs);
        const warning = await maybeSynchronize(api, inputs, applied);
        return {
            id: inputs.connectionId,
            outs: outputs(inputs, applied, warning),
        } satisfies pulumi.dynamic.CreateResult<DirectoryProvisioningOutputs>;
    },

    async update(_id: string, olds: DirectoryProvisioningOutputs, news: DirectoryProvisioningInputs) {
        const api = getApi();
        const live = await api.getDirectoryProvisioning(news.connectionId);
        const applied = live === undefined ? await createOrAdopt(api, news) : await converge(api, live, news, olds.adopted ?? false);
        const warning = await maybeSynchronize(api, news, applied);
        return { outs: outputs(news, applied, warning) } satisfies pulumi.dynamic.UpdateResult<DirectoryProvisioningOutputs>;
    },

    async read(id: string, props?: DirectoryProvisioningOutputs) {
        const api = getApi();
        const connectionId = props?.connectionId ?? id;
        const live = await unlessGone(api.getDirectoryProvisioning(connectionId));
        if (live === undefined) return {} satisfies pulumi.dynamic.ReadResult<DirectoryProvisioningOutputs>;
        handOff(handOffKey("directory", api, connectionId), live);
        const isDefault =
            props?.mapping === undefined &&
            sameMapping(live.mapping, await defaultDirectoryMapping(api, connectionId, live.strategy), "idp");
        const inputs: DirectoryProvisioningInputs = {
            connectionId,
            ...(isDefault ? {} : { mapping: live.mapping.map((m) => ({ auth0: m.auth0, idp: m.idp })) }),
            synchronizeAutomatically: live.synchronize_automatically,
            synchronizeGroups: live.synchronize_groups ?? "off",
            onDelete: props?.onDelete ?? "delete",
            adoptExisting: props?.adoptExisting ?? true,
            synchronizeOnChange: props?.synchronizeOnChange ?? false,
        };
        const applied: Applied = { config: live, adopted: props?.adopted ?? false, mappingChanged: false };
        return {
            id,
            props: outputs(inputs, applied),
            inputs: inputs as DirectoryProvisioningOutputs,
        } satisfies pulumi.dynamic.ReadResult<DirectoryProvisioningOutputs>;
    },

    async delete(_id: string, props: DirectoryProvisioningOutputs) {
        if ((props.onDelete ?? "delete") === "retain") return;
        await unlessGone(getApi().deleteDirectoryProvisioning(props.connectionId));
    },
} satisfies pulumi.dynamic.ResourceProvider<DirectoryProvisioningInputs, DirectoryProvisioningOutputs>;
