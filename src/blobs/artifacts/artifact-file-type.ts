/**
 * The content type an artifact's file is served with. Artifacts are user content served on the UI's
 * origin, so nothing is ever served as a type a browser would run (HTML, SVG, JavaScript as script):
 * JSON as JSON, known text formats as plain text, everything else as bytes to download.
 */
const textExtensions = new Set([
  'txt', 'log', 'md', 'csv', 'tsv', 'yml', 'yaml', 'toml', 'ini', 'cfg', 'conf', 'xml', 'html', 'htm', 'svg',
  'js', 'mjs', 'cjs', 'ts', 'tsx', 'jsx', 'css', 'sh', 'py', 'go', 'rs', 'java', 'c', 'h', 'cpp', 'sql', 'diff', 'patch', 'out', 'tap',
]);

export const jsonType = 'application/json; charset=utf-8';
export const textType = 'text/plain; charset=utf-8';
export const binaryType = 'application/octet-stream';

export function artifactFileType(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return binaryType;
  const extension = name.slice(dot + 1);
  if (extension === 'json') return jsonType;
  return textExtensions.has(extension) ? textType : binaryType;
}
