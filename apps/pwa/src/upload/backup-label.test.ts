import { describe, expect, it } from 'vitest';
import { backupLabel, backupSummaryLines } from './backup-label.ts';

describe('backup words', () => {
  it('names the home nodes holding an original', () => {
    expect(backupLabel({ backedUp: true, backedUpOn: ['backup', 'home'] })).toBe(
      'Backed up on 2 home nodes: backup, home',
    );
    expect(backupLabel({ backedUp: true, backedUpOn: ['home'] })).toBe('Backed up on 1 home node: home');
    expect(backupLabel({ backedUp: true })).toBe('Backed up to the home node');
    expect(backupLabel({ backedUp: false })).toBe('Only on this device');
  });

  it('says what is on no home node, and on only one once there are two', () => {
    expect(backupSummaryLines({ total: 5, onNoHomeNode: 1, onOneHomeNode: 3, homeNodes: 2 })).toEqual([
      '1 photo or video not on any home node yet',
      '3 photos and videos only on one home node',
    ]);
    // One home node: "only on one" is every photo, so it is not said.
    expect(backupSummaryLines({ total: 5, onNoHomeNode: 0, onOneHomeNode: 5, homeNodes: 1 })).toEqual([
      'Every photo and video is on the home node (a second home node would keep a second copy)',
    ]);
    expect(backupSummaryLines({ total: 2, onNoHomeNode: 0, onOneHomeNode: 0, homeNodes: 2 })).toEqual([
      'Every photo and video is on at least 2 home nodes',
    ]);
    expect(backupSummaryLines({ total: 0, onNoHomeNode: 0, onOneHomeNode: 0, homeNodes: 1 })).toEqual([]);
  });

  it('says a count still going is partial: how far it got, and its figures as lower bounds', () => {
    const counting = { months: 34, of: 120 };
    expect(
      backupSummaryLines({ total: 9, onNoHomeNode: 1, onOneHomeNode: 3, homeNodes: 2, counting }),
    ).toEqual([
      'Counting… 34 of 120 months',
      'At least 1 photo or video not on any home node yet',
      'At least 3 photos and videos only on one home node',
    ]);
    // Nothing missing so far is no promise that nothing is.
    expect(
      backupSummaryLines({ total: 9, onNoHomeNode: 0, onOneHomeNode: 0, homeNodes: 2, counting }),
    ).toEqual(['Counting… 34 of 120 months']);
  });
});
