/**
 * Owns the SCIM configuration of one connection. A configuration that already exists is adopted
 * (or refused with `adoptExisting: false`); mapping order never causes a diff; PATCH always sends
 * both fields because the API requires it.
 */
import { getApi, type Auth0Api } from "../../management-api/client";
import { SCIM_STRATEGIES, type ScimConfig, type ScimMappingItem } from "../../management-api/types";
import { createOrAdopt, deletePolicy, type AdoptableConfig } from "./adopt";
import { sameMapping, scimDifferences, scimPatchBody, type DesiredScim } from "./diff";
import { defaultScimMapping, scimEndpointUrl } from "./live";
import { liveScimConfig } from "./live-reads";
import { handOff, providerState, takeHandOff } from "./process";
import { scimConfigurationSchema, type ScimConfigurationInputs } from "./schemas";
import { defineProvider } from "./skeleton";

export type { ScimConfigurationInputs } from "./schemas";

/** State of the ScimConfiguration dynamic resource. */
export interface ScimConfigurationOutputs extends ScimConfigurationInputs {
    readonly connectionName: string;
    readonly strategy: string;
    readonly tenantName: string;
    readonly scimEndpointUrl: string;
    readonly liveMapping: readonly ScimMappingItem[];
    readonly createdAt: string;
    readonly updatedOn: string;
    /** True when the configuration existed before and we took it over. */
    readonly adopted: boolean;
}

async function desiredOf(api: Auth0Api, inputs: ScimConfigurationInputs, strategy: string): Promise<DesiredScim> {
    const mapping = inputs.mapping ?? (await defaultScimMapping(api, inputs.connectionId, strategy));
    return { userIdAttribute: inputs.userIdAttribute ?? "externalId", mapping };
}

/** Brings an existing configuration to the desired state with at most one PATCH. */
async function converge(api: Auth0Api, live: ScimConfig, inputs: ScimConfigurationInputs): Promise<ScimConfig> {
    const desired = await desiredOf(api, inputs, live.strategy);
    if (scimDifferences(live, desired).length === 0) return live;
    return api.updateScimConfig(inputs.connectionId, scimPatchBody(desired));
}

function adoptable(inputs: ScimConfigurationInputs): AdoptableConfig<ScimConfig, ScimConfig> {
    return {
        feature: "SCIM",
        unsupported: "scim",
        strategies: SCIM_STRATEGIES,
        // The API answers 400 (not 409) when a SCIM configuration exists.
        conflictStatus: 400,
        get: (api, id) => api.getScimConfig(id),
        create: (api, id) =>
            api.createScimConfig(id, {
                user_id_attribute: inputs.userIdAttribute,
                ...(inputs.mapping ? { mapping: [...inputs.mapping] } : {}),
            }),
        converge: (api, existing) => converge(api, existing, inputs),
        created: (config) => config,
        connectionName: (config) => config.connection_name,
    };
}

function outputs(api: Auth0Api, inputs: ScimConfigurationInputs, config: ScimConfig, adopted: boolean): ScimConfigurationOutputs {
    return {
        ...inputs,
        connectionName: config.connection_name,
        strategy: config.strategy,
        tenantName: config.tenant_name,
        scimEndpointUrl: scimEndpointUrl(api, inputs.connectionId),
        liveMapping: config.mapping.map((m) => ({ auth0: m.auth0, scim: m.scim })),
        createdAt: config.created_at,
        updatedOn: config.updated_on,
        adopted,
    };
}

function slot(api: Auth0Api, connectionId: string): string {
    return `${api.host}|${connectionId}`;
}

/** The dynamic provider behind `ScimConfiguration`. */
export const scimConfigurationProvider = defineProvider<ReturnType<typeof scimConfigurationSchema>, ScimConfigurationOutputs>(
    scimConfigurationSchema,
    {
        async diff(_id, olds, news) {
            const api = getApi();
            const live =
                takeHandOff(providerState().handOffs.scimConfigs, slot(api, news.connectionId)) ??
                (await liveScimConfig(api, news.connectionId));
            if (live === undefined) return { changes: true };
            const declaredChanged =
                olds.userIdAttribute !== news.userIdAttribute ||
                olds.onDelete !== news.onDelete ||
                olds.adoptExisting !== news.adoptExisting ||
                (olds.mapping === undefined) !== (news.mapping === undefined) ||
                (olds.mapping !== undefined && news.mapping !== undefined && !sameMapping(olds.mapping, news.mapping, "scim"));
            const drifted = scimDifferences(live, await desiredOf(api, news, live.strategy)).length > 0;
            return { changes: declaredChanged || drifted };
        },

        async create(inputs) {
            const api = getApi();
            const { result, adopted } = await createOrAdopt(api, adoptable(inputs), inputs.connectionId, inputs.adoptExisting);
            return { id: inputs.connectionId, outs: outputs(api, inputs, result, adopted) };
        },

        async update(_id, olds, news) {
            const api = getApi();
            const live = await api.getScimConfig(news.connectionId);
            // Deleted out of band since the last run: create it again rather than fail.
            const { result, adopted } =
                live === undefined
                    ? await createOrAdopt(api, adoptable(news), news.connectionId, news.adoptExisting)
                    : { result: await converge(api, live, news), adopted: olds.adopted ?? false };
            return { outs: outputs(api, news, result, adopted) };
        },

        async read(id, props) {
            const api = getApi();
            const connectionId = props?.connectionId ?? id;
            const live = await liveScimConfig(api, connectionId);
            if (live === undefined) return undefined;
            handOff(providerState().handOffs.scimConfigs, slot(api, connectionId), live);
            // Keep "default mapping" as omitted while the live mapping still is the default.
            const isDefault =
                props?.mapping === undefined &&
                sameMapping(live.mapping, await defaultScimMapping(api, connectionId, live.strategy), "scim");
            const inputs: ScimConfigurationInputs = {
                connectionId,
                userIdAttribute: live.user_id_attribute,
                ...(isDefault ? {} : { mapping: live.mapping.map((m) => ({ auth0: m.auth0, scim: m.scim })) }),
                ...(props?.onDelete !== undefined ? { onDelete: props.onDelete } : {}),
                adoptExisting: props?.adoptExisting ?? true,
            };
            return { id, props: outputs(api, inputs, live, props?.adopted ?? false), inputs };
        },

        async delete(_id, props) {
            if (deletePolicy(props) === "retain") return;
            await getApi().deleteScimConfig(props.connectionId);
        },
    },
);
