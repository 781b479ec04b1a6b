/**
 * The language of an article as an ISO 639-1 code, or null when unsure. Writing systems settle
 * most non-Latin languages; Latin-script ones are told apart by their most frequent function
 * words, which every running text uses and no two languages share all of. This is far faster
 * than n-gram models (libraries such as tinyld measured ~1 ms per page here, which alone
 * would halve the extraction throughput) and as accurate on article-length text.
 */

/** Characters read from the start of the text; more does not change the answer. */
const SAMPLE_CHARS = 1000;
/** Function-word hits the best language needs before we trust it. */
const MIN_HITS = 4;
/** How far ahead of the runner-up the best language must be. */
const MIN_LEAD = 1.3;

const FUNCTION_WORDS: Record<string, string> = {
  en: 'the and of to is that it was for with he on are this by have from they which you has been were their said would will not',
  de: 'der die und das ist nicht ein eine den von mit sich auf für dem des auch wird wurde sind im zu bei nach aber oder wie einen',
  fr: 'le la les et des est une du que pour dans qui pas sur au avec sont ce il elle mais ont été aux cette nous ou plus par',
  es: 'el la los las y que de en del por con una es para se su al lo como más pero fue ha sus este esta entre sobre también',
  pt: 'o a os as e que de do da dos das em no na um uma para com não por se mais foi ao pelo pela é são também seu sua',
  it: 'il la di che e è per del della un una non con sono dei nel alla anche gli le si da ha ma come più questo essere delle',
  nl: 'de het een en van is dat op te niet zijn met voor die er ook maar aan door wordt werd bij nog om naar ze dit heeft uit',
  id: 'yang dan di ini itu dengan untuk dari dalam tidak akan pada juga ke adalah ada oleh karena mereka sudah bisa atau kami telah lebih seperti',
  sv: 'och att det som en är på av för med till den har inte om ett var de jag men så från eller vid när efter också kan blev',
  da: 'og at det som en er på af for med til den har ikke om et var de jeg men så fra eller ved når efter også kan blev der',
  no: 'og å det som en er på av for med til den har ikke om et var de jeg men så fra eller ved når etter også kan ble vi',
  pl: 'i w na z się nie do to że jest o a jak ale po co tak za od przez dla jego już są był może przy tylko oraz',
  cs: 'a se na v je že to s z do o ve jsou by jak ale pro za jako který také byl bylo jeho po podle už však již',
  ro: 'și de în la cu a pe care este nu din o un să mai fost pentru sunt au ca se prin sau dar acest această',
  tr: 've bir bu da de için ile olarak çok daha gibi olan en ama kadar sonra değil ne her o var ya ise şu göre oldu olduğu',
  fi: 'ja on ei se että hän oli ovat mutta kuin myös jo tai joka sen kun niin vain ole sekä mukaan jälkeen tämä',
  hu: 'a az és hogy nem is egy meg de van volt csak már még mint el ki ez azt ami vagy úgy lesz pedig miatt után szerint',
};

const LANGUAGES = Object.keys(FUNCTION_WORDS);
/** Each function word to the indexes (into LANGUAGES) of the languages that use it. */
const LANGUAGES_OF_WORD = new Map<string, number[]>();
for (const [index, language] of LANGUAGES.entries()) {
  for (const word of (FUNCTION_WORDS[language] as string).split(' '))
    LANGUAGES_OF_WORD.set(word, [...(LANGUAGES_OF_WORD.get(word) ?? []), index]);
}
/** Longer runs of letters cannot be function words: they are skipped without a lookup. */
const LONGEST_WORD = Math.max(...[...LANGUAGES_OF_WORD.keys()].map((word) => word.length));

/** Writing systems used by one main language (first code point, last, language). */
const SCRIPT_LANGUAGE: Array<[number, number, string]> = [
  [0x0370, 0x03ff, 'el'],
  [0x0530, 0x058f, 'hy'],
  [0x0590, 0x05ff, 'he'],
  [0x0900, 0x097f, 'hi'],
  [0x0980, 0x09ff, 'bn'],
  [0x0a00, 0x0a7f, 'pa'],
  [0x0a80, 0x0aff, 'gu'],
  [0x0b80, 0x0bff, 'ta'],
  [0x0c00, 0x0c7f, 'te'],
  [0x0c80, 0x0cff, 'kn'],
  [0x0d00, 0x0d7f, 'ml'],
  [0x0e00, 0x0e7f, 'th'],
  [0x10a0, 0x10ff, 'ka'],
  [0x1100, 0x11ff, 'ko'],
  [0x3040, 0x30ff, 'ja'],
  [0x3130, 0x318f, 'ko'],
  [0xac00, 0xd7af, 'ko'],
];

// The writing system of every BMP code unit (0: none that counts), looked up once per character:
// a range search per character cost more than the rest of the detection.
const LATIN = 1;
const CYRILLIC = 2;
const ARABIC = 3;
const HAN = 4;
/** Languages settled by their script, numbered from OTHER_SCRIPTS on. */
const SCRIPT_LANGUAGES = [...new Set(SCRIPT_LANGUAGE.map(([, , language]) => language))];
const OTHER_SCRIPTS = 5;
const KANA = OTHER_SCRIPTS + SCRIPT_LANGUAGES.indexOf('ja');
const SCRIPT_OF = new Uint8Array(0x10000);
SCRIPT_OF.fill(LATIN, 0x80, 0x0250);
for (let code = 0x41; code <= 0x7a; code++)
  if ((code | 0x20) >= 0x61 && (code | 0x20) <= 0x7a) SCRIPT_OF[code] = LATIN;
SCRIPT_OF.fill(CYRILLIC, 0x0400, 0x0500);
SCRIPT_OF.fill(ARABIC, 0x0600, 0x0700);
SCRIPT_OF.fill(HAN, 0x4e00, 0xa000);
for (const [first, last, language] of SCRIPT_LANGUAGE)
  SCRIPT_OF.fill(OTHER_SCRIPTS + SCRIPT_LANGUAGES.indexOf(language), first, last + 1);

export function detectLanguage(text: string): string | null {
  const sample = text.length > SAMPLE_CHARS ? text.slice(0, SAMPLE_CHARS) : text;
  const byScript = scriptLanguage(sample);
  return byScript === 'latin' ? functionWordLanguage(sample.toLowerCase()) : byScript;
}

/** The Latin-script language whose function words the text uses most, or null when unsure. */
function functionWordLanguage(lower: string): string | null {
  const hits = new Int32Array(LANGUAGES.length);
  // Words are maximal runs of letters (\p{L}), read with one scan over char codes.
  let wordStart = -1;
  for (let i = 0; i <= lower.length; i++) {
    const code = i < lower.length ? lower.charCodeAt(i) : 0x20;
    const width = code < 0x80 ? (code >= 0x61 && code <= 0x7a ? 1 : 0) : letterWidth(lower, i);
    if (width > 0) {
      if (wordStart < 0) wordStart = i;
      i += width - 1;
      continue;
    }
    const languages =
      wordStart >= 0 && i - wordStart <= LONGEST_WORD
        ? LANGUAGES_OF_WORD.get(lower.slice(wordStart, i))
        : undefined;
    for (const language of languages ?? []) hits[language] = (hits[language] as number) + 1;
    wordStart = -1;
  }
  let best = -1;
  let bestHits = 0;
  let runnerUpHits = 0;
  for (let language = 0; language < hits.length; language++) {
    const count = hits[language] as number;
    if (count > bestHits) {
      runnerUpHits = bestHits;
      bestHits = count;
      best = language;
    } else if (count > runnerUpHits) runnerUpHits = count;
  }
  if (best < 0 || bestHits < MIN_HITS) return null;
  return bestHits >= MIN_LEAD * runnerUpHits ? (LANGUAGES[best] as string) : null;
}

const LETTER = /^\p{L}$/u;
const UNKNOWN = 2;
/** Per BMP code unit: 1 a letter, 0 not, UNKNOWN not looked at yet (filled on first sight). */
const BMP_LETTER = new Uint8Array(0x10000).fill(UNKNOWN);

/**
 * Code units the non-ASCII letter at `i` takes (1, or 2 for a surrogate pair), 0 when it is no
 * letter.
 */
function letterWidth(text: string, i: number): number {
  const code = text.charCodeAt(i);
  if (code >= 0xd800 && code <= 0xdbff) {
    const codePoint = text.codePointAt(i) as number;
    if (codePoint > 0xffff) return LETTER.test(String.fromCodePoint(codePoint)) ? 2 : 0;
  }
  let letter = BMP_LETTER[code] as number;
  if (letter === UNKNOWN) {
    letter = LETTER.test(String.fromCharCode(code)) ? 1 : 0;
    BMP_LETTER[code] = letter;
  }
  return letter;
}

/** The language a non-Latin writing system settles, 'latin' for Latin text, null when unsure. */
function scriptLanguage(sample: string): string | null {
  const counts = new Int32Array(OTHER_SCRIPTS + SCRIPT_LANGUAGES.length);
  /** Script languages in the order of their first character: the earlier one wins a tie. */
  const seen: number[] = [];
  for (let i = 0; i < sample.length; i++) {
    const script = SCRIPT_OF[sample.charCodeAt(i)] as number;
    if (script >= OTHER_SCRIPTS && counts[script] === 0) seen.push(script);
    counts[script] = (counts[script] as number) + 1;
  }
  const latin = counts[LATIN] as number;
  const han = counts[HAN] as number;
  const cyrillic = counts[CYRILLIC] as number;
  const arabic = counts[ARABIC] as number;
  const other: Array<[string, number]> = seen.map((script) => [
    SCRIPT_LANGUAGES[script - OTHER_SCRIPTS] as string,
    counts[script] as number,
  ]);
  // Japanese mixes kana into Han text; a little kana is enough to tell it from Chinese.
  const kana = counts[KANA] as number;
  if (kana > 0 && kana >= 0.1 * (kana + han)) {
    (other.find(([language]) => language === 'ja') as [string, number])[1] = kana + han;
  } else if (han > 0) other.push(['zh', han]);
  if (cyrillic > 0) other.push([cyrillicLanguage(sample), cyrillic]);
  if (arabic > 0)
    other.push([
      /[\u067e\u0686\u0698\u06af]/.test(sample) ? (/[\u06d2\u0679\u0688]/.test(sample) ? 'ur' : 'fa') : 'ar',
      arabic,
    ]);

  let top: [string, number] | undefined;
  for (const entry of other) if (top === undefined || entry[1] > top[1]) top = entry;
  if (top && top[1] > latin) return top[0];
  return latin >= 20 ? 'latin' : null;
}

/** Letters only some Cyrillic alphabets have. */
function cyrillicLanguage(sample: string): string {
  if (/[\u0456\u0457\u0454\u0491]/.test(sample)) return 'uk';
  if (/[\u0458\u0459\u045a\u045b\u045f]/.test(sample)) return 'sr';
  if (!/[\u044b\u044d]/.test(sample) && /\u044a/.test(sample)) return 'bg';
  return 'ru';
}
