// Just enough of the File System Access API over node:fs for CacheWriter (getDirectoryHandle, getFileHandle,
// createWritable, getFile, removeEntry), so the script writes a quantized folder with the browser's own writer.
// Like OPFS, a writable goes to a swap file that replaces the target on close() and is dropped on abort().
import { createWriteStream, openAsBlob, type WriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';

function domError(name: 'NotFoundError' | 'TypeMismatchError', path: string): DOMException {
  return new DOMException(`${path}: ${name === 'NotFoundError' ? 'not found' : 'wrong kind of entry'}`, name);
}

async function kindAt(path: string): Promise<'file' | 'directory' | null> {
  try {
    return (await stat(path)).isDirectory() ? 'directory' : 'file';
  } catch {
    return null;
  }
}

class NodeWritable {
  private readonly swap: string;
  private readonly out: WriteStream;

  constructor(private readonly path: string) {
    this.swap = `${path}.crswap`;
    this.out = createWriteStream(this.swap);
  }

  async write(data: string | Uint8Array | Blob): Promise<void> {
    const bytes = data instanceof Blob ? new Uint8Array(await data.arrayBuffer()) : data;
    if (!this.out.write(bytes)) await new Promise<void>((r) => this.out.once('drain', () => r()));
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    await rename(this.swap, this.path);
  }

  async abort(): Promise<void> {
    this.out.destroy();
    await rm(this.swap, { force: true });
  }
}

export class NodeFileHandle {
  readonly kind = 'file';
  readonly name: string;
  constructor(private readonly path: string) {
    this.name = basename(path);
  }
  async getFile(): Promise<Blob> {
    return openAsBlob(this.path);
  }
  async createWritable(): Promise<NodeWritable> {
    return new NodeWritable(this.path);
  }
}

export class NodeDirectoryHandle {
  readonly kind = 'directory';
  readonly name: string;
  constructor(readonly path: string) {
    this.name = basename(path);
  }

  /** The path of entry `name`, which must be a `kind`; a missing one is made by `make` when `create` is set. */
  private async entry(
    name: string,
    kind: 'file' | 'directory',
    create: boolean | undefined,
    make: (path: string) => Promise<unknown>,
  ): Promise<string> {
    const p = join(this.path, name);
    const found = await kindAt(p);
    if (found && found !== kind) throw domError('TypeMismatchError', p);
    if (!found) {
      if (!create) throw domError('NotFoundError', p);
      await make(p);
    }
    return p;
  }

  async getDirectoryHandle(name: string, opts: { create?: boolean } = {}): Promise<NodeDirectoryHandle> {
    const p = await this.entry(name, 'directory', opts.create, (path) => mkdir(path, { recursive: true }));
    return new NodeDirectoryHandle(p);
  }

  async getFileHandle(name: string, opts: { create?: boolean } = {}): Promise<NodeFileHandle> {
    const p = await this.entry(name, 'file', opts.create, async (path) => (await open(path, 'w')).close());
    return new NodeFileHandle(p);
  }

  async removeEntry(name: string, opts: { recursive?: boolean } = {}): Promise<void> {
    const p = join(this.path, name);
    if (!(await kindAt(p))) throw domError('NotFoundError', p);
    await rm(p, { recursive: !!opts.recursive });
  }
}

/** A folder on disk (created if missing) as the handle type the engine's cache code takes. */
export async function nodeDirectory(path: string): Promise<FileSystemDirectoryHandle> {
  await mkdir(path, { recursive: true });
  return new NodeDirectoryHandle(path) as unknown as FileSystemDirectoryHandle;
}
