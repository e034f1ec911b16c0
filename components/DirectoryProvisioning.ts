import * as pulumi from "@pulumi/pulumi";
import { thinProvider } from "./provider/loader";
import type { ArgsOf } from "./provider/schemas";
import type { ResourceArgs } from "./resource-args";
import type { DirectoryMappingItem, SynchronizedGroupSelection, SynchronizeGroups } from "../management-api/types";

/** Arguments of `DirectoryProvisioning`: the fields, defaults and allowed values of its schema (`components/provider/schemas.ts`). */
export type DirectoryProvisioningArgs = ResourceArgs<ArgsOf<"DirectoryProvisioning">>;

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
    /** The declared selected groups (with `synchronizeGroups: selected`); undefined means the selection is not managed. */
    public readonly groups!: pulumi.Output<SynchronizedGroupSelection[] | undefined>;
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
                // Every argument, as its schema defines it: a new field needs no change here.
                ...args,
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
