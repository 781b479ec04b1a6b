import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { segmentPage } from '../../../workers/extract/segment-page.ts';

// Real pages (from ../shared/data) with golden outputs beside them: <name>.txt and <name>.expected.json.
const FIXTURES = join(import.meta.dirname, '../../fixtures/pages');
const AD_FRAGMENTS = [
  'Taboola',
  'Sponsored Links',
  'go ad free',
  'Tired of too many ads',
  'ADVERTISEMENT',
  'Story continues below',
];

interface Golden {
  capturedAt: string;
  articles: Array<{
    title: string;
    source: string | null;
    published: string | null;
    publishedAt: string | null;
    primary: boolean;
    bodyStartsWith: string;
    bodyEndsWith: string;
  }>;
}

const pages = readdirSync(FIXTURES).filter((name) => name.endsWith('.txt'));

describe('segmentPage on fixture pages', () => {
  it.each(pages)('splits %s into the articles of its golden file', (name) => {
    const golden = JSON.parse(
      readFileSync(join(FIXTURES, name.replace(/\.txt$/, '.expected.json')), 'utf8'),
    ) as Golden;
    const articles = segmentPage(readFileSync(join(FIXTURES, name), 'utf8'), {
      capturedAt: new Date(golden.capturedAt),
    });
    expect(
      articles.map((a) => ({
        title: a.title,
        source: a.source,
        published: a.published,
        publishedAt: a.publishedAt,
        primary: a.primary,
        bodyStartsWith: a.body.slice(0, 60),
        bodyEndsWith: a.body.slice(-60),
      })),
    ).toEqual(golden.articles);
  });

  it.each(pages)('leaves no ad fragment in any body of %s and marks exactly one primary', (name) => {
    const articles = segmentPage(readFileSync(join(FIXTURES, name), 'utf8'), { capturedAt: new Date() });
    expect(articles.filter((a) => a.primary)).toHaveLength(1);
    for (const article of articles) {
      for (const fragment of AD_FRAGMENTS) expect(article.body).not.toContain(fragment);
      expect(article.language).toBeNull();
      expect(article.body).not.toMatch(/\n{3,}/);
    }
  });
});

describe('segmentPage on a page with picture credits between its paragraphs', () => {
  const text = readFileSync(join(FIXTURES, 'picture-credits-in-body.txt'), 'utf8');
  const [primary] = segmentPage(text, { capturedAt: new Date('2025-07-27T12:00:00Z') });

  it('leaves the credits out ("Illustration: …", "… Photo: Getty") and keeps the paragraphs around them', () => {
    expect(primary?.body).not.toMatch(/Illustration: |Photo: /);
    expect(primary?.body).toContain('Welcome back to Future.');
    expect(primary?.body).toContain('slightly over 6% of the top tracks are that short.');
  });
});

describe('segmentPage on a page with a "read also" promo between its paragraphs', () => {
  const text = readFileSync(join(FIXTURES, 'read-also-promo-in-body.txt'), 'utf8');
  const [primary] = segmentPage(text, { capturedAt: new Date('2025-07-27T12:00:00Z') });

  it('leaves out "Le puede interesar: <headline>" and reads on past it', () => {
    expect(primary?.body).not.toContain('Le puede interesar');
    expect(primary?.body).toContain('pues en 2028 la Sala dejará de existir.');
  });
});

describe('segmentPage on a page with a copyright line under the article', () => {
  const text = readFileSync(join(FIXTURES, 'copyright-line-above-cookie-notice.txt'), 'utf8');
  const [primary] = segmentPage(text, { capturedAt: new Date('2025-07-27T12:00:00Z') });

  it('leaves out "Copyright 2018 - <owner>" and keeps the article above it', () => {
    expect(primary?.body).not.toContain('Copyright 2018');
    expect(primary?.body).toContain('Die wichtigste, rein abstrakte Erkenntnis aus dieser Gleichung');
  });
});

describe('segmentPage on pages with a box of teaser headlines in or under the article', () => {
  const primaryOf = (name: string) =>
    segmentPage(readFileSync(join(FIXTURES, name), 'utf8'), {
      capturedAt: new Date('2025-07-27T12:00:00Z'),
    }).find((article) => article.primary);

  it('leaves out a box between paragraphs and keeps the paragraphs under it', () => {
    const body = primaryOf('teaser-box-in-body.txt')?.body ?? '';
    expect(body).not.toContain('Jeffrey Epstein jail guards charged with falsifying records');
    expect(body).toContain('Meanwhile, friends, volunteers, and law enforcement canvassed');
  });

  it('ends the article at a box near its end, leaving the bio and site blurb under it', () => {
    const body = primaryOf('teaser-box-under-article.txt')?.body ?? '';
    expect(body).not.toMatch(/More Great WIRED Stories|is a Staff Writer at WIRED|WIRED is where tomorrow/);
    expect(body).toContain('Maybe Instagram likes it that way.');
  });

  it('ends the article above teaser cards, each paragraph framed by the same share row', () => {
    const body = primaryOf('teaser-cards-under-article.txt')?.body ?? '';
    expect(body).toMatch(/^Viver uma verdadeira experiência amorosa/);
    expect(body).not.toMatch(/Você pode gostar|A vida requer da gente otimismo/);
  });
});

describe('segmentPage on a page signed by a name and a date, with an author box under the article', () => {
  it('ends the article above "Sobre <name>" and the bio under it', () => {
    const text = readFileSync(join(FIXTURES, 'author-box-after-dated-byline.txt'), 'utf8');
    const body = segmentPage(text, { capturedAt: new Date('2025-07-27T12:00:00Z') }).find(
      (a) => a.primary,
    )?.body;
    expect(body).toContain('Receba em seu email nosso ebook');
    expect(body).not.toMatch(/Sobre Carlos Nadalim|Pai de Francesco/);
  });
});

describe('segmentPage on the seed page', () => {
  const seed = readFileSync(join(FIXTURES, 'daily8-china-russia.txt'), 'utf8');
  const articles = segmentPage(seed, { capturedAt: new Date('2025-07-26T12:00:00Z') });

  it('finds exactly the four articles with their titles and sources', () => {
    expect(articles.map((a) => [a.title, a.source])).toEqual([
      ["China says ready to 'expand practical cooperation' with Russian army", null],
      ["‘Buying Chinese products is indirectly funding enemy'", 'Time of India'],
      ['Pope receives high-ranking Russian Orthodox cleric', 'Time of India'],
      ['Russia seizes two villages in central Ukraine; raids kill 6', 'Time of India'],
    ]);
  });

  it('resolves "2 hours ago" against the capture time', () => {
    expect(articles[1]?.published).toBe('2 hours ago');
    expect(articles[1]?.publishedAt).toBe('2025-07-26T10:00:00.000Z');
  });

  it('cuts the Taboola widget out of the sentence and keeps the text on both sides', () => {
    expect(articles[1]?.body).toContain('freed from China.\n\nWhen the British left the country');
    expect(articles[3]?.body).toContain('in 2022.\n\nOvernight strikes by both sides');
  });

  it('gives the standfirst as lead and keeps it in the body', () => {
    expect(articles[0]?.lead).toMatch(/^The two countries have drawn closer/);
    expect(articles[0]?.body.startsWith(articles[0]?.lead ?? '?')).toBe(true);
  });
});

describe('segmentPage on small inputs', () => {
  const paragraph = (n: number) =>
    `Paragraph ${n} of the report says the council met on Tuesday and voted to widen the road, which residents had asked for.`;
  const article = [paragraph(1), paragraph(2), paragraph(3), paragraph(4), paragraph(5), paragraph(6)];
  const related = `${paragraph(7)} ${paragraph(8)} ${paragraph(9)}`;
  /** A page with its <title>, the article under its headline, then `rest`. */
  const articlePage = (...rest: string[]) =>
    ['Road to be widened - Town News', '', 'Road to be widened', ...article, '', ...rest].join('\n');

  it('keeps a related article under a header that names its outlet', () => {
    const page = articlePage('Bridge to reopen in spring', 'NDTV · 2 hours ago', related);
    expect(segmentPage(page, { capturedAt: new Date() }).map((a) => [a.title, a.source])).toEqual([
      ['Road to be widened', null],
      ['Bridge to reopen in spring', 'NDTV'],
    ]);
  });

  it('makes no article of a comment under a name and a date, nor of a teaser under a headline and a time', () => {
    const page = articlePage(
      'Comments',
      '',
      'Jan Smith',
      'August 8, 2018 at 7:21 pm',
      related,
      '',
      'Rating: 7 Votes',
      '2 days ago',
      related,
      '',
      'Bridge to reopen in spring after repairs',
      '17H ago',
      related,
    );
    expect(segmentPage(page, { capturedAt: new Date() }).map((a) => a.title)).toEqual(['Road to be widened']);
  });

  it('returns no article for a teaser of a few words', () => {
    expect(segmentPage('Breaking news\nMarkets fell today.\n', { capturedAt: new Date() })).toEqual([]);
  });

  it('reads on past an embedded post whose attribution line carries a date', () => {
    const sentence =
      'The state spent nearly half a million dollars on the campaign, and people noticed it at once.';
    const later =
      'The governor answered the critics the next morning and said the campaign was working as planned.';
    const page = [
      'Slogan campaign draws ridicule - News',
      '',
      'Slogan campaign draws ridicule',
      '',
      `${sentence} ${sentence}`,
      '',
      'Yes this is real and yes the state spent money on it: https://t.co/abc',
      '— Dianna Anderson (@dianna) November 18, 2019',
      '',
      `${later} ${later}`,
    ].join('\n');
    const articles = segmentPage(page, { capturedAt: new Date('2019-11-20T00:00:00Z') });
    expect(articles).toHaveLength(1);
    expect(articles[0]?.body).toContain('— Dianna Anderson (@dianna) November 18, 2019');
    expect(articles[0]?.body.endsWith(later)).toBe(true);
  });

  it('drops a caption the page shows twice close together but keeps the article around it', () => {
    const paragraph = (n: number) =>
      `Paragraph ${n} of the report says the council met on Tuesday and voted to widen the road, which residents had asked for.`;
    const caption = 'The mayor, left, and the council chair shake hands in the town hall on Tuesday';
    const page = [
      'Road to be widened - Town News',
      '',
      paragraph(1),
      caption,
      paragraph(2),
      caption,
      paragraph(3),
    ];
    const [article] = segmentPage(page.join('\n'), { capturedAt: new Date() });
    expect(article?.body).not.toContain(caption);
    expect(article?.body).toContain(paragraph(3));
  });

  it('drops a photo caption that ends with its credit and reads on past it', () => {
    const paragraph = (n: number) =>
      `Paragraph ${n} of the report says the plague is treatable with antibiotics when it is found early enough.`;
    const caption = 'A 14th century plague doctor (Image: GETTY)';
    const page = ['Plague cases confirmed - News', '', paragraph(1), caption, paragraph(2), paragraph(3)];
    const [article] = segmentPage(page.join('\n'), { capturedAt: new Date() });
    expect(article?.body).not.toContain('GETTY');
    expect(article?.body).toContain(paragraph(3));
  });

  it('starts the article under a byline, not at the caption above it', () => {
    const paragraph = (n: number) =>
      `Paragraph ${n} says scientists using a telescope atop the mountain have confirmed the presence of water vapour.`;
    const page = [
      'Telescope spots water vapour - News',
      '',
      'The spacecraft took this image of the icy moon rising above the cloud tops in February 2007, six hours after its closest approach.',
      'By Staff Writer | November 18, 2019 at 2:26 PM - Updated November 18 at 4:46 PM',
      paragraph(1),
      paragraph(2),
      paragraph(3),
    ];
    const [article] = segmentPage(page.join('\n'), { capturedAt: new Date() });
    expect(article?.body.startsWith(paragraph(1))).toBe(true);
  });

  it('splits at a sentence-case headline ending in a question, above or below its meta line', () => {
    const body = (topic: string) => [
      `The report on ${topic} says the council met on Tuesday and voted to widen the road, which residents had long asked for.`,
      `It will cost more than planned for ${topic}, and the work starts in the spring after a review of the bids by the board.`,
    ];
    const question = 'Economy in stress and markets on a high; time to be careful about what comes next?';
    for (const header of [
      [question, 'NDTV · 1 day ago'],
      ['Source: NDTV | Published: 3 hours ago', question],
      ['NDTV', '1 hour ago', '- NDTV', question],
    ]) {
      const page = [
        'Road to be widened',
        'Town News · 2 hours ago',
        ...body('roads'),
        '',
        ...header,
        ...body('markets'),
      ];
      const articles = segmentPage(page.join('\n'), { capturedAt: new Date() });
      expect(articles.map((a) => [a.title, a.source, a.body])).toEqual([
        ['Road to be widened', 'Town News', body('roads').join('\n\n')],
        [question, 'NDTV', body('markets').join('\n\n')],
      ]);
    }
  });

  it('keeps a long question inside a paragraph run as text, with no blank line above it', () => {
    const paragraph = (n: number) =>
      `Paragraph ${n} says the council met on Tuesday and voted to widen the road, which residents had long asked for, at a cost of more than planned.`;
    const question = 'Why did the council wait so long to act when the costs were rising every single year?';
    const page = [
      'Road to be widened',
      'Town News · 2 hours ago',
      paragraph(1),
      question,
      '2 hours ago',
      paragraph(2),
    ];
    const articles = segmentPage(page.join('\n'), { capturedAt: new Date() });
    expect(articles.map((a) => a.title)).toEqual(['Road to be widened']);
    expect(articles[0]?.body).toContain(question);
  });

  it('cuts a promo for a headline of the page before judging the line it sits in', () => {
    const schedule =
      'Calendário da Stock Car 2018 1a etapa: 10 de março – Interlagos 2a etapa: 8 de abril – Curitiba 3a etapa: 22 de abril – Velopark 4a etapa: 06 de maio – Londrina 5a etapa: 20 de maio – Santa Cruz do Sul 6a etapa: 5 de agosto – Corrida do Milhão';
    const other =
      'Sweden has dropped its investigation into a rape allegation against the WikiLeaks co-founder after a review of the evidence, the deputy director said. The evidence was not strong enough to file an indictment, she told reporters in Stockholm, and the case is now closed for good. His lawyers welcomed the decision on Tuesday evening.';
    const page = [
      'Source: NDTV | Published: 5 hours ago',
      'Calendário Stock Car 2018',
      `${schedule} Also Read | Sweden Drops Its Investigation Into Rape Allegation 7a etapa: 19 de agosto – A ser divulgado`,
      '———',
      '',
      'Source: The Hindu | Published: 1 hour ago',
      'Sweden Drops Its Investigation Into Rape Allegation',
      other,
    ];
    const articles = segmentPage(page.join('\n'), { capturedAt: new Date() });
    expect(articles.map((a) => a.title)).toEqual([
      'Calendário Stock Car 2018',
      'Sweden Drops Its Investigation Into Rape Allegation',
    ]);
    expect(articles[0]?.body).toBe(`${schedule} 7a etapa: 19 de agosto – A ser divulgado`);
  });

  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), (text) => {
        expect(Array.isArray(segmentPage(text, { capturedAt: new Date() }))).toBe(true);
      }),
    );
  });
});

describe('segmentPage on a recipe with its ingredients between standfirst and steps', () => {
  const text = readFileSync(join(FIXTURES, 'recipe-ingredients-under-standfirst.txt'), 'utf8');
  const primary = segmentPage(text, { capturedAt: new Date('2025-07-27T12:00:00Z') }).find((a) => a.primary);

  it('keeps the ingredient list (a flattened table) and its labels between the standfirst and the steps', () => {
    const paragraphs = primary?.body.split('\n\n') ?? [];
    const at = (text: string) => paragraphs.indexOf(text);
    expect(paragraphs[0]).toMatch(/^Spieglein, Spieglein an der Wand/);
    expect(at('350 g Zucker')).toBeGreaterThan(0);
    expect(at('Zubereitung')).toBeGreaterThan(at('350 g Zucker'));
    expect(paragraphs.findIndex((p) => p.startsWith('Für die Creme Puddingpulver'))).toBeGreaterThan(
      at('Zubereitung'),
    );
  });
});
