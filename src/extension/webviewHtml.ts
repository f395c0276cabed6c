// The HTML shell of SeqLab's webviews (dashboards, the runs table): a strict CSP, the bundle by nonce, one
// root element, no data (data goes by postMessage).
import * as crypto from 'node:crypto';

export interface WebviewHtmlParts {
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  title: string;
  /** The element the bundle mounts into, and its class. */
  root: { id: string; className: string };
  nonce?: string;
}

export function makeNonce(): string {
  return crypto.randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return `default-src 'none'; img-src ${cspSource} data:; style-src ${cspSource}; font-src ${cspSource}; script-src 'nonce-${nonce}';`;
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function webviewHtml(p: WebviewHtmlParts): string {
  const nonce = p.nonce ?? makeNonce();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(p.cspSource, nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${p.styleUri}">
<title>${escapeHtml(p.title)}</title>
</head>
<body>
<div id="${p.root.id}" class="${p.root.className}" data-state="loading"></div>
<script nonce="${nonce}" src="${p.scriptUri}"></script>
</body>
</html>`;
}
