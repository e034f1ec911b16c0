/**
 * Owns the SCIM configuration of one connection. A configuration that already exists is adopted
 * (or refused with `adoptExisting: false`); mapping order never causes a diff; PATCH always sends
 * both fields because the API requires it.
 */
import type * as pulumi from "@pulumi/pulumi";
import { getApi, type Auth0Api } from "./client";
import {
    configureProvider,
    defaultScimMapping,
    handOff,
    handOffKey,
    isUnknown,
    refuseUnsupported,
    scimEndpointUrl,
    takeHandOff,
} from "./common";
import { sameMapping, scimDifferences, scimPatchBody, type DesiredScim } from "./diff";
import { isAuth0ApiError, isUnsupportedStrategy, unlessGone } from "./errors";
import { checkInputs } from "./schemas";
import { SCIM_STRATEGIES, type ScimConfig, type ScimMappingItem } from "./types";

/** Inputs of the ScimConfiguration dynamic resource, after `check` filled in defaults. */
export interface ScimConfigurationInputs {
    readonly connectionId: string;
    readonly userIdAttribute: string;
    /** Omitted: the API's default mapping. */
    readonly mapping?: readonly ScimMappingItem[];
    readonly onDelete: "delete" | "retain";
    readonly adoptExisting: boolean;
}

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
    if (scimDifferences(live, desired).length === 0) {
        return live;
    }
    return api.updateScimConfig(inputs.connectionId, scimPatchBody(desired));
}

/**
 * Looks before it writes: an existing configuration is adopted without a refused POST (so adopting
 * a hand-made tenant makes zero writes when it already matches). A POST that still meets "already
 * exists" (a race, or a retried POST) falls back to adoption too.
 */
async function createOrAdopt(api: Auth0Api, inputs: ScimConfigurationInputs): Promise<{ config: ScimConfig; adopted: boolean }> {
    const adopt = async (existing: ScimConfig, connectionName: string) => {
        if (!inputs.adoptExisting) {
            throw new Error(
                `connection "${connectionName}" (${inputs.connectionId}) already has a SCIM configuration. Set adoptExisting: true ` +
                    `(the default) to take it over and bring it to the declared state, or delete it in the dashboard first. Nothing was written.`,
            );
        }
        return { config: await converge(api, existing, inputs), adopted: true };
    };
    const existing = await api.getScimConfig(inputs.connectionId).catch((err: unknown) =>
        // Other strategies answer 404 "does not support SCIM" here: say which strategies do, before any write.
        isUnsupportedStrategy(err, "scim")
            ? refuseUnsupported(api, inputs.connectionId, SCIM_STRATEGIES, "SCIM", err)
            : Promise.reject(err),
    );
    if (existing !== undefined) return adopt(existing, existing.connection_name);
    const body = { user_id_attribute: inputs.userIdAttribute, ...(inputs.mapping ? { mapping: [...inputs.mapping] } : {}) };
    try {
        return { config: await api.createScimConfig(inputs.connectionId, body), adopted: false };
    } catch (err) {
        // The documented refusal for other strategies is the POST's 404; it wrote nothing.
        if (isUnsupportedStrategy(err, "scim")) return refuseUnsupported(api, inputs.connectionId, SCIM_STRATEGIES, "SCIM", err);
        // The API answers 400 (not 409) when a configuration exists; look before deciding.
        if (!isAuth0ApiError(err) || (err.status !== 400 && err.status !== 409)) throw err;
        const raced = await api.getScimConfig(inputs.connectionId);
        if (raced === undefined) throw err;
        return adopt(raced, raced.connection_name);
    }
}

function outputs(api: Auth0Api, inputs: ScimConfigurationInputs, config: ScimConfig, adopted: boolean): ScimConfigurationOutputs {
    return {
        ...inputs,
        connectionName: config.connection_name,
        strategy: config.strategy,
        tenantName: config.tenant_name,
        scimEndpointUrl: scimEndpointUrl(api.host, inputs.connectionId),
        liveMapping: config.mapping.map((m) => ({ auth0: m.auth0, scim: m.scim })),
        createdAt: config.created_at,
        updatedOn: config.updated_on,
        adopted,
    };
}

/** The dynamic provider behind `ScimConfiguration`. */
export const scimConfigurationProvider = {
    configure: configureProvider,

    async check(_olds: ScimConfigurationInputs, news: ScimConfigurationInputs) {
        const { inputs, failures } = checkInputs("ScimConfiguration", { ...news });
        return {
            inputs: inputs as unknown as ScimConfigurationInputs,
            failures,
        } satisfies pulumi.dynamic.CheckResult<ScimConfigurationInputs>;
    },

    async diff(_id: string, olds: ScimConfigurationOutputs, news: ScimConfigurationInputs) {
        if (isUnknown(news.connectionId)) return { changes: true } satisfies pulumi.dynamic.DiffResult;
        if (olds.connectionId !== news.connectionId) {
            return { changes: true, replaces: ["connectionId"] } satisfies pulumi.dynamic.DiffResult;
        }
        const api = getApi();
        const key = handOffKey("scim", api, news.connectionId);
        const live = takeHandOff<ScimConfig>(key) ?? (await api.getScimConfig(news.connectionId));
        if (live === undefined) return { changes: true } satisfies pulumi.dynamic.DiffResult;
        const declaredChanged =
            olds.userIdAttribute !== news.userIdAttribute ||
            olds.onDelete !== news.onDelete ||
            olds.adoptExisting !== news.adoptExisting ||
            (olds.mapping === undefined) !== (news.mapping === undefined) ||
            (olds.mapping !== undefined && news.mapping !== undefined && !sameMapping(olds.mapping, news.mapping, "scim"));
        const drifted = scimDifferences(live, await desiredOf(api, news, live.strategy)).length > 0;
        return { changes: declaredChanged || drifted } satisfies pulumi.dynamic.DiffResult;
    },

    async create(inputs: ScimConfigurationInputs) {
        const api = getApi();
        const { config, adopted } = await createOrAdopt(api, inputs);
        return {
            id: inputs.connectionId,
            outs: outputs(api, inputs, config, adopted),
        } satisfies pulumi.dynamic.CreateResult<ScimConfigurationOutputs>;
    },

    async update(_id: string, olds: ScimConfigurationOutputs, news: ScimConfigurationInputs) {
        const api = getApi();
        const live = await api.getScimConfig(news.connectionId);
        // Deleted out of band since the last run: create it again rather than fail.
        const result =
            live === undefined
                ? await createOrAdopt(api, news)
                : { config: await converge(api, live, news), adopted: olds.adopted ?? false };
        return { outs: outputs(api, news, result.config, result.adopted) } satisfies pulumi.dynamic.UpdateResult<ScimConfigurationOutputs>;
    },

    async read(id: string, props?: ScimConfigurationOutputs) {
        const api = getApi();
        const connectionId = props?.connectionId ?? id;
        const live = await unlessGone(api.getScimConfig(connectionId));
        if (live === undefined) return {} satisfies pulumi.dynamic.ReadResult<ScimConfigurationOutputs>;
        handOff(handOffKey("scim", api, connectionId), live);
        // Keep "default mapping" as omitted while the live mapping still is the default.
        const isDefault =
            props?.mapping === undefined && sameMapping(live.mapping, await defaultScimMapping(api, connectionId, live.strategy), "scim");
        const inputs: ScimConfigurationInputs = {
            connectionId,
            userIdAttribute: live.user_id_attribute,
            ...(isDefault ? {} : { mapping: live.mapping.map((m) => ({ auth0: m.auth0, scim: m.scim })) }),
            onDelete: props?.onDelete ?? "delete",
            adoptExisting: props?.adoptExisting ?? true,
        };
        return {
            id,
            props: outputs(api, inputs, live, props?.adopted ?? false),
            inputs: inputs as ScimConfigurationOutputs,
        } satisfies pulumi.dynamic.ReadResult<ScimConfigurationOutputs>;
    },

    async delete(_id: string, props: ScimConfigurationOutputs) {
        if ((props.onDelete ?? "delete") === "retain") return;
        await unlessGone(getApi().deleteScimConfig(props.connectionId));
    },
} satisfies pulumi.dynamic.ResourceProvider<ScimConfigurationInputs, ScimConfigurationOutputs>;
