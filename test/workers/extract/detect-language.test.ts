import { describe, expect, it } from 'vitest';
import { detectLanguage } from '../../../workers/extract/detect-language.ts';

describe('detectLanguage', () => {
  it.each([
    [
      'en',
      'The council said on Tuesday that the bridge would be closed for repairs until the end of the year, and that buses will run instead.',
    ],
    [
      'de',
      'Der Stadtrat hat am Dienstag beschlossen, dass die Brücke bis zum Ende des Jahres gesperrt wird und dass Busse auf der Strecke fahren.',
    ],
    [
      'fr',
      'Le conseil municipal a annoncé mardi que le pont sera fermé pour des travaux jusqu’à la fin de l’année et que des bus le remplaceront.',
    ],
    [
      'es',
      'El ayuntamiento anunció el martes que el puente estará cerrado por obras hasta el final del año y que los autobuses lo sustituirán.',
    ],
    [
      'pt',
      'A câmara anunciou na terça-feira que a ponte vai ficar fechada para obras até ao fim do ano e que os autocarros vão fazer o percurso.',
    ],
    [
      'id',
      'Pemerintah kota mengatakan pada hari Selasa bahwa jembatan itu akan ditutup untuk perbaikan sampai akhir tahun dan bus akan digunakan.',
    ],
    [
      'ru',
      'Городской совет во вторник сообщил, что мост будет закрыт на ремонт до конца года, а вместо него будут ходить автобусы.',
    ],
    ['ko', '시의회는 화요일에 다리가 연말까지 보수 공사로 폐쇄되며 대신 버스가 운행될 것이라고 밝혔다.'],
    ['ja', '市議会は火曜日、橋が年末まで修理のため閉鎖され、代わりにバスが運行されると発表した。'],
    ['zh', '市议会周二表示，这座桥将因维修关闭到年底，期间将由公交车代替。'],
    [
      'el',
      'Το δημοτικό συμβούλιο ανακοίνωσε την Τρίτη ότι η γέφυρα θα είναι κλειστή για επισκευές μέχρι το τέλος του έτους.',
    ],
    [
      'ar',
      'أعلن مجلس المدينة يوم الثلاثاء أن الجسر سيغلق للإصلاحات حتى نهاية العام وأن الحافلات ستعمل بدلا منه.',
    ],
  ])('detects %s', (language, text) => {
    expect(detectLanguage(text)).toBe(language);
  });

  it('returns null when the text is too short or has no words to go by', () => {
    expect(detectLanguage('Hello')).toBeNull();
    expect(detectLanguage('12 345 — 67:89')).toBeNull();
    expect(detectLanguage('')).toBeNull();
  });

  it('counts only whole words: a function word inside a longer run of letters is no hit', () => {
    const english = 'The mayor said that the plan was ready and that it would start in the spring.';
    expect(detectLanguage(english)).toBe('en');
    expect(detectLanguage(english.replace(/ /g, 'x'))).toBeNull();
    // Letters outside the BMP and accented letters belong to the word they touch.
    expect(detectLanguage(english.replace(/\b(the|that|and|was|it)\b/gi, '$1\u{1d400}'))).toBeNull();
    expect(detectLanguage(english.replace(/\b(the|that|and|was|it)\b/gi, '$1é'))).toBeNull();
  });

  it('reads only the start of a long text', () => {
    const german = 'Der Rat sagte, dass die Brücke bis zum Ende des Jahres gesperrt wird und nicht früher. ';
    const english =
      'The council said that the bridge will be closed until the end of the year and not before. ';
    expect(detectLanguage(german.repeat(12) + english.repeat(40))).toBe('de');
  });

  it('lets a little kana make Han text Japanese and a Latin majority win over a few other letters', () => {
    expect(detectLanguage('東京都は火曜日、新しい橋を開通した。')).toBe('ja');
    expect(detectLanguage('東京都火曜日新橋開通')).toBe('zh');
    expect(
      detectLanguage(
        'The festival in 서울 drew crowds, and the organisers said that it was the largest yet.',
      ),
    ).toBe('en');
  });
});
