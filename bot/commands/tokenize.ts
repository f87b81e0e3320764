/**
 * Split a command line into words. Double and single quotes group words (`"fix login"`),
 * a backslash escapes the next character, and chat "smart" quotes count as plain quotes
 * because Slack and Discord clients substitute them as people type.
 */
export function tokenize(input: string): string[] {
  const s = input.replace(/[\u201c\u201d]/g, '"').replace(/[\u2018\u2019]/g, "'");
  const out: string[] = [];
  let cur = "";
  let inWord = false;
  let quote: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    if (ch === "\\" && i + 1 < s.length) {
      cur += s[++i];
      inWord = true;
    } else if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) out.push(cur);
      cur = "";
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  // An unclosed quote runs to the end of the line, the way people mean it.
  if (inWord) out.push(cur);
  return out;
}
