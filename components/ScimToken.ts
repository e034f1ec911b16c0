import * as pulumi from "@pulumi/pulumi";
import { thinProvider } from "./provider/loader";
import type { ArgsOf } from "./provider/schemas";
import type { ResourceArgs } from "./resource-args";
import type { UnansweredRequest } from "./provider/token-facts";

/** Arguments of `ScimToken`: the fields, defaults and allowed values of its schema (`components/provider/schemas.ts`). */
export type ScimTokenArgs = ResourceArgs<ArgsOf<"ScimToken">>;

/** A SCIM bearer token for the identity provider. The value is a secret output; destroy revokes it. */
export class ScimToken extends pulumi.dynamic.Resource {
    /** The connection id. */
    public readonly connectionId!: pulumi.Output<string>;
    /** The token's scopes. */
    public readonly scopes!: pulumi.Output<string[]>;
    /** The declared lifetime in seconds, if any. */
    public readonly tokenLifetime!: pulumi.Output<number | undefined>;
    /** How long before expiry the token is rotated, if at all. */
    public readonly rotateBeforeExpiry!: pulumi.Output<string | undefined>;
    /** The token id (safe to show). */
    public readonly tokenId!: pulumi.Output<string>;
    /** The bearer token itself; a secret, shown by the API only once. */
    public readonly token!: pulumi.Output<string>;
    /** When the token was issued. */
    public readonly createdAt!: pulumi.Output<string>;
    /** When it expires, if it does. */
    public readonly validUntil!: pulumi.Output<string | undefined>;
    /** Set when the server granted a lifetime within the rotation window: the token is kept until it expires. */
    public readonly lifetimeWarning!: pulumi.Output<string | undefined>;
    /** Set when the create's token request got no clear answer: the facts the next run settles it from. */
    public readonly unanswered!: pulumi.Output<UnansweredRequest | undefined>;
    /** Set when POSTs answered 429 came before the one that issued the token: the facts the next run settles them from. */
    public readonly earlierAttempts!: pulumi.Output<UnansweredRequest | undefined>;

    constructor(name: string, args: ScimTokenArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            thinProvider("ScimToken"),
            name,
            {
                // Every argument, as its schema defines it: a new field needs no change here.
                ...args,
                tokenId: undefined,
                token: undefined,
                createdAt: undefined,
                validUntil: undefined,
                lifetimeWarning: undefined,
                unanswered: undefined,
                earlierAttempts: undefined,
            },
            { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "token"] },
            "auth0-connection-sync",
            "ScimToken",
        );
    }
}
