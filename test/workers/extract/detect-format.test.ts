import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../../workers/extract/detect-format.ts';

describe('detectFormat', () => {
  it.each([
    ['<!DOCTYPE html><html><body><p>Hi</p></body></html>', 'page.txt', 'html'],
    ['  <html lang="en"><head></head></html>', 'noext', 'html'],
    ['<div><p>One</p><p>Two</p><a href="#">x</a><span>y</span><br></div>', 'clip.txt', 'html'],
    ['Plain words, no markup.', 'page.html', 'html'],
    ['{"title": "A", "body": "B"}', 'page.txt', 'json'],
    ['[{"title": "A", "body": "B"}]', 'noext', 'json'],
    ['{"title": "A", "body": "B"}\n{"title": "C", "body": "D"}\n', 'dump', 'jsonl'],
    ['{"broken": ', 'records.json', 'json'],
    ['{"broken": ', 'records.jsonl', 'jsonl'],
    ['[Skip to content] Menu\nA story starts here.', 'page.txt', 'text'],
    ['An article that mentions the <p> tag once.', 'page.txt', 'text'],
  ])('reads %j named %s as %s', (text, fileName, format) => {
    expect(detectFormat(text, fileName)).toBe(format);
  });
});
