/**
 * Owns one key of one connection: `options.set_user_root_attributes`. Every write is
 * read-modify-write with the GET immediately before the PATCH, because PATCH replaces the whole
 * `options` object: we send back every live option untouched with only our key changed. On the
 * strategies whose dashboard toggle needs it, `on_each_login` is the key removed. The literal value
 * found at creation (any JSON, or absent) is recorded, and `onDelete: restore` puts exactly that back.
 */
import { getApi, type Auth0Api } from "../../management-api/client";
import { isAuth0ApiError } from "../../management-api/errors";
import { PASSWORDLESS_STRATEGIES, type Connection, type ProfileSyncMode } from "../../management-api/types";
import {
    effectiveMode,
    literalValue,
    type LiteralValue,
    MODE_KEY,
    modeOfLiteral,
    modeSatisfied,
    optionsForMode,
    type PreviousMode,
    recordedPrevious,
    restorePlan,
} from "./diff";
import { requireOptions } from "./live";
import { liveConnection } from "./live-reads";
import { handOff, providerState, takeHandOff } from "./process";
import { profileSyncSchema, type ProfileSyncInputs } from "./schemas";
import { type CreateProgress, defineProvider } from "./skeleton";

export type { ProfileSyncInputs } from "./schemas";
/** Kept for callers that know a failed create by this name: every kind's is now the skeleton's. */
export { ResourceInitError as ProfileSyncInitError } from "./skeleton";

/** State of the ProfileSync dynamic resource. */
export interface ProfileSyncOutputs extends ProfileSyncInputs {
    readonly connectionName: string;
    readonly strategy: string;
    /** What the tenant does now: an absent key, or a value we do not recognise, reads as `on_each_login`. */
    readonly liveMode: ProfileSyncMode;
    /**
     * The literal value before we took over, exactly (any JSON, or absent): what `onDelete: restore`
     * puts back. Missing from state written by earlier versions.
     */
    readonly previousValue?: LiteralValue;
    /**
     * The same as earlier versions recorded it (a mode, or `absent` also for values they did not
     * know); still written for them, and read only from state that has no `previousValue`.
     */
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

/** The first read of a create: the connection, and our key's literal value before any write of ours. */
interface FirstRead {
    readonly conn: Connection;
    readonly before: LiteralValue;
}

/**
 * Brings the live key to `mode`, writing only when the live value does not already declare it.
 * `beforeWrite` hears of each write about to be sent, with the first read (a PATCH that times out
 * may still land, and a retry reads our own value again).
 */
async function apply(
    inputs: ProfileSyncInputs,
    beforeWrite: (first: FirstRead) => void = () => {},
): Promise<{ conn: Connection; before: LiteralValue; live: ProfileSyncMode }> {
    let first: FirstRead | undefined;
    const { before: conn, after } = await getApi().readModifyWriteOptions(inputs.connectionId, (c) => {
        refusePasswordless(c);
        const options = requireOptions(c);
        first ??= { conn: c, before: literalValue(options) };
        const body = modeSatisfied(options, inputs.mode) ? undefined : optionsForMode(options, c.strategy, inputs.mode);
        if (body !== undefined) beforeWrite(first);
        return body;
    });
    const live = after === undefined ? effectiveMode(conn.options ?? {}) : after.options ? effectiveMode(after.options) : inputs.mode;
    return { conn, before: first?.before ?? { present: false }, live };
}

/**
 * A create that fails after it may have written is reported by the skeleton as created but not
 * initialized, with the value found first: so it survives a PATCH that timed out and landed
 * anyway, and `restore` still puts it back.
 */
async function create(
    inputs: ProfileSyncInputs,
    progress: CreateProgress<ProfileSyncOutputs>,
): Promise<{ id: string; outs: ProfileSyncOutputs }> {
    const { conn, before, live } = await apply(inputs, (first) =>
        progress.wrote(first.conn.id, outputs(inputs, first.conn, effectiveMode(first.conn.options ?? {}), first.before)),
    );
    return { id: conn.id, outs: outputs(inputs, conn, live, before) };
}

function outputs(inputs: ProfileSyncInputs, conn: Connection, live: ProfileSyncMode, previous: LiteralValue): ProfileSyncOutputs {
    return {
        connectionId: inputs.connectionId,
        mode: inputs.mode,
        onDelete: inputs.onDelete,
        connectionName: conn.name,
        strategy: conn.strategy,
        liveMode: live,
        previousValue: previous,
        previousMode: modeOfLiteral(previous),
    };
}

/** Puts the recorded literal back; a value the API no longer accepts fails with what to do, having changed nothing. */
async function restore(props: ProfileSyncOutputs): Promise<void> {
    const previous = recordedPrevious(props);
    try {
        await getApi().readModifyWriteOptions(props.connectionId, (c) => restorePlan(requireOptions(c), previous));
    } catch (err) {
        if (!isAuth0ApiError(err) || err.status !== 400 || !previous.present) throw err;
        throw new Error(
            `cannot restore options.${MODE_KEY} of connection "${props.connectionName}" (${props.connectionId}) to ${previous.json}, ` +
                `the value it had before: the API refuses it now (${err.apiMessage}). Nothing was changed. Set onDelete: retain ` +
                "and run pulumi up before destroying, or set the option by hand and remove the resource from the state.",
            { cause: err },
        );
    }
}

function slot(api: Auth0Api, connectionId: string): string {
    return `${api.host}|${connectionId}`;
}

/** The dynamic provider behind `ProfileSync`. */
export const profileSyncProvider = defineProvider<ReturnType<typeof profileSyncSchema>, ProfileSyncOutputs>(profileSyncSchema, {
    async diff(_id, olds, news) {
        const api = getApi();
        const conn =
            takeHandOff(providerState().handOffs.connections, slot(api, news.connectionId)) ??
            (await liveConnection(api, news.connectionId));
        const live = requireOptions(conn);
        return { changes: !modeSatisfied(live, news.mode) || olds.mode !== news.mode || (olds.onDelete ?? "retain") !== news.onDelete };
    },

    create,

    async update(_id, olds, news) {
        const { conn, live } = await apply(news);
        return { outs: outputs(news, conn, live, recordedPrevious(olds)) };
    },

    async read(id, props) {
        const connectionId = props?.connectionId ?? id;
        const api = getApi();
        const conn = await liveConnection(api, connectionId);
        handOff(providerState().handOffs.connections, slot(api, connectionId), conn);
        const options = requireOptions(conn);
        const live = effectiveMode(options);
        const inputs: ProfileSyncInputs = { connectionId, mode: live, onDelete: props?.onDelete ?? "retain" };
        // Without a recorded value (an import), what is live now is what we take over: recording
        // "absent" instead would make a later restore delete the key.
        const previous =
            props === undefined || (props.previousValue === undefined && props.previousMode === undefined)
                ? literalValue(options)
                : recordedPrevious(props);
        return { id, props: outputs(inputs, conn, live, previous), inputs };
    },

    async delete(_id, props) {
        if ((props.onDelete ?? "retain") !== "restore") return;
        await restore(props);
    },
});
