import * as pulumi from "@pulumi/pulumi";
import type { LiteralValue, PreviousMode } from "./provider/diff";
import { thinProvider } from "./provider/loader";
import type { ArgsOf } from "./provider/schemas";
import type { ResourceArgs } from "./resource-args";
import type { ProfileSyncMode } from "../management-api/types";

/** Arguments of `ProfileSync`: the fields, defaults and allowed values of its schema (`components/provider/schemas.ts`). */
export type ProfileSyncArgs = ResourceArgs<ArgsOf<"ProfileSync">>;

/**
 * Owns `options.set_user_root_attributes` of one connection and nothing else: every write sends
 * the connection's live options back untouched with only that key changed.
 */
export class ProfileSync extends pulumi.dynamic.Resource {
    /** The connection id. */
    public readonly connectionId!: pulumi.Output<string>;
    /** The declared mode. */
    public readonly mode!: pulumi.Output<ProfileSyncMode>;
    /** The declared delete policy. */
    public readonly onDelete!: pulumi.Output<"retain" | "restore">;
    /** The connection's name. */
    public readonly connectionName!: pulumi.Output<string>;
    /** The connection's strategy, e.g. `samlp`. */
    public readonly strategy!: pulumi.Output<string>;
    /** The mode the tenant applies now; an absent key or a value we do not recognise reads as `on_each_login`. */
    public readonly liveMode!: pulumi.Output<ProfileSyncMode>;
    /** The literal value before we took over, exactly: `{present: false}`, or `{present: true, json}` with its JSON text. */
    public readonly previousValue!: pulumi.Output<LiteralValue>;
    /** The previous value as earlier versions recorded it: a mode, or `absent` (also for a value they did not know). */
    public readonly previousMode!: pulumi.Output<PreviousMode>;

    constructor(name: string, args: ProfileSyncArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            thinProvider("ProfileSync"),
            name,
            {
                // Every argument, as its schema defines it: a new field needs no change here.
                ...args,
                connectionName: undefined,
                strategy: undefined,
                liveMode: undefined,
                previousValue: undefined,
                previousMode: undefined,
            },
            opts,
            "auth0-connection-sync",
            "ProfileSync",
        );
    }
}
