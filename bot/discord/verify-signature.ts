import { GastownError } from "../../core/errors";

/**
 * Discord signs every HTTP interaction with Ed25519 over `timestamp + body`
 * (`X-Signature-Ed25519`, `X-Signature-Timestamp`), using the application's public key.
 * Verification uses WebCrypto, so no native module is needed.
 */
export type SignatureVerifier = (signatureHex: string, timestamp: string, body: string) => Promise<boolean>;

function hexBytes(hex: string): Uint8Array<ArrayBuffer> | null {
  if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(hex)) return null;
  const out = new Uint8Array(new ArrayBuffer(hex.length / 2));
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Builds a verifier for the application's public key (hex, as the Developer Portal shows it). */
export function createEd25519Verifier(publicKeyHex: string): SignatureVerifier {
  const raw = hexBytes(publicKeyHex);
  if (raw?.length !== 32) throw new GastownError("bad_request", "DISCORD_PUBLIC_KEY must be 64 hex characters");
  const keyBytes = raw;
  // Imported once, on first use; every request reuses the key.
  let key: Promise<CryptoKey> | null = null;
  const encoder = new TextEncoder();
  return async (signatureHex, timestamp, body) => {
    const sig = hexBytes(signatureHex);
    if (sig?.length !== 64) return false;
    key ??= crypto.subtle.importKey("raw", keyBytes, { name: "Ed25519" }, false, ["verify"]);
    return crypto.subtle.verify({ name: "Ed25519" }, await key, sig, encoder.encode(timestamp + body));
  };
}
