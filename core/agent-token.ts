import { z } from "zod";
import { GastownError } from "./errors";

/**
 * Per-agent tokens: `base64url(json claims).base64url(HMAC-SHA256)`, scoped to one town and
 * one agent, with an expiry. Issued by the Worker when it starts an agent, checked on every
 * agent callback. WebCrypto only, so it runs in workerd and Node alike.
 */
export const AgentClaims = z.object({
  town: z.string(),
  agent: z.string(),
  exp: z.number().int(),
});
export type AgentClaims = z.infer<typeof AgentClaims>;

const enc = new TextEncoder();

function b64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}
function unb64url(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s.replaceAll("-", "+").replaceAll("_", "/"));
  const out = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function hmacKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}

export async function signAgentToken(secret: string, claims: AgentClaims): Promise<string> {
  const payload = b64url(enc.encode(JSON.stringify(claims)));
  const sig = new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey(secret), enc.encode(payload)));
  return `${payload}.${b64url(sig)}`;
}

/** Verifies signature and expiry; throws `unauthorized` on anything else. */
export async function verifyAgentToken(secret: string, token: string, now: number): Promise<AgentClaims> {
  const [payload, sig, extra] = token.split(".");
  if (!payload || !sig || extra !== undefined) throw new GastownError("unauthorized", "malformed agent token");
  let ok = false;
  try {
    ok = await crypto.subtle.verify("HMAC", await hmacKey(secret), unb64url(sig), enc.encode(payload));
  } catch (cause) {
    throw new GastownError("unauthorized", "malformed agent token", { cause });
  }
  if (!ok) throw new GastownError("unauthorized", "bad agent token signature");
  let claims: AgentClaims;
  try {
    claims = AgentClaims.parse(JSON.parse(new TextDecoder().decode(unb64url(payload))));
  } catch (cause) {
    throw new GastownError("unauthorized", "malformed agent token claims", { cause });
  }
  if (claims.exp <= now) throw new GastownError("unauthorized", "agent token expired");
  return claims;
}

/** Constant-time string compare (bearer tokens). */
export function timingSafeEqual(a: string, b: string): boolean {
  const x = enc.encode(a);
  const y = enc.encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}
