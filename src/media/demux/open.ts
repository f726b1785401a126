// Entry point of demuxing: sniff the container, run the matching demuxer, and turn unexpected parser failures
// into CORRUPT_FILE with the parser's words in the detail.

import { MediaError, toMediaError } from '../errors';
import { readBytes } from './blob-reader';
import { demuxMatroska } from './matroska';
import { demuxMp4 } from './mp4';
import { withMp4boxLog } from './mp4box-log';
import { sniffContainer } from './sniff';
import type { DemuxedVideo, ProgressFn } from './types';

export async function openVideoFile(
  file: Blob,
  fileName: string,
  onProgress: ProgressFn,
  signal: AbortSignal,
): Promise<DemuxedVideo> {
  const head = await readBytes(file, 0, 512);
  const kind = sniffContainer(head, fileName, file.size);
  try {
    return kind.kind === 'mp4'
      ? await withMp4boxLog(() => demuxMp4(file, fileName, kind.quicktime, onProgress, signal))
      : await demuxMatroska(file, fileName, onProgress, signal);
  } catch (e) {
    if (e instanceof MediaError || signal.aborted) throw e;
    throw toMediaError(
      e,
      'CORRUPT_FILE',
      `"${fileName}" could not be parsed: the file is damaged or not a complete ${kind.kind === 'mp4' ? 'MP4/MOV' : 'WebM/MKV'} file`,
    );
  }
}
