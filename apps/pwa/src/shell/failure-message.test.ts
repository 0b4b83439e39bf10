import { describe, expect, it } from 'vitest';
import { AlbumNotFoundError } from '../library/library-errors.ts';
import { failureMessage } from './failure-message.ts';

describe('failureMessage', () => {
  it('names the action and says the error message', () => {
    expect(failureMessage('rate the photo', new Error('the device storage is full'))).toBe(
      'Could not rate the photo: the device storage is full',
    );
  });

  it('adds the stable code of an error that has one', () => {
    expect(failureMessage('rename the album', new AlbumNotFoundError('a1'))).toBe(
      'Could not rename the album: album a1 is not in this library (it may have been deleted on another ' +
        'device); go back to Albums (ALBUM_NOT_FOUND)',
    );
  });

  it('does not repeat a code the message already says, and copes with a thrown non-error', () => {
    const e = Object.assign(new Error('CATALOG_ALBUM_NOT_FOUND: no such album'), {
      code: 'CATALOG_ALBUM_NOT_FOUND',
    });
    expect(failureMessage('x', e)).toBe('Could not x: CATALOG_ALBUM_NOT_FOUND: no such album');
    expect(failureMessage('x', 'closed')).toBe('Could not x: closed');
  });
});
