// Local checkpoint folders: the File list of a folder picker (<input webkitdirectory>) or drag-and-drop,
// and a FileSystemDirectoryHandle (showDirectoryPicker). Paths are relative to the checkpoint folder.
import { BlobSource } from './source';

export interface LocalFile {
  /** Path relative to the checkpoint folder, '/'-separated ("config.json", "shards/model-1.safetensors"). */
  path: string;
  file: File;
}

/**
 * Relative paths for a picked folder's files. A folder picker reports `webkitRelativePath` as
 * "<picked folder>/<path>"; when every file shares that first segment it is dropped.
 */
export function relativePaths(files: readonly File[]): LocalFile[] {
  const raw = files.map((file) => ({ file, path: (file.webkitRelativePath || file.name).replace(/\\/g, '/') }));
  const firsts = new Set(raw.map((f) => (f.path.includes('/') ? f.path.slice(0, f.path.indexOf('/')) : '')));
  const [only] = firsts;
  if (firsts.size === 1 && only) {
    for (const f of raw) f.path = f.path.slice(only.length + 1);
  }
  return raw;
}

export class FileListSource extends BlobSource {
  private readonly byPath = new Map<string, File>();

  /** `files`: File objects (relative paths from webkitRelativePath) or explicit {path, file} pairs. */
  constructor(files: readonly (File | LocalFile)[], label = 'the selected folder') {
    super(label);
    const plain = files.filter((f): f is File => f instanceof File);
    const explicit = files.filter((f): f is LocalFile => !(f instanceof File));
    for (const f of [...relativePaths(plain), ...explicit]) this.byPath.set(f.path.replace(/^\.?\//, ''), f.file);
  }

  protected async blob(path: string): Promise<Blob | null> {
    return this.byPath.get(path) ?? null;
  }

  /** Every relative path, for messages ("found: …") and for picking a shard set. */
  paths(): string[] {
    return [...this.byPath.keys()].sort();
  }
}

export class DirectoryHandleSource extends BlobSource {
  private readonly files = new Map<string, Promise<File | null>>();

  constructor(
    private readonly root: FileSystemDirectoryHandle,
    label = `local folder ${root.name}`,
  ) {
    super(label);
  }

  protected blob(path: string): Promise<File | null> {
    let f = this.files.get(path);
    if (!f) {
      f = this.resolve(path);
      this.files.set(path, f);
    }
    return f;
  }

  private async resolve(path: string): Promise<File | null> {
    const parts = path.split('/').filter((p) => p && p !== '.');
    const name = parts.pop();
    if (!name) return null;
    try {
      let dir = this.root;
      for (const p of parts) dir = await dir.getDirectoryHandle(p);
      return await (await dir.getFileHandle(name)).getFile();
    } catch (e) {
      if ((e as { name?: string }).name === 'NotFoundError' || (e as { name?: string }).name === 'TypeMismatchError')
        return null;
      throw e;
    }
  }
}
