/**
 * The files of a drop, folders included: a dropped folder (a TF.js export: model.json and its shards, or an .onnx
 * with its data files) is read entry by entry, its files named by their path inside the drop.
 */
type Entry = FileSystemEntry;

function readAll(dir: FileSystemDirectoryEntry): Promise<Entry[]> {
  const reader = dir.createReader();
  const out: Entry[] = [];
  return new Promise((resolve, reject) => {
    const next = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) return resolve(out);
        out.push(...batch);
        next();
      }, reject);
    next();
  });
}

async function filesOf(entry: Entry, depth = 0): Promise<File[]> {
  if (entry.isFile) return [await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject))];
  if (!entry.isDirectory || depth > 8) return [];
  const children = await readAll(entry as FileSystemDirectoryEntry);
  return (await Promise.all(children.map((c) => filesOf(c, depth + 1)))).flat();
}

export async function droppedFiles(dt: DataTransfer): Promise<File[]> {
  const entries = [...dt.items].map((i) => (i.kind === 'file' ? i.webkitGetAsEntry?.() : null));
  if (entries.some((e) => e?.isDirectory)) {
    return (await Promise.all(entries.filter((e): e is Entry => !!e).map((e) => filesOf(e)))).flat();
  }
  return [...dt.files];
}
