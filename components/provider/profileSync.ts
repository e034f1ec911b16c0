/**
 * Owns one key of one connection: `options.set_user_root_attributes`. Every write is
 * read-modify-write with the GET immediately before the PATCH, because PATCH replaces the whole
 * `options` object: we send back every live option untouched with only our key changed.
 */
import { getApi, type Auth0Api } from "../../management-api/client";
import { PASSWORDLESS_STRATEGIES, type Connection, type ProfileSyncMode } from "../../management-api/types";
import { effectiveMode, literalMode, modeSatisfied, optionsWithMode, restorePlan, type PreviousMode } from "./diff";
import { requireOptions } from "./live";
import { handOff, providerState, takeHandOff } from "./process";
import { profileSyncSchema, type ProfileSyncInputs } from "./schemas";
import { defineProvider } from "./skeleton";

export type { ProfileSyncInputs } from "./schemas";

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

function slot(api: Auth0Api, connectionId: string): string {
    return `${api.host}|${connectionId}`;
}

/** The dynamic provider behind `ProfileSync`. */
export const profileSyncProvider = defineProvider<ReturnType<typeof profileSyncSchema>, ProfileSyncOutputs>(profileSyncSchema, {
    async diff(_id, olds, news) {
        const api = getApi();
        const conn =
            takeHandOff(providerState().handOffs.connections, slot(api, news.connectionId)) ?? (await api.getConnection(news.connectionId));
        const live = requireOptions(conn);
        return { changes: !modeSatisfied(live, news.mode) || olds.mode !== news.mode || (olds.onDelete ?? "retain") !== news.onDelete };
    },

    async create(inputs) {
        const { conn, before, live } = await apply(inputs);
        return { id: conn.id, outs: outputs(inputs, conn, live, before) };
    },

    async update(_id, olds, news) {
        const { conn, live } = await apply(news);
        return { outs: outputs(news, conn, live, olds.previousMode ?? "absent") };
    },

    async read(id, props) {
        const connectionId = props?.connectionId ?? id;
        const api = getApi();
        const conn = await api.getConnection(connectionId);
        handOff(providerState().handOffs.connections, slot(api, connectionId), conn);
        const live = effectiveMode(requireOptions(conn));
        const inputs: ProfileSyncInputs = { connectionId, mode: live, onDelete: props?.onDelete ?? "retain" };
        return { id, props: outputs(inputs, conn, live, props?.previousMode ?? "absent"), inputs };
    },

    async delete(_id, props) {
        if ((props.onDelete ?? "retain") !== "restore") return;
        await getApi().readModifyWriteOptions(props.connectionId, (c) => restorePlan(requireOptions(c), props.previousMode ?? "absent"));
    },
});
