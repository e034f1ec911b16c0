/**
 * Owns one key of one connection: `options.set_user_root_attributes`. Every write is
 * read-modify-write with the GET immediately before the PATCH, because PATCH replaces the whole
 * `options` object: we send back every live option untouched with only our key changed.
 */
import type * as pulumi from "@pulumi/pulumi";
import { getApi } from "./client";
import { configureProvider, handOff, handOffKey, isUnknown, requireOptions, takeHandOff } from "./common";
import { effectiveMode, literalMode, modeSatisfied, optionsWithMode, restorePlan, type PreviousMode } from "./diff";
import { unlessGone } from "./errors";
import { checkInputs } from "./schemas";
import { PASSWORDLESS_STRATEGIES, type Connection, type ProfileSyncMode } from "./types";

/** Inputs of the ProfileSync dynamic resource, after `check` filled in defaults. */
export interface ProfileSyncInputs {
    readonly connectionId: string;
    readonly mode: ProfileSyncMode;
    readonly onDelete: "retain" | "restore";
}

/** State of the ProfileSync dynamic resource. */
export interface ProfileSyncOutputs extends ProfileSyncInputs {
    readonly connectionName: string;
    readonly strategy: string;
    /** What the tenant does now (an absent key reads as `on_each_login`). */
    readonly liveMode: ProfileSyncMode;
    /** The literal value before we took over, restored by `onDelete: restore`. */
    readonly previousMode: PreviousMode;
}

function refusePasswordless(conn: Connection): void {
    if ((PASSWORDLESS_STRATEGIES as readonly string[]).includes(conn.strategy)) {
        throw new Error(
            `connection "${conn.name}" (${conn.id}) is a passwordless (${conn.strategy}) connection, which has no ` +
                `profile sync setting (set_user_root_attributes); remove profileSync for it. Nothing was written.`,
        );
    }
}

/** Brings the live key to `mode`, writing only when the live value means something else. */
async function apply(inputs: ProfileSyncInputs): Promise<{ conn: Connection; before: PreviousMode; live: ProfileSyncMode }> {
    let before: PreviousMode = "absent";
    const { before: conn, after } = await getApi().readModifyWriteOptions(inputs.connectionId, (c) => {
        refusePasswordless(c);
        const options = requireOptions(c);
        before = literalMode(options);
        return modeSatisfied(options, inputs.mode) ? undefined : optionsWithMode(options, inputs.mode);
    });
    const live = after === undefined ? effectiveMode(conn.options ?? {}) : after.options ? effectiveMode(after.options) : inputs.mode;
    return { conn, before, live };
}

function outputs(inputs: ProfileSyncInputs, conn: Connection, live: ProfileSyncMode, previousMode: PreviousMode): ProfileSyncOutputs {
    return {
        connectionId: inputs.connectionId,
        mode: inputs.mode,
        onDelete: inputs.onDelete,
        connectionName: conn.name,
        strategy: conn.strategy,
        liveMode: live,
        previousMode,
    };
}

/** The dynamic provider behind `ProfileSync`. */
export const profileSyncProvider = {
    configure: configureProvider,

    async check(_olds: ProfileSyncInputs, news: ProfileSyncInputs) {
        const { inputs, failures } = checkInputs("ProfileSync", { ...news });
        return { inputs: inputs as unknown as ProfileSyncInputs, failures } satisfies pulumi.dynamic.CheckResult<ProfileSyncInputs>;
    },

    async diff(_id: string, olds: ProfileSyncOutputs, news: ProfileSyncInputs) {
        if (isUnknown(news.connectionId) || isUnknown(news.mode)) {
            return { changes: true } satisfies pulumi.dynamic.DiffResult;
        }
        if (olds.connectionId !== news.connectionId) {
            return { changes: true, replaces: ["connectionId"] } satisfies pulumi.dynamic.DiffResult;
        }
        const api = getApi();
        const key = handOffKey("profile-sync", api, news.connectionId);
        const conn = takeHandOff<Connection>(key) ?? (await api.getConnection(news.connectionId));
        const live = requireOptions(conn);
        const changes = !modeSatisfied(live, news.mode) || olds.mode !== news.mode || (olds.onDelete ?? "retain") !== news.onDelete;
        return { changes } satisfies pulumi.dynamic.DiffResult;
    },

    async create(inputs: ProfileSyncInputs) {
        const { conn, before, live } = await apply(inputs);
        return { id: conn.id, outs: outputs(inputs, conn, live, before) } satisfies pulumi.dynamic.CreateResult<ProfileSyncOutputs>;
    },

    async update(_id: string, olds: ProfileSyncOutputs, news: ProfileSyncInputs) {
        const { conn, live } = await apply(news);
        return { outs: outputs(news, conn, live, olds.previousMode ?? "absent") } satisfies pulumi.dynamic.UpdateResult<ProfileSyncOutputs>;
    },

    async read(id: string, props?: ProfileSyncOutputs) {
        const connectionId = props?.connectionId ?? id;
        const api = getApi();
        const conn = await unlessGone(api.getConnection(connectionId));
        if (conn === undefined) return {} satisfies pulumi.dynamic.ReadResult<ProfileSyncOutputs>;
        handOff(handOffKey("profile-sync", api, connectionId), conn);
        const live = effectiveMode(requireOptions(conn));
        const onDelete = props?.onDelete ?? "retain";
        const inputs: ProfileSyncInputs = { connectionId, mode: live, onDelete };
        return {
            id,
            props: outputs(inputs, conn, live, props?.previousMode ?? "absent"),
            inputs: inputs as ProfileSyncOutputs,
        } satisfies pulumi.dynamic.ReadResult<ProfileSyncOutputs>;
    },

    async delete(_id: string, props: ProfileSyncOutputs) {
        if ((props.onDelete ?? "retain") !== "restore") {
            return;
        }
        await unlessGone(
            getApi().readModifyWriteOptions(props.connectionId, (c) => restorePlan(requireOptions(c), props.previousMode ?? "absent")),
        );
    },
} satisfies pulumi.dynamic.ResourceProvider<ProfileSyncInputs, ProfileSyncOutputs>;
