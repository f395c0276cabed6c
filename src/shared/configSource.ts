// The config's JSONC text: where an issue lies in it (offsets, lines, columns), the repeated keys that
// JSON.parse would silently merge, nesting too deep to parse, and syntax errors in words. Pure.

import { createScanner, findNodeAtLocation, type Node, type ParseError, printParseErrorCode, SyntaxKind } from 'jsonc-parser';
import { type Issue, pathLabel, type Segment } from './configIssue';

export function locate(root: Node, issue: Issue): { offset: number; length: number } {
  if (issue.range) return issue.range;
  const target = issue.anchor === 'value' ? issue.segments : issue.segments.slice(0, -1);
  let node: Node | undefined;
  for (let n = target.length; n >= 0 && !node; n--) node = findNodeAtLocation(root, target.slice(0, n));
  node ??= root;
  if (issue.anchor === 'key') {
    const key = findNodeAtLocation(root, issue.segments)?.parent?.children?.[0];
    if (key) return { offset: key.offset, length: key.length };
  }
  if (issue.anchor === 'object') return { offset: node.offset, length: 1 };
  return { offset: node.offset, length: node.length };
}

/**
 * How deep objects and lists may nest. The deepest setting is 3 levels down (diagnostics.probe.text);
 * the limit only has to stop text that would overflow the stack of the recursive parsers (jsonc-parser,
 * ajv, the walks here), which a few thousand levels do.
 */
export const MAX_CONFIG_DEPTH = 64;

/**
 * Where `text` first nests deeper than MAX_CONFIG_DEPTH, and how deep it goes, or undefined. Counts with
 * jsonc-parser's scanner, which does not recurse, so that strings and comments holding brackets do not count.
 */
export function excessiveNesting(text: string): { offset: number; depth: number } | undefined {
  const scanner = createScanner(text, true);
  let depth = 0, deepest = 0;
  let offset: number | undefined;
  for (let token = scanner.scan(); token !== SyntaxKind.EOF; token = scanner.scan()) {
    if (token === SyntaxKind.OpenBraceToken || token === SyntaxKind.OpenBracketToken) {
      depth++;
      if (depth > MAX_CONFIG_DEPTH && offset === undefined) offset = scanner.getTokenOffset();
      deepest = Math.max(deepest, depth);
    } else if (token === SyntaxKind.CloseBraceToken || token === SyntaxKind.CloseBracketToken) {
      depth = Math.max(0, depth - 1);
    }
  }
  return offset === undefined ? undefined : { offset, depth: deepest };
}

export function duplicateKeys(root: Node): Issue[] {
  const issues: Issue[] = [];
  const visit = (node: Node, segments: Segment[]) => {
    if (node.type === 'object') {
      const seen = new Set<string>();
      for (const property of node.children ?? []) {
        const [keyNode, valueNode] = property.children ?? [];
        if (!keyNode) continue;
        const key = String(keyNode.value);
        if (seen.has(key)) {
          issues.push({
            segments: [...segments, key], anchor: 'key', severity: 'error',
            message: `"${key}" appears more than once in ${segments.length ? pathLabel(segments) : 'the config'}. Keep one.`,
            // The repeated key itself: the path alone would find the first occurrence.
            range: { offset: keyNode.offset, length: keyNode.length },
          });
        }
        seen.add(key);
        if (valueNode) visit(valueNode, [...segments, key]);
      }
    } else if (node.type === 'array') {
      node.children?.forEach((child, i) => visit(child, [...segments, i]));
    }
  };
  visit(root, []);
  return issues;
}

export function syntaxMessage(e: ParseError, text: string, root: Node | undefined): string {
  const token = text.substr(e.offset, Math.max(e.length, 1));
  const afterRoot = root !== undefined && e.offset >= root.offset + root.length;
  switch (printParseErrorCode(e.error)) {
    case 'EndOfFileExpected':
      return `Syntax error: unexpected ${JSON.stringify(token)} after the end of the config object. The file must hold one { ... } object; remove the extra text.`;
    case 'InvalidSymbol':
      if (afterRoot) return `Syntax error: unexpected ${JSON.stringify(token)} after the end of the config object. The file must hold one { ... } object; remove the extra text.`;
      if (token.startsWith("'")) return `Syntax error: ${token} uses single quotes. JSON strings and property names need double quotes.`;
      return `Syntax error: unexpected ${JSON.stringify(token)}. Expected a value: a number, a "string" in double quotes, true, false, null, an object or a list.`;
    case 'InvalidNumberFormat':
      return `Syntax error: ${token} is not a valid number.`;
    case 'PropertyNameExpected':
      return 'Syntax error: expected a property name in double quotes.';
    case 'ValueExpected':
      return 'Syntax error: expected a value: a number, a "string", true, false, null, an object or a list.';
    case 'ColonExpected':
      return 'Syntax error: expected a colon (:) after the property name.';
    case 'CommaExpected':
      return 'Syntax error: expected a comma (,) before this; separate properties and list items with commas.';
    case 'CloseBraceExpected':
      return 'Syntax error: expected "}" to close the object.';
    case 'CloseBracketExpected':
      return 'Syntax error: expected "]" to close the list.';
    case 'InvalidCommentToken':
      return 'Syntax error: invalid comment. Use // to the end of the line, or /* ... */.';
    case 'UnexpectedEndOfComment':
      return 'Syntax error: the comment is not closed with */.';
    case 'UnexpectedEndOfString':
      return 'Syntax error: the string is not closed with a double quote before the end of the line.';
    case 'UnexpectedEndOfNumber':
      return 'Syntax error: the number is incomplete.';
    case 'InvalidUnicode':
      return 'Syntax error: invalid \\u escape; it needs four hex digits.';
    case 'InvalidEscapeCharacter':
      return 'Syntax error: invalid escape in a string. Write \\\\ for a backslash (or use / in paths).';
    case 'InvalidCharacter':
      return 'Syntax error: a string holds a raw control character. Write \\n or \\t instead.';
    default:
      return 'Syntax error.';
  }
}

export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
  }
  return starts;
}

export function lineColumn(starts: number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo] + 1 };
}
