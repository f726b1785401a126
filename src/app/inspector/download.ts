// Saving what the app makes as a file the user downloads.

export function downloadBlob(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file-name-safe stamp (2026-01-31T12-00-00). */
export const fileStamp = (d = new Date()) => d.toISOString().slice(0, 19).replace(/:/g, '-');
