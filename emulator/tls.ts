import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generate } from "selfsigned";

/** PEMs for one HTTPS emulator: the CA clients trust, and the server key and certificate it signed. */
export interface TlsMaterial {
    ca: string;
    key: string;
    cert: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

async function makeMaterial(): Promise<TlsMaterial> {
    // Backdated a minute so a client clock slightly behind ours still accepts the certificates.
    const notBeforeDate = new Date(Date.now() - 60 * 1000);
    const notAfterDate = new Date(Date.now() + 30 * DAY_MS);
    // P-256 keys take milliseconds where 2048-bit RSA takes far longer, and every TLS stack accepts them.
    const common = { keyType: "ec", curve: "P-256", algorithm: "sha256", notBeforeDate, notAfterDate } as const;
    const ca = await generate([{ name: "commonName", value: "auth0 emulator test CA" }], {
        ...common,
        extensions: [
            { name: "basicConstraints", cA: true, critical: true },
            { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
        ],
    });
    const server = await generate([{ name: "commonName", value: "localhost" }], {
        ...common,
        extensions: [
            { name: "basicConstraints", cA: false },
            { name: "keyUsage", digitalSignature: true, critical: true },
            { name: "extKeyUsage", serverAuth: true },
            // IP SANs matter most: clients connect to https://127.0.0.1:PORT, not to a host name.
            {
                name: "subjectAltName",
                altNames: [
                    { type: 2, value: "localhost" },
                    { type: 7, ip: "127.0.0.1" },
                    { type: 7, ip: "::1" },
                ],
            },
        ],
        ca: { key: ca.private, cert: ca.cert },
    });
    return { ca: ca.cert, key: server.private, cert: server.cert };
}

let cached: Promise<TlsMaterial> | undefined;

/**
 * The process's TLS material, generated once on first use and shared by every emulator started
 * afterwards, so twenty suites do not each pay for key generation. Never written to the repo.
 */
export function tlsMaterial(): Promise<TlsMaterial> {
    cached ??= makeMaterial().catch((error: unknown) => {
        // A failed attempt must not poison later ones.
        cached = undefined;
        throw error;
    });
    return cached;
}

/** A CA file for NODE_EXTRA_CA_CERTS and friends, plus its clean-up. */
export interface CaFile {
    path: string;
    remove(): void;
}

/** Writes `pem` into a fresh private temp directory; remove() deletes the directory again. */
export function writeCaFile(pem: string): CaFile {
    const dir = mkdtempSync(join(tmpdir(), "auth0-emulator-ca-"));
    const path = join(dir, "ca.pem");
    writeFileSync(path, pem, { mode: 0o600 });
    return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
