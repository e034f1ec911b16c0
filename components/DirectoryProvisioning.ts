import * as pulumi from "@pulumi/pulumi";
import { thinProvider } from "./provider/loader";
import type { DirectoryMappingItem, SynchronizeGroups } from "./provider/types";

/** Arguments of `DirectoryProvisioning`. */
export interface DirectoryProvisioningArgs {
    /** `connections/{id}/directory-provisioning`: a google-apps connection. Required. */
    readonly connectionId: pulumi.Input<string>;
    /** `mapping`: Auth0-to-IdP attribute pairs, order irrelevant. Default: the API's default mapping. */
    readonly mapping?: pulumi.Input<pulumi.Input<DirectoryMappingItem>[]>;
    /** `synchronize_automatically`: periodic synchronization. Default `false`. */
    readonly synchronizeAutomatically?: pulumi.Input<boolean>;
    /** `synchronize_groups`: `all` | `off` | `selected`. Default `off`. */
    readonly synchronizeGroups?: pulumi.Input<SynchronizeGroups>;
    /** On destroy: `delete` (default) removes the configuration, `retain` leaves it. */
    readonly onDelete?: pulumi.Input<"delete" | "retain">;
    /** Take over a configuration that already exists (409 on create). Default `true`. */
    readonly adoptExisting?: pulumi.Input<boolean>;
    /** `POST .../synchronizations` after a mapping change; a refusal is a warning. Default `false`. */
    readonly synchronizeOnChange?: pulumi.Input<boolean>;
}

/** Owns the directory provisioning (Google Workspace user and group sync) of one connection. */
export class DirectoryProvisioning extends pulumi.dynamic.Resource {
    /** The connection id. */
    public readonly connectionId!: pulumi.Output<string>;
    /** The declared mapping; undefined means the API's default. */
    public readonly mapping!: pulumi.Output<DirectoryMappingItem[] | undefined>;
    /** The declared periodic synchronization setting. */
    public readonly synchronizeAutomatically!: pulumi.Output<boolean>;
    /** The declared group synchronization. */
    public readonly synchronizeGroups!: pulumi.Output<SynchronizeGroups>;
    /** The declared delete policy. */
    public readonly onDelete!: pulumi.Output<"delete" | "retain">;
    /** Whether an existing configuration may be taken over. */
    public readonly adoptExisting!: pulumi.Output<boolean>;
    /** Whether a mapping change starts a synchronization. */
    public readonly synchronizeOnChange!: pulumi.Output<boolean>;
    /** The connection's name. */
    public readonly connectionName!: pulumi.Output<string>;
    /** The connection's strategy. */
    public readonly strategy!: pulumi.Output<string>;
    /** The mapping the tenant has now. */
    public readonly liveMapping!: pulumi.Output<DirectoryMappingItem[]>;
    /** When the configuration was created. */
    public readonly createdAt!: pulumi.Output<string>;
    /** When it was last updated. */
    public readonly updatedAt!: pulumi.Output<string>;
    /** When the last synchronization ran. */
    public readonly lastSynchronizationAt!: pulumi.Output<string | undefined>;
    /** The last synchronization's status. */
    public readonly lastSynchronizationStatus!: pulumi.Output<string | undefined>;
    /** The last synchronization's error, if any. */
    public readonly lastSynchronizationError!: pulumi.Output<string | undefined>;
    /** Why a requested synchronization did not start, if it did not. */
    public readonly synchronizationWarning!: pulumi.Output<string | undefined>;
    /** True when the configuration existed before and was adopted. */
    public readonly adopted!: pulumi.Output<boolean>;

    constructor(name: string, args: DirectoryProvisioningArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            thinProvider("DirectoryProvisioning"),
            name,
            {
                connectionId: args.connectionId,
                mapping: args.mapping,
                synchronizeAutomatically: args.synchronizeAutomatically,
                synchronizeGroups: args.synchronizeGroups,
                onDelete: args.onDelete,
                adoptExisting: args.adoptExisting,
                synchronizeOnChange: args.synchronizeOnChange,
                connectionName: undefined,
                strategy: undefined,
                liveMapping: undefined,
                createdAt: undefined,
                updatedAt: undefined,
                lastSynchronizationAt: undefined,
                lastSynchronizationStatus: undefined,
                lastSynchronizationError: undefined,
                synchronizationWarning: undefined,
                adopted: undefined,
            },
            opts,
            "auth0-connection-sync",
            "DirectoryProvisioning",
        );
    }
}
