/**
 * The one small vocabulary the cleaner uses. Everything else it decides from the shape of
 * the text (length, punctuation, repetition, position). Words here are one signal among
 * several: a vocabulary line is only dropped when it is also short and not a sentence, and
 * inline phrases are only cut at widget-shaped spots. Add a phrase only when it is generic
 * across sites (widget and consent boilerplate), never a headline seen on one page.
 */

/**
 * Ad widgets pasted into running text, cut out wherever they occur. Each is anchored on
 * widget boilerplate: "Sponsored Links" runs (Taboola/Outbrain: "by X … You May Like … Undo"),
 * "go ad free" promos, a bare "ADVERTISEMENT", "Story continues below this ad".
 */
export const INLINE_JUNK = new RegExp(
  [
    // Recommendation widgets: optional "by Vendor" credits, the sponsored-label run, then the
    // promoted headline and advertiser up to the widget's "Undo"/"Hide" control.
    String.raw`(?:\bby\s+\p{Lu}\p{L}+\s+)*(?:\b(?:Sponsored|Promoted|Paid)\s+(?:Links?|Stories|Content|Posts?)\s*)+(?:(?:You\s+)?May\s+(?:Also\s+)?Like\b[^.!?\n]{0,160}?\b(?:Undo|Hide)\b)?`,
    String.raw`(?:\bTired\s+of\s+(?:too\s+many\s+|seeing\s+)?ads\?\s*)?\bgo\s+ad[- ]free(?:\s+now)?\b[.!]?`,
    String.raw`\b(?:Story|Article)\s+continues\s+below(?:\s+(?:this\s+)?(?:ad|advertisement))?\b`,
    String.raw`\b(?:Continue|Keep)\s+reading\s+(?:the\s+main\s+story|below)\b`,
    String.raw`\bScroll\s+(?:down\s+)?to\s+continue(?:\s+with\s+content)?\b`,
    String.raw`\b(?:ADVERTISEMENT|ADVERTISING|SPONSORED)\b`,
    // Title-case labels only where a sentence could not continue through them.
    String.raw`(?<=^|[.!?"”’)]\s{1,3})(?:Advertisement|Anzeige|Publicidade|Publicidad)\b(?!\s+\p{Ll})`,
  ].join('|'),
  'gu',
);

/** A cheap test that a line may hold INLINE_JUNK; most lines fail it, sparing the full pattern. */
export const INLINE_JUNK_HINT =
  /Sponsored|Promoted|Paid|ad[- ]free|continues below|reading|Scroll|ADVERTIS|SPONSORED|Advertisement|Anzeige|Publicidad/;

/**
 * INLINE_JUNK_HINT for a whole page, before its lines are squeezed of spaces: any line it
 * holds after squeezing, this finds in the page at that line. It may find more (cutLine tests
 * INLINE_JUNK_HINT on the line again): its lower-case words stand alone ("free", not "ad free")
 * because spelling out the spaces between them made the page scan ~35% slower.
 */
export const INLINE_JUNK_HINT_IN_PAGE =
  /Sponsored|Promoted|Paid|Scroll|ADVERTIS|SPONSORED|Advertisement|Anzeige|Publicidad|free|reading|below/g;

/**
 * Chrome vocabulary at the start of a short line (up to ten words): share/follow buttons,
 * sign-in and subscribe prompts, consent banners, comment prompts, legal footer lines; and a
 * line led by a link arrow ("» Horários dos Treinos", "› More news"), whatever its language.
 */
export const CHROME_LINE =
  /^(?:[»›]\s|share (?:on|this|via|article|story)|share$|tweet$|subscribe|sign (?:in|up)|log ?in|log out|create (?:an )?account|follow us|newsletter|we use cookies|cookie|no comments|leave a (?:comment|reply)|comments?$|\d+ comments?$|copyright|all rights reserved|advertisement$|sponsored$|skip to|back to top)/iu;

/**
 * "Read also" and "related" labels in the main European languages besides English (German,
 * French, Spanish, Italian, Portuguese, Dutch, Polish): they announce another page's headline,
 * inside an article or under it ("Lesen Sie auch:", "À lire aussi »", "Le puede interesar:",
 * "Zobacz także:", "Ähnliche Beiträge", "Verwandte Links", "Articoli correlati").
 */
const READ_ALSO = [
  'lesen sie (?:auch|hier|mehr)|weiterlesen|mehr zum thema|(?:das|dies) könnte (?:sie|dich) (?:auch )?interessieren|(?:ähnliche|weitere|verwandte) (?:beiträge|artikel|links|nachrichten|themen)',
  '(?:à )?lire aussi|voir aussi|pour approfondir|sur le même sujet|articles (?:liés|similaires)',
  '(?:le|te) puede interesar|puedes ver|lee también|ver también|leer más|(?:artículos|noticias) relacionad[oa]s',
  'leggi anche|potrebbe interessarti|(?:articoli|notizie) correlat[ie]',
  'leia (?:também|mais)|veja também|(?:artigos|notícias) relacionad[oa]s',
  'lees ook|lees meer|gerelateerde (?:artikelen|berichten)',
  'zobacz (?:także|też)|czytaj (?:także|też|więcej)|przeczytaj (?:także|też)|dowiedz się więcej|(?:powiązane|podobne) (?:artykuły|wpisy)',
].join('|');

/**
 * Share, comment and back-link labels in the same languages ("Teilen", "Kommentare", "zurück zur
 * Startseite", "Partager", "Retour aux actualités", "Compartir", "Comentarios", "Udostępnij").
 */
const SHARE_COMMENT_BACK = [
  'teilen|diesen artikel teilen|kommentare?|kommentar schreiben|zurück zu[mr]?|nach oben',
  'partager|commentaires?|retour (?:à|au|aux|vers)|haut de page',
  'compartir|comentarios?|volver (?:a|al)|deja (?:un|tu) comentario',
  'condividi|commenti|lascia un commento|torna (?:a|al|alla)',
  'compartilhe|compartilhar|comentários|voltar (?:a|ao|para)',
  'delen|reacties?|terug naar',
  'udostępnij|komentarze?|powrót do|wróć do',
].join('|');

/**
 * Navigation words that make a line chrome only when it is a bare label of four words or
 * fewer ("Home", "Most Popular", "Related Articles"); longer lines starting so are headlines.
 */
export const CHROME_LABEL = new RegExp(
  String.raw`^(?:home|menu|search|print|email|e-mail|share|tweet|pin it|reply|register|follow|accept|watch|listen|image|photo|video|credit|related(?: articles| stories| posts)?|more stories|recommended|trending|most (?:popular|read)|top stories|read more|also read|don['’]?t miss|${READ_ALSO}|${SHARE_COMMENT_BACK})(?![\p{L}\p{N}])`,
  'iu',
);

/**
 * A media label or credit ("Image copyright Getty Images", "Photo: AP", "Watch", "Video"): chrome,
 * but it sits with a picture or player inside the article, as often as around it.
 */
export const MEDIA_LABEL = /^(?:image|photo|picture|video|credit|watch|listen)\b/i;

/**
 * Anywhere in a short line, these mark it as consent or legal boilerplate, or a newsletter prompt:
 * "all rights reserved" in the main European languages, a licence code ("CC BY-SA 4.0"), a
 * leading "(c)", a leading "Copyright" with a year ("Copyright 2018 - …"; not "Copyright law …").
 * Not "Creative Commons" alone: pages about the licences name it in their text.
 */
// No "u" flag: with it V8 scans case-insensitively by Unicode rules, ~6x slower on every line;
// one \b before the alternatives is ~1.5x faster than one per alternative.
export const CHROME_ANYWHERE =
  /©|^\(c\) |^copyright(?: ?\d|$)|\b(?:all rights reserved|alle rechte vorbehalten|tous droits réservés|todos los derechos reservados|tutti i diritti riservati|todos os direitos reservados|alle rechten voorbehouden|wszelkie prawa zastrzeżone|cc[ -]by|cookies?|privacy policy|terms of (?:use|service)|subscribe|newsletters?|sign up (?:for|to))\b/i;

/**
 * The link to the previous or next article under a post, in the main European languages, often
 * glued to that article's headline ("Previous articleFrance Phases Out…", "Nächster Artikel",
 * "Article suivant …", "← Vorheriger Artikel"): navigation, never the article's text.
 */
export const PREVIOUS_NEXT =
  /^[«←‹<]?\s*(?:(?:previous|next) (?:article|post|story)|(?:vorheriger|voriger|nächster) (?:artikel|beitrag)|(?:article|billet) (?:précédent|suivant)|(?:artículo|entrada) (?:anterior|siguiente)|articolo (?:precedente|successivo)|(?:artigo anterior|próximo artigo)|(?:vorig|volgend) (?:artikel|bericht)|(?:poprzedni|następny) (?:artykuł|wpis))/iu;

/** "Also Read | Headline", "Related: Headline" — a promo label, a bar or colon, a headline. */
export const PROMO_PREFIX = new RegExp(
  String.raw`^(?:also read|read (?:more|also|next)|see also|related|more|watch|recommended|trending|must read|don't miss|${READ_ALSO})\s*[|:»›]\s*`,
  'iu',
);

/**
 * A photo caption ends with its credit in brackets: "(Image: GETTY)", "(Photo: Getty Images)",
 * "(AP Photo/Alan Diaz, File)", "(Credit: iStock)", "(Image credit: Blue Origin)". Lines reach
 * it trimmed, and only when they end with ")".
 */
export const CAPTION_CREDIT = /\((?:AP |AFP |Reuters )?(?:image|photo|picture|credit|foto)s?\b[^()]*\)$/i;

/** A caption under its label ("Image caption Scooter Braun has managed …", "Media caption …"). */
export const CAPTION_LABEL = /^(?:image|photo|picture|media|video) caption\b/i;

/**
 * The words for a picture and its credit in the main European languages (English, German,
 * French, Spanish, Italian, Portuguese, Dutch, Polish), as a caption or credit line opens or
 * closes with them: "Foto: Timur", "Bild: Jahr Media", "Abb. 1: …", "Fot. Name / Agencja",
 * "Crédit photo : …", "Imagen: …".
 */
const PICTURE_WORD = String.raw`(?:photos?|fotos?|fotocredit|pictures?|images?|imagen|imagem|immagine|bild(?:er|quelle)?|abb\.|abbildung(?:en)?|fot\.|zdjęcie|afbeelding|beeld|illustrations?|grafik|titelbild|credits?|crédits?(?: photo)?|créditos?)`;
/** A line opening with a picture word and a colon or a figure number: a caption or a credit, never running text. */
export const PICTURE_CREDIT_LEAD = new RegExp(
  String.raw`^${PICTURE_WORD}(?:\s*\d+)?\s*:|^(?:fot|abb)\.\s`,
  'iu',
);
/** A caption closing with its credit ("… zu tun. Foto: Timur"): the picture word and a colon near the line's end. */
export const PICTURE_CREDIT_TAIL = new RegExp(
  String.raw`(?:^|[\s(])${PICTURE_WORD}\s*:\s*[^.!?:]{2,60}$`,
  'iu',
);

/** Field labels of a byline/meta line ("Source: X | Published: Y", "Pubblicato il … Ultima modifica …"). */
export const SOURCE_LABEL = /^(?:source|via|from|fonte|quelle|fuente)\s*:\s*/iu;
export const TIME_LABEL =
  /^(?:published|updated|posted|date|last updated|publicado(?: el)?|atualizado|actualizado(?: el)?|aktualisiert|veröffentlicht(?: am)?|publié(?: le)?|mis à jour(?: le)?|pubblicato(?: il)?|aggiornato(?: il)?|ultima modifica|gepubliceerd(?: op)?|opublikowano)\s*:?\s*/iu;
/** A byline: "By Jane Doe | Outlet", "Von Moritz Bachmann publiziert am …" (a name follows, capitalised). */
export const BYLINE = /^(?:[Bb]y|BY|[Pp]or|[Vv]on|[Oo]leh|[Ww]ritten by)\s+\p{Lu}/u;
/** The author's name in a byline: its first two capitalised words ("By Meg James Staff Writer" → "Meg James"). */
export const BYLINE_NAME =
  /^(?:[Bb]y|BY|[Pp]or|[Vv]on|[Oo]leh|[Ww]ritten by)\s+(\p{Lu}[\p{L}'’-]+\s+\p{Lu}[\p{L}'’-]+)/u;
export const AUTHOR_LABEL = /^(?:by|por|von|oleh|author|written by)\b\s*:?\s*/iu;
