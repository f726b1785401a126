// mp4box's own log lines stay out of the console while we parse (they join a failure's detail instead).

import { Log } from 'mp4box';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MediaError } from '../errors';
import { withMp4boxLog } from './mp4box-log';

afterEach(() => vi.restoreAllMocks());

describe('withMp4boxLog', () => {
  it('keeps parse-time messages out of the console and puts them in the error detail when the file fails', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const ok = await withMp4boxLog(async () => {
      Log.error('BoxParser', 'Invalid box size 0 for stsz');
      Log.warn('ISOFile', 'Unknown box type');
      return 7;
    });
    expect(ok).toBe(7);
    const failed = await withMp4boxLog(async () => {
      Log.error('BoxParser', 'Box of type avcC has an invalid size');
      throw new MediaError('CORRUPT_FILE', 'damaged', 'walk');
    }).catch((e: unknown) => e as MediaError);
    expect(failed.detail).toBe('walk\nmp4box:\nBoxParser: Box of type avcC has an invalid size');
    expect(error, 'mp4box wrote to console.error during a parse we handled').not.toHaveBeenCalled();
    expect(warn).not.toHaveBeenCalled();
  });

  it('outside a parse, mp4box messages still reach the console (they are unexpected there)', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    Log.error('ISOFile', 'something later');
    expect(error).toHaveBeenCalledTimes(1);
  });
});
