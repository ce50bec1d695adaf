/** One member of a tar archive as this package writes and reads it: files, directories, symlinks. */
export type TarEntry = TarFile | TarDirectory | TarSymlink;

export interface TarFile {
  type: 'file';
  /** Relative, `/`-separated. */
  path: string;
  /** Permission bits, e.g. 0o644. */
  mode: number;
  /** Bytes; the body must produce exactly this many. */
  size: number;
  /** Opened only when the writer reaches the entry. */
  body: () => AsyncIterable<Uint8Array> | Uint8Array;
}

export interface TarDirectory {
  type: 'directory';
  path: string;
  mode: number;
}

export interface TarSymlink {
  type: 'symlink';
  path: string;
  mode: number;
  /** The link's target as stored: relative to the link's own directory. */
  target: string;
}

/** An entry as read: a file's body is a stream over the archive, valid until the next entry is read. */
export type TarReadEntry =
  | (Omit<TarFile, 'body'> & { body: AsyncIterable<Buffer> })
  | TarDirectory
  | TarSymlink;

export const blockBytes = 512;
