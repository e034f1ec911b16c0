/**
 * The Pulumi program of this project (`pulumi up` in this directory). Under the Node.js language
 * host every export of this module becomes a stack output, so it exports one function: the SDK
 * awaits it and its result, `{ connections }`, is the stack's only output. A failure worded for the
 * user ends the process as soon as it is reported (program/entry.ts). program/fast-load comes first:
 * it sets up how the other sources load; once they are set up, the SDK's promise-debug stacks skip
 * source mapping (program/sdk-stacks.ts). The library lives in `components/` (the package's `main`).
 */
import "./program/fast-load";
import { runEntry } from "./program/entry";
import { plainSdkDebugStacks } from "./program/sdk-stacks";

plainSdkDebugStacks();

export = () => runEntry();
