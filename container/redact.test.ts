import { describe, expect, it } from "vitest";
import { createRedactor, REDACTED, redactMergeResult } from "./redact";
import { redactAnsi, stripAnsi } from "./redact-ansi";

const ANT = "sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz012345";

describe("createRedactor: text", () => {
  const r = createRedactor({ secrets: ["hunter2-but-longer", "short"] });

  it.each([
    ["anthropic key", `key ${ANT} used`, `key ${REDACTED} used`],
    ["openai key", "OPENAI sk-proj-abcdefghijklmnop1234 ok", `OPENAI ${REDACTED} ok`],
    ["slack bot token", "xoxb-1234567890-abcdefghij", REDACTED],
    ["slack app token", "token xapp-1-A012-345-abcdef end", `token ${REDACTED} end`],
    ["github classic", "ghp_abcdefghijklmnopqrstuvwxyz0123456789", REDACTED],
    ["github fine-grained", "github_pat_11ABCDEFG0123456789_abcdefghijklmnop", REDACTED],
    ["aws key id", "id=AKIAIOSFODNN7EXAMPLE.", `id=${REDACTED}.`],
    ["bearer", "curl -H 'x: Bearer abc.def-ghi_jkl'", `curl -H 'x: Bearer ${REDACTED}'`],
    ["authorization header", "Authorization: Basic dXNlcjpwYXNz", `Authorization: Basic ${REDACTED}`],
    ["authorization, other scheme", "authorization=tok123456", `authorization=${REDACTED}`],
    ["env assignment", "export ANTHROPIC_API_KEY=abc123xyz", `export ANTHROPIC_API_KEY=${REDACTED}`],
    ["configured secret", "pw is hunter2-but-longer!", `pw is ${REDACTED}!`],
  ])("%s", (_name, input, expected) => {
    expect(r.text(input)).toBe(expected);
  });

  it("leaves ordinary output alone, including too-short configured secrets", () => {
    const plain = "short run: 3 tests passed, commit 4f2a9c1, Bearer of news, MAX_TOKENS=4096";
    expect(r.text(plain)).toBe(plain);
  });

  it("does not redact its own replacement again", () => {
    const once = r.text(`Authorization: Bearer ${ANT}`);
    expect(once).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(r.spans(once)).toEqual([]);
  });

  it("removes a whole private key block, keeping its lines", () => {
    const pem = ["before", "-----BEGIN OPENSSH PRIVATE KEY-----", "b3BlbnNzaC1rZXktdjEAAAAA", "-----END OPENSSH PRIVATE KEY-----", "after"].join("\n");
    expect(r.text(pem)).toBe(["before", REDACTED, "", "", "after"].join("\n"));
  });
});

describe("createRedactor: rows", () => {
  const r = createRedactor({ secrets: ["s3cr3t-value-from-env"] });

  it("finds a secret wrapped across rows and keeps the row count", () => {
    const rows = [
      { text: "key sk-ant-api03-ABCDEFG", wrapped: false },
      { text: "HIJKLMNOPQ rest", wrapped: true },
      { text: "s3cr3t-value-from-env", wrapped: false },
      { text: "", wrapped: false },
    ];
    expect(r.rows(rows)).toEqual([`key ${REDACTED}`, " rest", REDACTED, ""]);
  });

  it("does not join rows that are not wrapped", () => {
    // Two unrelated rows that would form a key only if glued together.
    const rows = [
      { text: "sk-", wrapped: false },
      { text: "ant-api03-ABCDEFGHIJKLMNOP", wrapped: false },
    ];
    expect(r.rows(rows)).toEqual(["sk-", "ant-api03-ABCDEFGHIJKLMNOP"]);
  });
});

describe("redactAnsi", () => {
  const r = createRedactor({ secrets: ["s3cr3t-value-from-env"] });

  it("catches a key split by colour codes and keeps the colours balanced", () => {
    const ansi = `see \x1b[31msk-ant-api03-\x1b[1mABCDEF\x1b[0mGHIJKLMNOP\x1b[32m done\x1b[0m`;
    const out = redactAnsi(r, ansi);
    expect(out).not.toBeNull();
    expect(stripAnsi(out ?? "")).toBe(`see ${REDACTED} done`);
    // Every escape survives, so styling after the secret is unchanged.
    expect(out).toBe(`see \x1b[31m${REDACTED}\x1b[1m\x1b[0m\x1b[32m done\x1b[0m`);
  });

  it("catches a configured secret split by an escape", () => {
    const out = redactAnsi(r, "x s3cr3t-\x1b[33mvalue-from-env\x1b[0m y") ?? "";
    expect(stripAnsi(out)).toBe(`x ${REDACTED} y`);
  });

  it("keeps row breaks and treats cursor moves as gaps", () => {
    const out = redactAnsi(r, "a\x1b[5Cb\r\nsk-ant-api03-ABCDEFGHIJKLMNOP\r\nc") ?? "";
    expect(out).toBe(`a\x1b[5Cb\r\n${REDACTED}\r\nc`);
  });

  it("finds a key block whose BEGIN line is above the screen (context)", () => {
    const ansi = "QUFBQUFBQUFBQUFB\r\n-----END RSA PRIVATE KEY-----\r\n$ ";
    const out = redactAnsi(r, ansi, "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n") ?? "";
    expect(stripAnsi(out)).toBe(`${REDACTED}\n\n$ `);
  });

  it("refuses (null) when a secret hides behind a non-colour escape", () => {
    // A cursor move in the middle: the visible words are apart, yet stripped they form a key.
    expect(redactAnsi(r, "sk-ant-api03-ABCDE\x1b[1DFGHIJKLMNOP")).toBeNull();
  });
});

describe("redactMergeResult", () => {
  it("replaces secrets in gate output, detail, diff stat and patch; keeps the rest", () => {
    const r = createRedactor({ secrets: ["container-secret-value-42"] });
    const out = redactMergeResult(
      {
        outcome: "gates_failed",
        commit: null,
        fastForward: false,
        gates: [{ name: "env", ok: false, exitCode: 1, timedOut: false, output: "HOME=/root\nGASTOWN_TOKEN=container-secret-value-42\n", ms: 3 }],
        conflicts: [],
        diffStat: " config.ts | 1 +",
        diff: `+const key = "${ANT}";\n`,
        detail: "gate env exited with 1 (container-secret-value-42)",
      },
      r,
    );
    expect(out.gates[0]?.output).toBe(`HOME=/root\nGASTOWN_TOKEN=${REDACTED}\n`);
    expect(out.diff).toBe(`+const key = "${REDACTED}";\n`);
    expect(out.detail).toBe(`gate env exited with 1 (${REDACTED})`);
    expect(out).toMatchObject({ outcome: "gates_failed", diffStat: " config.ts | 1 +", gates: [{ name: "env", exitCode: 1 }] });
  });
});
