/**
 * What POST /folder answers (folder-listing.ts), as the page's file browser reads it. No imports:
 * the renderer type-checks this file.
 */
export interface FolderEntry {
  name: string;
  kind: 'folder' | 'file';
  /** Bytes; null for a folder or what could not be read. */
  size: number | null;
  /** ms since the epoch; null where it could not be read. */
  modified: number | null;
}

export interface FolderListing {
  path: string;
  /** The folder above; null at a root. */
  parent: string | null;
  entries: FolderEntry[];
  /** Entries left out past the host's limit. */
  more: number;
}

/** A refusal: the folder cannot be listed, or the request was malformed, in words for the user. */
export interface FolderRefusal {
  error: string;
}
