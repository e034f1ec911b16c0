import * as pulumi from "@pulumi/pulumi";
import { thinProvider } from "./provider/loader";
import type { ScimMappingItem } from "./provider/types";

/** Arguments of `ScimConfiguration`. */
export interface ScimConfigurationArgs {
    /** `connections/{id}/scim-configuration`: the connection (samlp, oidc, okta or waad). Required. */
    readonly connectionId: pulumi.Input<string>;
    /** `user_id_attribute`: the SCIM attribute used as the user id. Default `externalId`. */
    readonly userIdAttribute?: pulumi.Input<string>;
    /** `mapping`: Auth0-to-SCIM attribute pairs, order irrelevant. Default: the API's default mapping. */
    readonly mapping?: pulumi.Input<pulumi.Input<ScimMappingItem>[]>;
    /** On destroy: `delete` (default) removes the configuration, `retain` leaves it. */
    readonly onDelete?: pulumi.Input<"delete" | "retain">;
    /** Take over a configuration that already exists. Default `true`; `false` fails instead. */
    readonly adoptExisting?: pulumi.Input<boolean>;
}

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
                connectionId: args.connectionId,
                userIdAttribute: args.userIdAttribute,
                mapping: args.mapping,
                onDelete: args.onDelete,
                adoptExisting: args.adoptExisting,
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
