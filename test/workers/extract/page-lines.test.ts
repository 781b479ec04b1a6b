import { describe, expect, it } from 'vitest';
import { markPageLines, toPageLines } from '../../../workers/extract/page-lines.ts';

const capturedAt = new Date('2019-11-20T00:00:00Z');
const lineOf = (text: string) => toPageLines(text, capturedAt)[0];

/** The lines of a page made of `rows`, with their page-wide verdicts. */
function markedLines(rows: readonly string[]) {
  const lines = toPageLines(rows.join('\n'), capturedAt);
  markPageLines(lines, new Uint8Array(lines.length));
  return lines;
}

describe('toPageLines', () => {
  it('reads a dash-led attribution with a date as text, not as a meta line', () => {
    expect(lineOf('— Dianna Anderson (@dianna) November 18, 2019')?.meta).toBeNull();
    expect(lineOf('November 18, 2019')?.meta).not.toBeNull();
  });

  it('marks a "By <Name> | Outlet" line as a byline, and a sentence opening "By" as text', () => {
    expect(lineOf('By Julius Young | Fox News')?.byline).toBe(true);
    expect(lineOf('By taking off the top half of the bread, you save calories.')?.byline).toBe(false);
  });

  it('marks a name with a social handle as a byline, and a sentence naming a handle as text', () => {
    expect(lineOf('Natasha Turak @NatashaTurak')?.byline).toBe(true);
    expect(lineOf('Follow the council on X at @TownCouncil for updates.')?.byline).toBe(false);
  });

  it('drops a photo caption that ends with its credit without making it chrome', () => {
    const caption = lineOf('Protesters have worn masks to protect their identities (Image: GETTY )');
    expect(caption?.drop).toBe('caption');
    expect(caption?.chrome).toBe(false);
  });

  it('drops a picture credit or caption by its label, in the main European languages', () => {
    for (const credit of [
      'Illustration: Sarah Grillo/Axios',
      'Union Station, Chicago, 1960. Photo: Bettmann Archive/Getty',
      'Foto: Galli/Malteser',
      'Bild: Jahr Media',
      'Abbildung 4: Die grösste Lawine dieser Berichtsperiode wurde in Tschiertschen ausgelöst.',
      'Fot. Lukasz Nowaczyk / Agencja Gazeta',
      'Crédit photo : Adil Boukind',
    ])
      expect(lineOf(credit)?.drop, credit).toBe('caption');
    for (const text of [
      'Photos of the flood were shared widely: the mayor asked residents to stay home.',
      'Die Bilder zeigen: Der Damm hielt dem Hochwasser stand.',
      'Das Foto, das alle teilen, zeigt den Bürgermeister.',
    ])
      expect(lineOf(text)?.drop, text).toBeNull();
  });

  it('drops a caption under its label ("Image caption …") without making it chrome', () => {
    const caption = lineOf(
      'Image caption Scooter Braun has managed Justin Bieber, among others, throughout his career',
    );
    expect(caption?.drop).toBe('caption');
    expect(caption?.chrome).toBe(false);
    expect(lineOf('Image captions are written by the picture desk, the editor said.')?.drop).toBeNull();
  });

  it('drops a credit of names joined by bars with the caption right above it, and keeps bylines', () => {
    const caption =
      'The prime minister passes a Boeing 787-10 at the Dubai Airshow on Monday, Nov. 13, 2017.';
    const lines = toPageLines(
      [caption, 'Natalie Naccache | Bloomberg | Getty Images', 'By Andy Sahadeo | Fox News'].join('\n'),
      capturedAt,
    );
    expect(lines.map((line) => line.drop)).toEqual(['credit-caption', 'credit-row', null]);
    expect(lineOf('Sales rose 4% | Profits fell')?.drop).toBeNull();
  });
});

describe('markPageLines', () => {
  it('marks a line of text shown twice close together, and leaves copies far apart alone', () => {
    const caption = 'The mayor, left, and the council chair shake hands in the town hall';
    const template = 'Portion containers: one green, one red, one yellow, one teaspoon';
    const filler = Array.from({ length: 30 }, (_, i) => `Paragraph ${i} of the story.`);
    const lines = markedLines(['Page title', caption, 'Text.', caption, template, ...filler, template]);
    expect(lines.filter((line) => line.text === caption).map((line) => line.drop)).toEqual([
      'repeated-text',
      'repeated-text',
    ]);
    expect(lines.filter((line) => line.text === template).map((line) => line.drop)).toEqual([null, null]);
  });

  it('marks four short lines with numbers in a row as a flattened table', () => {
    const rows = [
      '1a etapa: 10 de março – Interlagos',
      '2a etapa: 8 de abril – Curitiba',
      '3a etapa: 22 de abril – Velopark',
      '4a etapa: 6 de maio – Londrina',
    ];
    expect(markedLines(rows).every((line) => line.tableRow)).toBe(true);
  });

  it('marks three or more lines closing with a count in brackets as a long link list, not a table', () => {
    // A blog's archive and category widgets in German, English and Polish.
    const archive = ['November 2004 (1)', 'September 2004 (3)', 'Mai 2004 (1)', 'April 2004 (12)'];
    const categories = ['Politics (12)', 'Sport (3)', 'Wiadomości (40)'];
    for (const rows of [archive, categories]) {
      const lines = markedLines(rows);
      expect(lines.map((line) => [line.linkList, line.tableRow])).toEqual(rows.map(() => ['long', false]));
    }
    // Two are a sentence's bracketed figures, or a pair of links.
    const two = markedLines(['Sales rose (12)', 'Costs fell (3)', 'The year was good.']);
    expect(two.map((line) => line.linkList)).toEqual([null, null, null]);
  });

  it('marks three headlines under a chrome label as a promo box, and without one as a short link list', () => {
    const headlines = [
      'Afghan woman politician sees talks as only hope',
      'Young people must be heard, says the envoy',
      'China invites officials for two-day talks',
    ];
    const promo = markedLines(['Related Articles', ...headlines]);
    expect(promo.slice(1).map((line) => line.linkList)).toEqual(['promo', 'promo', 'promo']);
    const plain = markedLines(['The story so far.', ...headlines]);
    expect(plain.slice(1).map((line) => line.linkList)).toEqual(['short', 'short', 'short']);
  });

  it('takes a headline-shaped line longer than link text for a paragraph, not a link list member', () => {
    const text = [
      'Blog - Latest News',
      'Visitors who booked their tickets online came to the theatre to watch the show and have left their reviews of it with us 🙂',
      'We have brought some of these memorable reviews here! Check them out below',
      'The Palace: Tale of Jang Noksu reviews',
    ];
    expect(markedLines(text).map((line) => line.linkList)).toEqual([null, null, null, null]);
  });
});
