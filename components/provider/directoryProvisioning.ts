/**
 * Owns the directory provisioning (Google Workspace) of one connection. PATCH sends only the
 * fields that differ; a configuration that exists already (409 on create) is adopted; after a
 * mapping change a synchronization can be started, and its refusal is a warning, not a failure.
 * Declared `groups` are the selected groups (groups.ts); left out, the selection is not managed.
 */
import { getApi, type Auth0Api } from "../../management-api/client";
import { isAuth0ApiError } from "../../management-api/errors";
import { DIRECTORY_STRATEGIES, type DirectoryMappingItem, type DirectoryProvisioningConfig } from "../../management-api/types";
import { createOrAdopt, deletePolicy, type AdoptableConfig } from "./adopt";
import { directoryPatch, sameMapping, type DesiredDirectory } from "./diff";
import { convergeGroups, groupsAsDeclared, liveGroups, requireGroupsEnabled, sameGroupIds, writeGroups } from "./groups";
import { defaultDirectoryMapping } from "./live";
import { liveDirectoryProvisioning } from "./live-reads";
import { handOff, providerState, takeHandOff } from "./process";
import { directoryProvisioningRules, directoryProvisioningSchema, type DirectoryProvisioningInputs } from "./schemas";
import { defineProvider } from "./skeleton";

export type { DirectoryProvisioningInputs } from "./schemas";

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
    /** Set in the state a failed create leaves: a synchronization was due and not started, so the next update starts it. */
    readonly synchronizationPending?: boolean;
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
    readonly config: DirectoryProvisioningConfig;
    readonly mappingChanged: boolean;
}

async function converge(api: Auth0Api, live: DirectoryProvisioningConfig, inputs: DirectoryProvisioningInputs): Promise<Applied> {
    // Groups before the PATCH: the selection is in place before synchronize_groups turns to selected.
    if (inputs.groups !== undefined) await convergeGroups(api, inputs.connectionId, inputs.groups);
    const patch = directoryPatch(live, await desiredOf(api, inputs, live.strategy));
    if (Object.keys(patch).length === 0) return { config: live, mappingChanged: false };
    return { config: await api.updateDirectoryProvisioning(inputs.connectionId, patch), mappingChanged: patch.mapping !== undefined };
}

function adoptable(inputs: DirectoryProvisioningInputs): AdoptableConfig<DirectoryProvisioningConfig, Applied> {
    return {
        feature: "directory provisioning",
        // Other strategies answer 400; a tenant without the feature answers 403.
        unsupported: "directory",
        strategies: DIRECTORY_STRATEGIES,
        conflictStatus: 409,
        get: (api, id) => api.getDirectoryProvisioning(id),
        create: (api, id) =>
            api.createDirectoryProvisioning(id, {
                ...(inputs.mapping ? { mapping: inputs.mapping.map((m) => ({ auth0: m.auth0, idp: m.idp })) } : {}),
                synchronize_automatically: inputs.synchronizeAutomatically,
                synchronize_groups: inputs.synchronizeGroups,
            }),
        converge: (api, existing) => converge(api, existing, inputs),
        created: (config) => ({ config, mappingChanged: true }),
        connectionName: (config) => config.connection_name,
    };
}

/**
 * Create-or-adopt, with the declared groups: checked before the first write, written with one PUT
 * when the configuration is new, brought to the declared set when it was adopted. `created` hears
 * of a configuration our POST made, before anything else is written.
 */
async function createWithGroups(
    api: Auth0Api,
    inputs: DirectoryProvisioningInputs,
    created: (applied: Applied) => void = () => {},
): Promise<{ result: Applied; adopted: boolean }> {
    if (inputs.groups !== undefined) await requireGroupsEnabled(api, inputs.connectionId);
    const done = await createOrAdopt(api, adoptable(inputs), inputs.connectionId, inputs.adoptExisting);
    if (!done.adopted) created(done.result);
    if (!done.adopted && inputs.groups !== undefined) await writeGroups(api, inputs.connectionId, inputs.groups);
    return done;
}

/** Starts a synchronization after a mapping change when asked; a refusal becomes a warning. */
async function maybeSynchronize(
    api: Auth0Api,
    inputs: DirectoryProvisioningInputs,
    applied: Applied,
    pending = false,
): Promise<string | undefined> {
    if (!inputs.synchronizeOnChange || !(applied.mappingChanged || pending)) return undefined;
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

function outputs(inputs: DirectoryProvisioningInputs, applied: Applied, adopted: boolean, warning?: string): DirectoryProvisioningOutputs {
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
        adopted,
    };
}

function slot(api: Auth0Api, connectionId: string): string {
    return `${api.host}|${connectionId}`;
}

/** The dynamic provider behind `DirectoryProvisioning`. */
export const directoryProvisioningProvider = defineProvider<ReturnType<typeof directoryProvisioningSchema>, DirectoryProvisioningOutputs>(
    directoryProvisioningSchema,
    {
        async diff(_id, olds, news) {
            const api = getApi();
            const live =
                takeHandOff(providerState().handOffs.directory, slot(api, news.connectionId)) ??
                (await liveDirectoryProvisioning(api, news.connectionId));
            if (live === undefined) return { changes: true };
            const declaredChanged =
                (["synchronizeAutomatically", "synchronizeGroups", "onDelete", "adoptExisting", "synchronizeOnChange"] as const).some(
                    (k) => olds[k] !== news[k],
                ) ||
                (olds.mapping === undefined) !== (news.mapping === undefined) ||
                (olds.mapping !== undefined && news.mapping !== undefined && !sameMapping(olds.mapping, news.mapping, "idp")) ||
                !sameGroupIds(olds.groups, news.groups);
            if (declaredChanged) return { changes: true };
            if (Object.keys(directoryPatch(live, await desiredOf(api, news, live.strategy))).length > 0) return { changes: true };
            // Last, as it may take many pages: a group added or removed in the dashboard.
            return { changes: news.groups !== undefined && !sameGroupIds(await liveGroups(api, news.connectionId), news.groups) };
        },

        async create(inputs, progress) {
            const api = getApi();
            // Ours from the POST on: should the groups or the synchronization fail, the engine keeps it
            // (created, not initialized) and the next run updates it, never adopts it as someone else's.
            const { result, adopted } = await createWithGroups(api, inputs, (applied) =>
                progress.wrote(inputs.connectionId, {
                    ...outputs(inputs, applied, false),
                    ...(inputs.synchronizeOnChange && applied.mappingChanged ? { synchronizationPending: true } : {}),
                }),
            );
            const warning = await maybeSynchronize(api, inputs, result);
            return { id: inputs.connectionId, outs: outputs(inputs, result, adopted, warning) };
        },

        async update(_id, olds, news) {
            const api = getApi();
            const live = await api.getDirectoryProvisioning(news.connectionId);
            const { result, adopted } =
                live === undefined
                    ? await createWithGroups(api, news)
                    : { result: await converge(api, live, news), adopted: olds.adopted ?? false };
            const warning = await maybeSynchronize(api, news, result, olds.synchronizationPending === true);
            return { outs: outputs(news, result, adopted, warning) };
        },

        async read(id, props) {
            const api = getApi();
            const connectionId = props?.connectionId ?? id;
            const live = await liveDirectoryProvisioning(api, connectionId);
            if (live === undefined) return undefined;
            handOff(providerState().handOffs.directory, slot(api, connectionId), live);
            const isDefault =
                props?.mapping === undefined &&
                sameMapping(live.mapping, await defaultDirectoryMapping(api, connectionId, live.strategy), "idp");
            const inputs: DirectoryProvisioningInputs = {
                connectionId,
                ...(isDefault ? {} : { mapping: live.mapping.map((m) => ({ auth0: m.auth0, idp: m.idp })) }),
                synchronizeAutomatically: live.synchronize_automatically,
                synchronizeGroups: live.synchronize_groups ?? "off",
                // Only a managed selection is read back: the live list, so the preview reads live -> desired.
                ...(props?.groups !== undefined ? { groups: groupsAsDeclared(await liveGroups(api, connectionId), props.groups) } : {}),
                ...(props?.onDelete !== undefined ? { onDelete: props.onDelete } : {}),
                adoptExisting: props?.adoptExisting ?? true,
                synchronizeOnChange: props?.synchronizeOnChange ?? false,
            };
            const readBack = outputs(inputs, { config: live, mappingChanged: false }, props?.adopted ?? false);
            // A refresh keeps a synchronization still owed by a failed create.
            return { id, props: props?.synchronizationPending ? { ...readBack, synchronizationPending: true } : readBack, inputs };
        },

        async delete(_id, props) {
            if (deletePolicy(props) === "retain") return;
            // Deleting the configuration clears its selection too; retain leaves both.
            await getApi().deleteDirectoryProvisioning(props.connectionId);
        },
    },
    directoryProvisioningRules,
);
