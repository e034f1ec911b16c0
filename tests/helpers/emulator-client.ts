import type { RunningEmulator } from "../../emulator";
import { EVERY_SCOPE, SAMPLE_TOKEN } from "./sample";

export { EVERY_SCOPE, SAMPLE } from "./sample";

/** The static all-scopes token of the sample seed. */
export const ADMIN_TOKEN = SAMPLE_TOKEN;

/** A loosely typed JSON object, for reading response bodies in assertions. */
export type Json = Record<string, unknown>;

/** What a test looks at in a response. */
export interface ApiResponse<T> {
    status: number;
    headers: Headers;
    text: string;
    body: T;
}

/** Request options: `token: null` sends no Authorization header; `raw` sends bytes as they are. */
export interface CallOptions {
    token?: string | null;
    body?: unknown;
    raw?: string;
    headers?: Record<string, string>;
}

/** Calls the emulator; the body is parsed when there is one. */
export async function call<T = Json>(
    emulator: RunningEmulator,
    method: string,
    path: string,
    options: CallOptions = {},
): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token === undefined ? ADMIN_TOKEN : options.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let payload: string | undefined = options.raw;
    if (options.body !== undefined) {
        payload = JSON.stringify(options.body);
        headers["content-type"] ??= "application/json";
    } else if (payload !== undefined) {
        headers["content-type"] ??= "application/json";
    }
    const response = await fetch(emulator.url + path, { method, headers, body: payload });
    const text = await response.text();
    const body = (text === "" ? undefined : JSON.parse(text)) as T;
    return { status: response.status, headers: response.headers, text, body };
}

/** Adds a static token with exactly these scopes to the live state and returns it. */
export function tokenWith(emulator: RunningEmulator, scopes: readonly string[]): string {
    const token = `test-${emulator.state.tokens.length}-${Math.random().toString(36).slice(2)}`;
    emulator.state.tokens.push({ token, scopes: [...scopes] });
    return token;
}

/** A token holding every scope but one, to prove a route checks exactly that scope. */
export function tokenWithout(emulator: RunningEmulator, missing: string): string {
    return tokenWith(
        emulator,
        EVERY_SCOPE.filter((s) => s !== missing),
    );
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}
