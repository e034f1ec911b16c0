import * as pulumi from "@pulumi/pulumi";
import type { PreviousMode } from "./provider/diff";
import { thinProvider } from "./provider/loader";
import type { ProfileSyncMode } from "./provider/types";

/** Arguments of `ProfileSync`. */
export interface ProfileSyncArgs {
    /** `connections/{id}`: the connection whose profile sync mode we own. Required. */
    readonly connectionId: pulumi.Input<string>;
    /** `options.set_user_root_attributes`: `on_each_login` | `on_first_login` | `never_on_login`. Required; Auth0 treats absent as `on_each_login`. */
    readonly mode: pulumi.Input<ProfileSyncMode>;
    /** On destroy: `retain` (default) leaves the value, `restore` puts back what was there before, including "absent". */
    readonly onDelete?: pulumi.Input<"retain" | "restore">;
}

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
    /** The mode the tenant applies now. */
    public readonly liveMode!: pulumi.Output<ProfileSyncMode>;
    /** The literal value before we took over (`absent` when the key was missing). */
    public readonly previousMode!: pulumi.Output<PreviousMode>;

    constructor(name: string, args: ProfileSyncArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            thinProvider("ProfileSync"),
            name,
            {
                connectionId: args.connectionId,
                mode: args.mode,
                onDelete: args.onDelete,
                connectionName: undefined,
                strategy: undefined,
                liveMode: undefined,
                previousMode: undefined,
            },
            opts,
            "auth0-connection-sync",
            "ProfileSync",
        );
    }
}
