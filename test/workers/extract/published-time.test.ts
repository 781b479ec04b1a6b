import { describe, expect, it } from 'vitest';
import { findPublishedTime } from '../../../workers/extract/published-time.ts';

const capturedAt = new Date('2025-07-26T12:00:00Z');

describe('findPublishedTime', () => {
  it.each([
    ['2 hours ago', '2 hours ago', '2025-07-26T10:00:00.000Z'],
    ['3h ago', '3h ago', '2025-07-26T09:00:00.000Z'],
    ['Yesterday', 'Yesterday', '2025-07-25T12:00:00.000Z'],
    ['NDTV · an hour ago', 'an hour ago', '2025-07-26T11:00:00.000Z'],
    ['Updated: 5 mins ago', '5 mins ago', '2025-07-26T11:55:00.000Z'],
    ['July 26, 2025', 'July 26, 2025', '2025-07-26T00:00:00.000Z'],
    ['Nov. 19, 2019 8:03 am ET', 'Nov. 19, 2019 8:03 am ET', '2019-11-19T08:03:00.000Z'],
    ['PUBLISHED: November 19, 2019 at 8:59 pm', 'November 19, 2019 at 8:59 pm', '2019-11-19T20:59:00.000Z'],
    ['18 NOV 2019', '18 NOV 2019', '2019-11-18T00:00:00.000Z'],
    ['10 de março de 2018', '10 de março de 2018', '2018-03-10T00:00:00.000Z'],
    ['Pubblicato il 19 Febbraio 2020', '19 Febbraio 2020', '2020-02-19T00:00:00.000Z'],
    ['Publié le 2 mars 2020', '2 mars 2020', '2020-03-02T00:00:00.000Z'],
    ['le 14 juillet 2019', '14 juillet 2019', '2019-07-14T00:00:00.000Z'],
    ['5 de diciembre de 2021', '5 de diciembre de 2021', '2021-12-05T00:00:00.000Z'],
    ['1 gennaio 2020', '1 gennaio 2020', '2020-01-01T00:00:00.000Z'],
    ['2019-11-19T08:03:00Z', '2019-11-19T08:03:00Z', '2019-11-19T08:03:00.000Z'],
    ['19/11/2019', '19/11/2019', '2019-11-19T00:00:00.000Z'],
  ])('reads "%s" as %s at %s', (text, written, iso) => {
    expect(findPublishedTime(text, capturedAt)).toMatchObject({ text: written, iso });
  });

  it('returns null when the text names no time', () => {
    expect(findPublishedTime('Markets fell on Tuesday', capturedAt)).toBeNull();
  });

  it('gives no instant for an impossible date', () => {
    expect(findPublishedTime('February 31, 2020', capturedAt)?.iso).toBeNull();
  });
});
