import * as pulumi from "@pulumi/pulumi";
import { thinProvider } from "./provider/loader";

/** Arguments of `ScimToken`. */
export interface ScimTokenArgs {
    /** `connections/{id}/scim-configuration/tokens`: the connection. Required. */
    readonly connectionId: pulumi.Input<string>;
    /** `scopes`: e.g. `get:users`, `post:users`, `patch:users`, `put:users`, `delete:users`. Required; a change issues a new token. */
    readonly scopes: pulumi.Input<pulumi.Input<string>[]>;
    /** `token_lifetime` in seconds (at least 900). Default: no expiry; a change issues a new token. */
    readonly tokenLifetime?: pulumi.Input<number>;
}

/** A SCIM bearer token for the identity provider. The value is a secret output; destroy revokes it. */
export class ScimToken extends pulumi.dynamic.Resource {
    /** The connection id. */
    public readonly connectionId!: pulumi.Output<string>;
    /** The token's scopes. */
    public readonly scopes!: pulumi.Output<string[]>;
    /** The declared lifetime in seconds, if any. */
    public readonly tokenLifetime!: pulumi.Output<number | undefined>;
    /** The token id (safe to show). */
    public readonly tokenId!: pulumi.Output<string>;
    /** The bearer token itself; a secret, shown by the API only once. */
    public readonly token!: pulumi.Output<string>;
    /** When the token was issued. */
    public readonly createdAt!: pulumi.Output<string>;
    /** When it expires, if it does. */
    public readonly validUntil!: pulumi.Output<string | undefined>;

    constructor(name: string, args: ScimTokenArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            thinProvider("ScimToken"),
            name,
            {
                connectionId: args.connectionId,
                scopes: args.scopes,
                tokenLifetime: args.tokenLifetime,
                tokenId: undefined,
                token: undefined,
                createdAt: undefined,
                validUntil: undefined,
            },
            { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "token"] },
            "auth0-connection-sync",
            "ScimToken",
        );
    }
}
