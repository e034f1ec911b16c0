import * as pulumi from "@pulumi/pulumi";
import { thinProvider } from "./provider/loader";
import type { ArgsOf } from "./provider/schemas";
import type { ResourceArgs } from "./resource-args";
import type { ScimMappingItem } from "../management-api/types";

/** Arguments of `ScimConfiguration`: the fields, defaults and allowed values of its schema (`components/provider/schemas.ts`). */
export type ScimConfigurationArgs = ResourceArgs<ArgsOf<"ScimConfiguration">>;

/** Owns the SCIM configuration of one connection: user id attribute and attribute mapping. */
export class ScimConfiguration extends pulumi.dynamic.Resource {
    /** The connection id. */
    public readonly connectionId!: pulumi.Output<string>;
    /** The declared user id attribute. */
    public readonly userIdAttribute!: pulumi.Output<string>;
    /** The declared mapping; undefined means the API's default. */
    public readonly mapping!: pulumi.Output<ScimMappingItem[] | undefined>;
    /** The declared delete policy. */
    public readonly onDelete!: pulumi.Output<"delete" | "retain">;
    /** Whether an existing configuration may be taken over. */
    public readonly adoptExisting!: pulumi.Output<boolean>;
    /** The connection's name. */
    public readonly connectionName!: pulumi.Output<string>;
    /** The connection's strategy. */
    public readonly strategy!: pulumi.Output<string>;
    /** The tenant's name. */
    public readonly tenantName!: pulumi.Output<string>;
    /** The SCIM endpoint URL to give the IdP administrator. */
    public readonly scimEndpointUrl!: pulumi.Output<string>;
    /** The mapping the tenant has now. */
    public readonly liveMapping!: pulumi.Output<ScimMappingItem[]>;
    /** When the configuration was created (ISO 8601). */
    public readonly createdAt!: pulumi.Output<string>;
    /** When it was last updated (ISO 8601; the API calls it `updated_on`). */
    public readonly updatedOn!: pulumi.Output<string>;
    /** True when the configuration existed before and was adopted. */
    public readonly adopted!: pulumi.Output<boolean>;

    constructor(name: string, args: ScimConfigurationArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            thinProvider("ScimConfiguration"),
            name,
            {
                // Every argument, as its schema defines it: a new field needs no change here.
                ...args,
                connectionName: undefined,
                strategy: undefined,
                tenantName: undefined,
                scimEndpointUrl: undefined,
                liveMapping: undefined,
                createdAt: undefined,
                updatedOn: undefined,
                adopted: undefined,
            },
            opts,
            "auth0-connection-sync",
            "ScimConfiguration",
        );
    }
}
