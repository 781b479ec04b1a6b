import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  authorBoxStart,
  dataAbove,
  dataUnderStandfirst,
  endAtCards,
  endAtGap,
  growRun,
  openingAbove,
  pieceRun,
  scoreLines,
  standfirstLines,
  teaserBoxLines,
  trimTrailingLabels,
} from '../../../workers/extract/article-region.ts';
import { markPageLines, type PageLine, toPageLines } from '../../../workers/extract/page-lines.ts';
import { headlineLines, readPageTitle } from '../../../workers/extract/page-title.ts';

const paragraph = (n: number) =>
  `Paragraph ${n} of the report says the council met on Tuesday and voted to widen the road, which residents had asked for.`;

function linesOf(text: string) {
  const lines = toPageLines(text, new Date('2025-01-01T00:00:00Z'));
  markPageLines(lines, new Uint8Array(lines.length));
  return lines;
}

/** The first line repeating the page title, as segmentPage anchors the article on it. */
const pageHeadline = (lines: PageLine[]) => headlineLines(lines, readPageTitle(lines))[0]?.index ?? -1;

describe('pieceRun', () => {
  it('takes the densest run of text and leaves navigation around it', () => {
    const lines = linesOf(
      ['Home', 'Sports', 'Weather', paragraph(1), paragraph(2), paragraph(3), 'Contact us'].join('\n'),
    );
    const run = pieceRun(lines, scoreLines(lines).plain, 0, lines.length, -1);
    expect(run).toMatchObject({ start: 3, end: 5 });
  });

  it('without a page headline, takes the densest run, not the first strong one at the top of the page', () => {
    const blurb = [paragraph(1), paragraph(2), paragraph(3), 'Plugins', 'Templates', 'Contact', 'News'];
    const news = [paragraph(4), paragraph(5), paragraph(6), paragraph(7), paragraph(8)];
    const lines = linesOf([...blurb, ...news].join('\n'));
    expect(pieceRun(lines, scoreLines(lines).plain, 0, lines.length, -1)).toMatchObject({
      start: 7,
      end: 11,
    });
  });

  it('takes the article under the page headline over a bigger block further down', () => {
    const article = [paragraph(1), paragraph(2), paragraph(3), paragraph(4)];
    const comments = Array.from({ length: 8 }, (_, i) => `${paragraph(10 + i)} Reader comment ${i}.`);
    const text = [
      'Road to be widened - Town News',
      'Road to be widened',
      ...article,
      'Share on Facebook',
      'Share on X',
      'Sign in',
      'Comments',
      ...comments,
    ];
    const lines = linesOf(text.join('\n'));
    const run = pieceRun(lines, scoreLines(lines).plain, 0, lines.length, pageHeadline(lines));
    expect(run).toMatchObject({ start: 2, end: 5 });
  });

  it('ends the article at three chrome lines in a row, even when longer text follows', () => {
    const article = [paragraph(1), paragraph(2), paragraph(3), paragraph(4), paragraph(5)];
    const footer = Array.from({ length: 6 }, (_, i) => `${paragraph(20 + i)} Legal notice ${i}.`);
    const text = [
      'Road to be widened - Town News',
      'Road to be widened',
      ...article,
      'Share on Facebook',
      'Subscribe',
      'Comments',
      ...footer,
    ];
    const lines = linesOf(text.join('\n'));
    const run = pieceRun(lines, scoreLines(lines).plain, 0, lines.length, pageHeadline(lines));
    expect(run).toMatchObject({ start: 2, end: 6 });
    // Two chrome lines are a widget inside the article: the run reads on past them.
    const more = [paragraph(6), paragraph(7), paragraph(8), paragraph(9)];
    const inside = linesOf([...article, 'Share on Facebook', 'Subscribe', ...more].join('\n'));
    expect(pieceRun(inside, scoreLines(inside).plain, 0, inside.length, -1)).toMatchObject({
      start: 0,
      end: 10,
    });
  });
});

describe('pieceRun on a blog post with a long comment thread under it', () => {
  // A real page (../shared/data/snippet-bench), its navigation cut: the post scores ~30, its comments over 110.
  const text = readFileSync(
    join(import.meta.dirname, '../../fixtures/pages/comment-thread-under-article.txt'),
    'utf8',
  );

  it('takes the post under the page headline, not the thread more than three times its score', () => {
    const lines = linesOf(text);
    const scores = scoreLines(lines).plain;
    const headline = pageHeadline(lines);
    const run = pieceRun(lines, scores, headline + 1, lines.length, headline);
    expect(lines[run?.start ?? -1]?.text).toMatch(/^Wieso eigentlich einen guten Rutsch wünschen\?/);
    expect(lines[run?.end ?? -1]?.text).toMatch(/Wir lesen uns 2020!$/);
  });
});

describe('scoreLines', () => {
  it('lets the run read on past a promo box under a "Don\'t miss" label to the text beyond it', () => {
    const promo = [
      "DON'T MISS",
      'Plague and influenza warning: officials name eight deadly diseases',
      'Plague fears grow after holidaymakers die in the mountains',
      'Plane passengers quarantined after an outbreak on board',
    ];
    const text = [paragraph(1), paragraph(2), paragraph(3), ...promo, paragraph(4), paragraph(5)];
    const lines = linesOf(text.join('\n'));
    expect(lines.slice(4, 7).map((line) => line.linkList)).toEqual(['promo', 'promo', 'promo']);
    expect(pieceRun(lines, scoreLines(lines).plain, 0, lines.length, -1)).toMatchObject({ start: 0, end: 8 });
  });
});

describe('authorBoxStart', () => {
  const article = [paragraph(1), paragraph(2), paragraph(3), paragraph(4)];

  it('finds the box that names the byline author at the end of the article', () => {
    const box = 'Jane Doe is a staff writer covering the town council, roads and schools for the paper.';
    const lines = linesOf(['By Jane Doe Staff Writer', ...article, 'About Jane Doe', box].join('\n'));
    expect(authorBoxStart(lines, 0, { start: 1, end: 6, score: 4 })).toBe(5);
  });

  it('leaves the article alone when the author is named early or not at all', () => {
    const named = `Jane Doe reports: ${paragraph(1)}`;
    const lines = linesOf(['By Jane Doe', named, ...article.slice(1)].join('\n'));
    expect(authorBoxStart(lines, 0, { start: 1, end: 4, score: 4 })).toBe(-1);
    const unsigned = linesOf(['Town News', ...article, 'About Jane Doe'].join('\n'));
    expect(authorBoxStart(unsigned, 0, { start: 1, end: 5, score: 4 })).toBe(-1);
  });

  it('takes the name of a dated line above the body ("Carlos Nadalim 27/09/2018") for a label or a bio opening with it', () => {
    const byline = 'Carlos Nadalim 27/09/2018 Comente! Alfabetização, Música';
    const bio = 'Pai de Francesco e Teresa, Carlos Nadalim é também coordenador pedagógico numa escola.';
    const labelled = linesOf([byline, ...article, 'Sobre Carlos Nadalim', bio].join('\n'));
    expect(authorBoxStart(labelled, 0, { start: 1, end: 6, score: 4 })).toBe(5);
    const opening = linesOf(
      [byline, ...article, `Carlos Nadalim é autor do blog. ${paragraph(5)}`].join('\n'),
    );
    expect(authorBoxStart(opening, 0, { start: 1, end: 5, score: 4 })).toBe(5);
    const mentioned = linesOf(
      [byline, ...article, `A escola de Carlos Nadalim abriu. ${paragraph(5)}`].join('\n'),
    );
    expect(authorBoxStart(mentioned, 0, { start: 1, end: 5, score: 4 })).toBe(-1);
  });
});

describe('growRun', () => {
  const article = [paragraph(1), paragraph(2), paragraph(3)];

  it('takes the short text lines under the run, with a few short lines between them', () => {
    const tail = [
      '– Jane D.',
      'This game will help you!',
      'Dare to Play 3:',
      'Hundreds of new tasks that make the evening more interesting',
      'Challenges to perform within a week',
    ];
    const lines = linesOf([...article, ...tail, 'Share on Facebook', 'Read on for more stories.'].join('\n'));
    expect(growRun(lines, { start: 0, end: 2, score: 3 }, lines.length)).toMatchObject({ start: 0, end: 7 });
  });

  it('takes the short sentences right above the run up to the headline, a byline or a date', () => {
    const head = [
      'Road to be widened',
      'By Jane Doe',
      'It can be frustrating to wait for roadworks.',
      'Residents asked for it.',
    ];
    const lines = linesOf([...head, ...article].join('\n'));
    expect(growRun(lines, { start: 4, end: 6, score: 3 }, lines.length)).toMatchObject({ start: 2, end: 6 });
    // Never above `from` (the line under the page headline).
    expect(growRun(lines, { start: 4, end: 6, score: 3 }, lines.length, 3)).toMatchObject({ start: 3 });
  });

  it('crosses a list of short lines to the prose the article goes on with, not a form to a lone paragraph', () => {
    const prose = (n: number) => `${paragraph(n)} It was the third vote on the plan this year.`;
    const text = [prose(1), prose(2), prose(3)];
    const tasks = ['Your tasks', 'Planning of projects in mobile learning', 'Workshops with young people'];
    const list = linesOf([...text, ...tasks, 'Teamwork', prose(4), prose(5)].join('\n'));
    expect(growRun(list, { start: 0, end: 2, score: 3 }, list.length)).toMatchObject({ end: 8 });
    // Growing up crosses it the same way.
    expect(growRun(list, { start: 7, end: 8, score: 3 }, list.length)).toMatchObject({ start: 0 });
    const form = ['Leave A Reply', 'Your Email Address Here', 'Your Full Name Here'];
    const bio = linesOf([...text, ...form, prose(9), 'Contact', 'Imprint'].join('\n'));
    expect(growRun(bio, { start: 0, end: 2, score: 3 }, bio.length)).toMatchObject({ end: 2 });
    // A menu of one-word links is no list of the article's.
    const menu = linesOf(
      [...text, 'News', 'Sport', 'Weather', 'Travel', 'Culture', prose(4), prose(5)].join('\n'),
    );
    expect(growRun(menu, { start: 0, end: 2, score: 3 }, menu.length)).toMatchObject({ end: 2 });
  });

  it('passes over a separator without a word, a section break or a code listing\'s "..."', () => {
    for (const separator of ['* * *', '...']) {
      const lines = linesOf([...article, separator, paragraph(4), paragraph(5)].join('\n'));
      expect(growRun(lines, { start: 0, end: 2, score: 3 }, lines.length)).toMatchObject({ end: 5 });
    }
    // A chrome line with words ("Share this article") still ends it.
    const shared = linesOf([...article, 'Share this article', paragraph(4)].join('\n'));
    expect(growRun(shared, { start: 0, end: 2, score: 3 }, shared.length)).toMatchObject({ end: 2 });
  });

  it('grows up over an interview question or a turn of dialogue, which a headline-shaped question is not', () => {
    const turns = [
      'Road to be widened',
      'Nikolai Huke: Wo sind Sie in die Europäische Union eingereist?',
      'Öh, glaub ja. Weshalb?',
    ];
    const lines = linesOf([...turns, ...article].join('\n'));
    expect(growRun(lines, { start: 3, end: 5, score: 3 }, lines.length)).toMatchObject({ start: 1 });
    const asked = linesOf(['Will the road be widened at last?', ...article].join('\n'));
    expect(growRun(asked, { start: 1, end: 3, score: 3 }, asked.length)).toMatchObject({ start: 1 });
  });

  it('does not grow up over a headline-shaped line, even one holding an abbreviation', () => {
    const lines = linesOf(['New SUVs highlight L.A. Auto Show', ...article].join('\n'));
    expect(growRun(lines, { start: 1, end: 3, score: 3 }, lines.length)).toMatchObject({ start: 1 });
  });

  it('stops at a headline-shaped label, chrome or too many short lines', () => {
    const grown = (tail: string[]) => {
      const lines = linesOf([...article, ...tail].join('\n'));
      return growRun(lines, { start: 0, end: 2, score: 3 }, lines.length).end;
    };
    expect(grown(['On Our Radar', 'Serious allegations against the star made today'])).toBe(2);
    expect(grown(['Share on Facebook', 'Read on for more stories about the council.'])).toBe(2);
    expect(grown(['Tech', 'Deals', 'GPS', 'Swim proof', 'Read on for more stories about the council.'])).toBe(
      2,
    );
  });

  it('crosses a subheading with prose of the same article on its other side, in either direction', () => {
    const long = (n: number) =>
      `${paragraph(n)} The mayor said the work would start in spring and end by the autumn.`;
    const lines = linesOf(
      [long(1), 'Was kostet der Umbau?', long(2), long(3), 'Wer zahlt die Straße', long(4)].join('\n'),
    );
    expect(growRun(lines, { start: 2, end: 3, score: 3 }, lines.length)).toMatchObject({ start: 0, end: 5 });
  });

  it('stops at a label followed by a short prompt, not prose of the article (a comment form)', () => {
    const form = [
      'Leave a comment',
      'Your e-mail address will not be published. Required fields are marked.',
    ];
    const lines = linesOf([...article, ...form, 'Name', 'E-mail'].join('\n'));
    expect(growRun(lines, { start: 0, end: 2, score: 3 }, lines.length).end).toBe(2);
  });
});

describe('standfirstLines', () => {
  const lead =
    'The council voted on Tuesday to widen the road through the old town, which residents had asked for.';

  it('finds the paragraph set apart from the body by a byline and a share row', () => {
    const lines = linesOf(
      ['Road to be widened', 'By Jane Doe', lead, 'Share', 'Tweet', paragraph(1)].join('\n'),
    );
    expect(standfirstLines(lines, 0, 5)).toEqual([2]);
  });

  it('leaves out the dek right under the headline, above the byline, and more text than a standfirst', () => {
    const dek = linesOf(['Road to be widened', lead, 'By Jane Doe', paragraph(1)].join('\n'));
    expect(standfirstLines(dek, 0, 3)).toEqual([]);
    const three = linesOf(
      [
        'Road to be widened',
        'By Jane Doe',
        lead,
        lead.replace('Tuesday', 'Monday'),
        lead.replace('Tuesday', 'Friday'),
        paragraph(1),
      ].join('\n'),
    );
    expect(standfirstLines(three, 0, 5)).toEqual([]);
  });
});

describe('trimTrailingLabels', () => {
  const body = [paragraph(1), paragraph(2)];
  const endOf = (tail: string[]) => {
    const lines = linesOf([...body, ...tail].join('\n'));
    return trimTrailingLabels(lines, 0, lines.length - 1);
  };

  it('leaves out the labels and back links closing the body, in any language', () => {
    expect(endOf(['Lesen Sie auch:'])).toBe(1);
    expect(endOf(['Das könnte dich auch interessieren …', 'Zurück zu allen Meldungen'])).toBe(1);
    expect(endOf(['En savoir plus'])).toBe(1);
  });

  it('leaves out a label ending in a colon with the few headlines it announces, not a paragraph under it', () => {
    expect(
      endOf([
        'Lesen Sie auch:',
        'Der Jobmarkt bleibt vital',
        'Warum Sie diese Prozesse digitalisieren sollten',
      ]),
    ).toBe(1);
    expect(endOf(['Lesen Sie auch:', paragraph(3)])).toBe(3);
  });

  it('keeps the sentences under a label that reads as running text, not the headlines under a short one', () => {
    const closing = 'Begeisterung ist ansteckend, nachhaltiger Lebensstil auch!';
    expect(endOf(['Was bleibt sind unzählige Erfahrungen und die Gewissheit:', closing])).toBe(3);
    expect(endOf(['Lesen Sie auch:', closing])).toBe(1);
    // A headline without sentence punctuation under it is a teaser still.
    expect(
      endOf(['Was bleibt sind unzählige Erfahrungen und die Gewissheit:', 'Der Jobmarkt bleibt vital']),
    ).toBe(1);
  });

  it('keeps a last short sentence, a bracketed note and a dash-led attribution', () => {
    expect(endOf(['He was later fired.'])).toBe(2);
    expect(endOf(['(Graphic: Emerging markets in 2019 - here)'])).toBe(2);
    expect(endOf(['— Cooper Lund (@cooperlund) November 18, 2019'])).toBe(2);
  });
});

describe('teaserBoxLines', () => {
  const teasers = [
    'Man arrested after seven victims found in a car near the border',
    'Jail guards charged with falsifying records of the night shift',
    'Safety officials urge the maker to redesign part of its planes',
  ];
  const boxOf = (text: string[]) => {
    const lines = linesOf(text.join('\n'));
    return [...teaserBoxLines(lines, 0, lines.length - 1)];
  };

  it('finds a short run of headlines between paragraphs, labelled or not', () => {
    expect(boxOf([paragraph(1), ...teasers, paragraph(2)])).toEqual([1, 2, 3]);
    expect(boxOf([paragraph(1), 'More From Our Newsroom', ...teasers, paragraph(2)])).toEqual([2, 3, 4]);
  });

  it('leaves a list the text introduces with a colon, an ellipsis or an open quotation', () => {
    expect(
      boxOf([paragraph(1), 'Once you know the approach, you will see:', ...teasers, paragraph(2)]),
    ).toEqual([]);
    expect(boxOf([paragraph(1), 'Because once you understand it …', ...teasers, paragraph(2)])).toEqual([]);
    expect(
      boxOf([paragraph(1), '„Er war mein Vorbild, doch ist innerlich am Ende', ...teasers, paragraph(2)]),
    ).toEqual([]);
  });

  it('leaves bracketed notes and a small table whose rows end in figures', () => {
    const notes = [
      '(Graphic: Global assets in 2019 - here)',
      '(Graphic: Global currencies vs. dollar - here)',
    ];
    expect(
      boxOf([paragraph(1), ...notes, '(Graphic: Emerging markets in 2019 - here)', paragraph(2)]),
    ).toEqual([]);
    const ticker = ['Ticker Security Last Change Change %', 'HD THE HOME DEPOT INC. 225.86 -12.99 -5.44%'];
    expect(
      boxOf([paragraph(1), ...ticker, "LOW LOWE'S COMPANIES INC. 113.40 -1.62 -1.41%", paragraph(2)]),
    ).toEqual([]);
  });
});

describe('endAtGap', () => {
  const teasers = [
    'The strange life and mysterious death of a virtuoso coder',
    'How the social network gets the First Amendment backward',
    'How to opt out of the sites that sell your personal data',
    'What the fitness tracker deal means for the future of wearables',
    'Featured Video',
  ];
  const endOf = (text: string[]) => {
    const lines = linesOf(text.join('\n'));
    return endAtGap(lines, 0, lines.length - 1);
  };
  const article = Array.from({ length: 8 }, (_, i) => paragraph(i + 1));
  const bio = 'Jane Doe is a staff writer covering online platforms and security for the magazine.';

  it('ends the body above a run of headlines near its end, with the label over them', () => {
    expect(endOf([...article, 'More Great Stories', ...teasers, bio])).toBe(7);
  });

  it('reads on past the run with the rest of the article under it, or past fewer lines', () => {
    const inside = [...article.slice(0, 4), 'More Great Stories', ...teasers, ...article.slice(4)];
    expect(endOf(inside)).toBe(inside.length - 1);
    const short = [...article, 'More Great Stories', ...teasers.slice(0, 3), bio];
    expect(endOf(short)).toBe(short.length - 1);
  });

  it('keeps a list of phrases, questions and answers, and a table', () => {
    const phrases = ['very hardy', 'flowers in winter', 'no feeding', 'water now and then', 'no pruning'];
    const points = [...article, 'The key points in brief:', ...phrases, 'keep out of wind', bio];
    expect(endOf(points)).toBe(points.length - 1);
    const answers = ['Q: Where did you grow up?', 'A: On the coast', 'Q: Favourite book?', 'A: Dune'];
    const interview = [...article, ...answers, 'Q: Favourite food?', 'A: Fish and chips', bio];
    expect(endOf(interview)).toBe(interview.length - 1);
    const rows = [
      '2 cups flour',
      '1 tsp salt',
      '3 eggs, beaten',
      '1 cup milk',
      '2 tbsp sugar',
      '1 tsp yeast',
    ];
    const recipe = [...article, 'Ingredients', ...rows, bio];
    expect(endOf(recipe)).toBe(recipe.length - 1);
  });
});

describe('endAtCards', () => {
  const endOf = (text: string[]) => {
    const lines = linesOf(text.join('\n'));
    return endAtCards(lines, 0, lines.length - 1);
  };
  const share = 'Whatsapp Facebook Pin Download';
  const cards = [paragraph(5), share, paragraph(6), share, paragraph(7), share];

  it('ends the body above paragraphs each framed by the same repeated line, with the label over them', () => {
    expect(endOf([paragraph(1), paragraph(2), 'You might also like...', share, ...cards])).toBe(1);
  });

  it('keeps paragraphs with a repeated line between only some of them, and a single framed one', () => {
    const ad = 'Staff picks';
    expect(endOf([paragraph(1), ad, paragraph(2), paragraph(3), ad, paragraph(4), ad, paragraph(5)])).toBe(7);
    expect(endOf([paragraph(1), share, paragraph(2), paragraph(3), share, paragraph(4), share])).toBe(6);
  });
});

describe('openingAbove', () => {
  const lead =
    'The council voted on Tuesday to widen the road through the old town, which residents had asked for.';

  it('finds the opening paragraph above a contents list, under the headline (a real page)', () => {
    // ../shared/data/snippet-bench: intro, "Inhalt:" and nine section names, a caption, then the body.
    const text = readFileSync(
      join(import.meta.dirname, '../../fixtures/pages/contents-list-under-opening.txt'),
      'utf8',
    );
    const lines = linesOf(text);
    const body = lines.findIndex((line) => line.text.startsWith('Als "Holländer" wurde'));
    const opening = openingAbove(lines, body, 0);
    expect(opening).toHaveLength(1);
    expect(lines[opening[0] as number]?.text).toMatch(/^Heute längst vergessen, war der Holzhandel/);
  });

  it("takes nothing across a byline or a date (the dek is the headline's), without a headline above, or under 20 words", () => {
    const byline = linesOf(['Road to be widened', lead, 'By Jane Doe', 'Share', paragraph(1)].join('\n'));
    expect(openingAbove(byline, 4, 0)).toEqual([]);
    const dated = linesOf(['Road to be widened', lead, 'March 3, 2021', 'Share', paragraph(1)].join('\n'));
    expect(openingAbove(dated, 4, 0)).toEqual([]);
    const blurb = linesOf([`${paragraph(9)} Teaser.`, lead, 'Home', 'Sports', paragraph(1)].join('\n'));
    expect(openingAbove(blurb, 4, 0)).toEqual([]);
    const opening = `${lead} Work starts in May.`;
    const headed = linesOf(['Road to be widened', opening, 'Contents:', 'The plan', paragraph(1)].join('\n'));
    expect(openingAbove(headed, 4, 0)).toEqual([1]);
    // A call to action under a headline is shorter than an opening.
    const prompt = linesOf(
      ['Road to be widened', 'Click here to support us.', 'Contents:', paragraph(1)].join('\n'),
    );
    expect(openingAbove(prompt, 3, 0)).toEqual([]);
  });
});

describe('dataUnderStandfirst', () => {
  const lead = 'Snow White cake is the tastiest cake in the land, with cherries and a marbled sponge.';

  it('takes an ingredient list with its labels between the standfirst and the steps, not a byline block', () => {
    const ingredients = [
      'Ingredients',
      '350 g sugar',
      '500 ml milk',
      '4 tbsp cocoa',
      '5 eggs (size M)',
      'Method',
    ];
    const recipe = linesOf(['Snow White cake', lead, ...ingredients, paragraph(1)].join('\n'));
    expect(dataUnderStandfirst(recipe, [1], 8)).toEqual([2, 3, 4, 5, 6, 7]);
    const news = linesOf(
      ['Road to be widened', lead, 'By Jane Doe', 'March 3, 2021', paragraph(1)].join('\n'),
    );
    expect(dataUnderStandfirst(news, [1], 4)).toEqual([]);
    // Short lines without a table are furniture too ("Share", "Image 1 of 23").
    const photos = linesOf(['Road to be widened', lead, 'Image 1 of 23', 'Close', paragraph(1)].join('\n'));
    expect(dataUnderStandfirst(photos, [1], 4)).toEqual([]);
  });
});

describe('dataAbove', () => {
  it('takes the ingredient list and its labels above the steps, across the method label and times', () => {
    const ingredients = [
      'Dough:',
      '250 g flour',
      '50 g sugar',
      '2 eggs (size M)',
      '1 tsp baking powder',
      'salt',
      'Topping:',
      '25 g butter',
    ];
    const method = ['Method', 'Oven 200 °C', '1'];
    // An icon between them (a separator, chrome) is passed over.
    const lines = linesOf(
      ['Menu', 'Bee sting muffins', ...ingredients, '•', ...method, paragraph(1)].join('\n'),
    );
    // Never above `from`, the line under the page headline.
    expect(dataAbove(lines, 14, 2).map((i) => lines[i]?.text)).toEqual([...ingredients, ...method]);
  });

  it('takes nothing across a byline or a paragraph, or for rows that open with no quantity (a dated menu)', () => {
    const rows = ['250 g flour', '50 g sugar', '2 eggs', '25 g butter'];
    const byline = linesOf([...rows, 'By Jane Doe', paragraph(1)].join('\n'));
    expect(dataAbove(byline, 5, 0)).toEqual([]);
    const text = linesOf([...rows, paragraph(2), paragraph(1)].join('\n'));
    expect(dataAbove(text, 5, 0)).toEqual([]);
    const menu = ['Jubilee 2018', 'Carol singers 2002', 'Summer concert 2005', 'Voice training 2007'];
    const dated = linesOf([...menu, 'History', paragraph(1)].join('\n'));
    expect(dataAbove(dated, 5, 0)).toEqual([]);
  });
});
