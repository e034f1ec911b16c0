import type * as pulumi from "@pulumi/pulumi";

/** A field as a `pulumi.Input`; a list may also hold inputs. */
export type InputOf<T> = [NonNullable<T>] extends [readonly (infer E)[]] ? pulumi.Input<pulumi.Input<E>[]> : pulumi.Input<NonNullable<T>>;

/** A resource's arguments from its schema's input type: every field read-only and a `pulumi.Input`. */
export type ResourceArgs<T> = { readonly [K in keyof T]: InputOf<T[K]> };
