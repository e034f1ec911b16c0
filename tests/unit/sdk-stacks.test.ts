import * as assert from "node:assert/strict";
import { plainSdkDebugStacks } from "../../program/sdk-stacks";

// Internal to the SDK (no typings): the function that keeps a stack on each promise it makes.
const {
    debuggablePromise,
}: { debuggablePromise: (p: Promise<unknown>, ctx: string) => Promise<unknown> } = require("@pulumi/pulumi/runtime/debuggable");

/** The stack the SDK keeps on a promise it made (what it prints if the promise leaks). */
function sdkDebugStack(): string {
    // The stack is kept on the promise handed in; the one returned only tracks it.
    const p = Promise.resolve();
    void debuggablePromise(p, "test");
    return String(Reflect.get(p, "_debugStackTrace"));
}

describe("The SDK's promise-debug stacks", () => {
    const original = Error.prepareStackTrace;
    afterEach(() => {
        if (original === undefined) Reflect.deleteProperty(Error, "prepareStackTrace");
        else Error.prepareStackTrace = original;
    });

    it("get V8's plain format while every other stack keeps the installed (source-map) formatter", () => {
        Error.prepareStackTrace = () => "MAPPED";
        assert.equal(sdkDebugStack(), "MAPPED", "before: the SDK's stacks go through the formatter");
        plainSdkDebugStacks();
        const plain = sdkDebugStack();
        assert.match(plain, /^Error\n {4}at debuggablePromise \(.*@pulumi[\\/]pulumi[\\/]runtime[\\/]debuggable\.js:\d+:\d+\)/);
        assert.equal(new Error("ours").stack, "MAPPED", "an error of ours is still mapped");
    });

    it("wraps once, however often it is called", () => {
        Error.prepareStackTrace = () => "MAPPED";
        plainSdkDebugStacks();
        const once = Error.prepareStackTrace;
        plainSdkDebugStacks();
        assert.equal(Error.prepareStackTrace, once);
        assert.equal(new Error("ours").stack, "MAPPED");
    });

    it("keeps the SDK's stacks mapped for someone hunting a leaked promise (PULUMI_DEBUG_PROMISE_LEAKS set)", () => {
        Error.prepareStackTrace = () => "MAPPED";
        process.env.PULUMI_DEBUG_PROMISE_LEAKS = "1";
        try {
            plainSdkDebugStacks();
        } finally {
            delete process.env.PULUMI_DEBUG_PROMISE_LEAKS;
        }
        assert.equal(sdkDebugStack(), "MAPPED");
    });

    it("changes nothing when no formatter is installed", () => {
        Reflect.deleteProperty(Error, "prepareStackTrace");
        plainSdkDebugStacks();
        assert.equal(Error.prepareStackTrace, undefined);
    });
});
