import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanText, cutInlineJunk, isChromeLine } from '../../../workers/extract/clean.ts';

describe('cutInlineJunk', () => {
  it('cuts a recommendation widget between two sentences into a paragraph break', () => {
    const line =
      "freed from China. by Taboola by Taboola Sponsored Links Sponsored Links Promoted Links Promoted Links You May Like Easy Trick to Protect Your Kids From Mosquitoes (They Can't Stand This) Squito Stickers Undo When the British left";
    expect(cutInlineJunk(line)).toBe('freed from China.\n\nWhen the British left');
  });

  it('joins the halves of a sentence the junk interrupted', () => {
    expect(cutInlineJunk('He said ADVERTISEMENT that it was over.')).toBe('He said that it was over.');
    expect(cutInlineJunk('4a etapa Tired of too many ads? go ad free now 5a etapa')).toBe(
      '4a etapa 5a etapa',
    );
  });

  it('leaves ordinary sentences alone', () => {
    const line = 'The Advertisement standards authority said the campaign was misleading.';
    expect(cutInlineJunk(line)).toBe(line);
  });
});

describe('isChromeLine', () => {
  it.each([
    'Share on Facebook',
    'Sign in',
    'Related Articles',
    'No comments yet...',
    'Also Read | CPD arrests six',
    '———',
    'Copyright © 2025 NDTV. All rights reserved.',
    'Get the latest updates right in your inbox. Subscribe to our newsletters.',
    "Don't miss a brief. Sign up for our daily email.",
    "DON'T MISS",
    '» Horários dos Treinos e Corridas da F1',
    '› More from the newsroom',
    'Sofern nicht anders ausgewiesen, stehen Inhalte dieser Website unter CC-BY',
    'Materiał chroniony prawem autorskim - wszelkie prawa zastrzeżone.',
    'Die Broschüre ist unter der Creative-Commons-Lizenz veröffentlicht CC BY-SA 4.0',
    '(c) 2016 - 2018 swap-stop.org',
    'Tous droits réservés',
    'Lesen Sie auch:',
    'Ähnliche Beiträge',
    'Verwandte Links',
    'Verwandte Nachrichten',
    'Articles similaires',
    'Artículos relacionados',
    'Articoli correlati',
    'Notícias relacionadas',
    'Gerelateerde artikelen',
    'Podobne artykuły',
    'À lire aussi » Ballonnements, lourdeurs : quel est votre profil digestif ?',
    'Le puede interesar: JEP abrirá tres nuevos macrocasos',
    'Zobacz także: Dla dobra IPN zdecydowałem',
    'Leggi anche: La grande sete',
    'Teilen:',
    'zurück zur Startseite',
    'Retour aux actualités',
    'Comentarios',
    'Udostępnij',
    'Previous articleFrance Phases Out Single-Use Plastics',
    'Nächster ArtikelFDP-Landes- und Kommunalpolitiker stellen Bundes-Ampel infrage',
    'Article suivant Après une mise en quarantaine : Les Tunisiens rapatriés',
    '← Vorheriger Artikel',
    'Copyright 2018 - Deutsche Gesellschaft für Sonnenenergie e.V.',
  ])('treats "%s" as chrome', (line) => expect(isChromeLine(line)).toBe(true));

  it.each([
    'Home Depot sales beat forecasts as shoppers return',
    'Who pays the cost of a tariff?',
    'Watch the skies tonight for the meteor shower, astronomers say.',
    'Netflix added five million subscribers in the quarter.',
    '»Quoted« in the German style, the minister said nothing.',
    'The museum put its whole collection online under a Creative Commons licence last year, so that schools and anyone else may reuse the pictures.',
    'Wie funktionieren Creative Commons Lizenzen?',
    'Lesen Sie auch die Anleitung, bevor Sie das Gerät zum ersten Mal einschalten.',
    'Homestorys',
    'Teilen Sie uns Ihre Meinung mit.',
    'Kommentare von Lesern zeigen, wie umstritten der Plan ist.',
    'Verwandte Themen wie Migration und Arbeit beschäftigen die Forscher seit Jahren.',
    'In the next article, I will share my tips for speaking in public.',
    'Copyright law was changed in 2019, the court said.',
  ])('keeps "%s"', (line) => expect(isChromeLine(line)).toBe(false));
});

describe('cleanText', () => {
  it('removes chrome lines and repeated prompts and keeps paragraphs and subheadings', () => {
    const page = [
      'Share on Facebook',
      'The first paragraph of the story is here.',
      'Story continues below this ad',
      'A subheading',
      'Tired of too many ads? go ad free now',
      'The second paragraph, with ADVERTISEMENT junk inside.',
      '',
      '',
      'Tired of too many ads? go ad free now',
      'The last paragraph.',
    ].join('\n');
    expect(cleanText(page)).toBe(
      'The first paragraph of the story is here.\nA subheading\nThe second paragraph, with junk inside.\n\nThe last paragraph.',
    );
  });

  it('cuts again where a cut brings a label to the start of a line, so one pass is enough', () => {
    const once = cleanText('He left. ADVERTISEMENT Advertisement The rest of the story.');
    expect(once).toBe('He left.\n\nThe rest of the story.');
    expect(cleanText(once)).toBe(once);
  });

  it('changes nothing in an already clean article', () => {
    const article = 'A clean title\n\nThe first paragraph.\n\nThe second paragraph.';
    expect(cleanText(article)).toBe(article);
  });

  it('never throws on arbitrary strings and is idempotent on its own output', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (text) => {
        const once = cleanText(text);
        expect(cleanText(once)).toBe(once);
      }),
    );
  });

  it('is idempotent on text built from page-like lines', () => {
    const pieces = [
      'Share on X',
      'Advertisement',
      'He said so.',
      'ADVERTISEMENT',
      'go ad free now',
      '',
      'A Title Line',
      'by Taboola Sponsored Links',
      'Also Read | A headline',
    ];
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...pieces), fc.constantFrom('\n', ' ', '\n\n')), { maxLength: 30 }),
        (parts) => {
          // Pieces joined within lines too, so cuts bring labels next to sentence ends and line starts.
          const once = cleanText(parts.map(([piece, gap]) => piece + gap).join(''));
          expect(cleanText(once)).toBe(once);
        },
      ),
    );
  });
});
