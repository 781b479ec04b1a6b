import { describe, expect, it } from 'vitest';
import { markPageLines, toPageLines } from '../../../workers/extract/page-lines.ts';
import { headlineLines, readPageTitle, titleMatch } from '../../../workers/extract/page-title.ts';

const paragraph = (n: number) =>
  `Paragraph ${n} of the report says the council met on Tuesday and voted to widen the road, which residents had asked for.`;

function linesOf(rows: readonly string[]) {
  const lines = toPageLines(rows.join('\n'), new Date('2025-01-01T00:00:00Z'));
  markPageLines(lines, new Uint8Array(lines.length));
  return lines;
}

/** The headline a page titled `title` gets from its title alone (a blank line under it). */
const headlineOf = (title: string) => readPageTitle(linesOf([title, '', paragraph(1)]))?.headline;

describe('readPageTitle', () => {
  it.each([
    ['Road to be widened - Town News', 'Road to be widened'],
    ['Town News | Road to be widened', 'Road to be widened'],
    ['Road to be widened | Local | Town News', 'Road to be widened'],
    ['Road to be widened – Town News', 'Road to be widened'],
    [
      'Council votes › Road to be widened this spring › Town News',
      'Council votes › Road to be widened this spring',
    ],
    [
      'Zach Parise heating up - scores twice as Wild beat Sabres 4-1 - Star Tribune',
      'Zach Parise heating up - scores twice as Wild beat Sabres 4-1',
    ],
    ['Business Focus: Do You Have What It Takes?', 'Business Focus: Do You Have What It Takes?'],
  ])('reads the headline of "%s" as "%s"', (title, headline) => {
    expect(headlineOf(title)).toBe(headline);
  });

  it('keeps a first line that runs straight into text whole: it is the article headline, not a <title>', () => {
    expect(
      readPageTitle(linesOf(['Opinion | Republicans are following Trump', paragraph(1)]))?.headline,
    ).toBe('Opinion | Republicans are following Trump');
  });

  it('is null when the page opens with a site name, a menu label, a byline or a publish time', () => {
    expect(readPageTitle(linesOf(['Startseite', '', paragraph(1)]))).toBeNull();
    expect(readPageTitle(linesOf(['Top Stories', 'Home', paragraph(1)]))).toBeNull();
    expect(readPageTitle(linesOf(['By Jane Doe | Town News', paragraph(1)]))).toBeNull();
    expect(readPageTitle(linesOf(['Source: NDTV | Published: 5 hours ago', paragraph(1)]))).toBeNull();
  });
});

describe('titleMatch', () => {
  const title = readPageTitle(
    linesOf(['The view on Hong Kong: a city on the brink | Editorial | Opinion | The Paper', '']),
  );

  it('scores the headline with or without its section parts as a full match, in any case', () => {
    if (title === null) throw new Error('no title');
    expect(titleMatch(title, 'The view on Hong Kong: a city on the brink')).toBe(1);
    expect(titleMatch(title, 'The view on Hong Kong: a city on the brink | Editorial')).toBe(1);
    expect(titleMatch(title, 'THE VIEW ON HONG KONG: A CITY ON THE BRINK')).toBe(1);
  });

  it('scores a line naming only the site, a section or a piece of the headline low', () => {
    if (title === null) throw new Error('no title');
    expect(titleMatch(title, 'The Paper')).toBeLessThan(0.5);
    expect(titleMatch(title, 'Opinion')).toBeLessThan(0.5);
    expect(titleMatch(title, 'The view')).toBeLessThan(0.5);
  });
});

describe('headlineLines', () => {
  const indices = (rows: readonly string[]) => {
    const lines = linesOf(rows);
    return headlineLines(lines, readPageTitle(lines)).map((line) => line.index);
  };

  it('finds the lines repeating the title, however far from the body, and not the site name', () => {
    const rows = [
      'Road to be widened - Town News',
      '',
      'Town News',
      'Home',
      'Road to be widened',
      'By Jane Doe',
      paragraph(1),
    ];
    expect(indices(rows)).toEqual([4]);
  });

  it('takes a line reworded a little, with a word more or less', () => {
    const rows = [
      'Council agrees to widen the main road - Town News',
      '',
      'Council agrees to widen the old main road',
      paragraph(1),
    ];
    expect(indices(rows)).toEqual([2]);
  });

  it('leaves out a subheading between two paragraphs that happens to match the title', () => {
    const rows = [
      'Spiced Honey Pear Jam Recipe | The Kitchen',
      '',
      paragraph(1),
      '',
      'Making spiced honey pear jam',
      '',
      paragraph(2),
    ];
    expect(indices(rows)).toEqual([]);
  });

  it('is empty without a title line', () => {
    expect(indices(['Home', 'Road to be widened', paragraph(1)])).toEqual([]);
  });
});
