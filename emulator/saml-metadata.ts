import { createHash, X509Certificate } from "node:crypto";
import type { JsonObject } from "./types";

const SUBJECT_NAMES: Record<string, string> = {
    C: "countryName",
    ST: "stateOrProvinceName",
    L: "localityName",
    O: "organizationName",
    OU: "organizationalUnitName",
    CN: "commonName",
};

function element(xml: string, name: string): { attributes: string; body: string } | undefined {
    // Namespace prefixes vary between IdPs (md:, ds:, none), so match on the local name only.
    const match = new RegExp(`<(?:[\\w-]+:)?${name}\\b([^>]*?)(?:/>|>([\\s\\S]*?)</(?:[\\w-]+:)?${name}>)`).exec(xml);
    return match === null ? undefined : { attributes: match[1], body: match[2] ?? "" };
}

function attribute(attributes: string, name: string): string | undefined {
    return new RegExp(`\\b${name}\\s*=\\s*"([^"]*)"`).exec(attributes)?.[1];
}

function toPem(der: Buffer): string {
    const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
    return `-----BEGIN CERTIFICATE-----\n${lines.join("\n")}\n-----END CERTIFICATE-----\n`;
}

function describe(der: Buffer): JsonObject {
    try {
        const parsed = new X509Certificate(der);
        const subject: JsonObject = {};
        for (const line of parsed.subject.split("\n")) {
            const at = line.indexOf("=");
            const key = SUBJECT_NAMES[line.slice(0, at)];
            if (at > 0 && key !== undefined) subject[key] = line.slice(at + 1);
        }
        return { expires: new Date(parsed.validTo).toISOString(), subject };
    } catch {
        // A certificate the server cannot parse still yields cert and thumbprint, just no dates.
        return {};
    }
}

/**
 * What the server derives from a SAML IdP `metadataXml` (recorded: cert, signingCert, thumbprints,
 * signInEndpoint, signOutEndpoint, bindingMethod, expires, subject). Undefined when the document
 * has no signing certificate or no SingleSignOnService location.
 */
export function parseSamlMetadata(xml: string): JsonObject | undefined {
    const certificate = element(xml, "X509Certificate")?.body.replace(/\s+/g, "");
    const signIn = element(xml, "SingleSignOnService");
    const location = signIn === undefined ? undefined : attribute(signIn.attributes, "Location");
    if (certificate === undefined || certificate === "" || !/^[A-Za-z0-9+/=]+$/.test(certificate) || location === undefined) {
        return undefined;
    }
    const der = Buffer.from(certificate, "base64");
    const cert = toPem(der);
    const derived: JsonObject = {
        signingCert: Buffer.from(cert, "utf8").toString("base64"),
        signInEndpoint: location,
    };
    const signOut = element(xml, "SingleLogoutService");
    const signOutLocation = signOut === undefined ? undefined : attribute(signOut.attributes, "Location");
    if (signOutLocation !== undefined) derived.signOutEndpoint = signOutLocation;
    const binding = attribute(signIn?.attributes ?? "", "Binding");
    if (binding !== undefined) derived.bindingMethod = binding;
    Object.assign(derived, describe(der));
    derived.thumbprints = [createHash("sha1").update(der).digest("hex")];
    derived.cert = cert;
    return derived;
}

/**
 * What the server derives from a PEM `signingCert` sent without metadata (recorded on POST):
 * `cert` (the PEM as sent), `expires`, `subject` and `thumbprints` (SHA-1 of the DER). Undefined
 * when the text is not a certificate Node can read.
 */
export function describePemCertificate(pem: string): JsonObject | undefined {
    if (!pem.includes("-----BEGIN CERTIFICATE-----")) return undefined;
    let der: Buffer;
    try {
        der = new X509Certificate(pem).raw;
    } catch {
        return undefined;
    }
    return { cert: pem, ...describe(der), thumbprints: [createHash("sha1").update(der).digest("hex")] };
}
