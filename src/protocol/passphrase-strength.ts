/**
 * How guessable a passphrase is, by zxcvbn-ts with its common dictionaries (passwords, names,
 * diceware words, keyboard layouts). The server always holds the key document, so a passphrase
 * only has to survive offline guessing; a character count passes "aaaaaaaaaaaa".
 *
 * The dictionaries are built into the estimator on first use, not at load, so a worker that never
 * sets a passphrase pays only the parse.
 */
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';

/**
 * zxcvbn's score 3, "safely unguessable": at least 10^8 guesses. With Argon2id in front that is
 * years of a GPU's time per account; below it a common word with digits falls in hours.
 */
export const MIN_PASSPHRASE_SCORE = 3;

export interface PassphraseEstimate {
  /** 0 (guessed at once) to 4 (very hard), zxcvbn's scale. */
  score: 0 | 1 | 2 | 3 | 4;
  /** log10 of the guesses zxcvbn expects an attacker to need. */
  guessesLog10: number;
  /** Why it is weak, as a sentence; null when nothing stands out. */
  why: string | null;
}

/** zxcvbn's warning keys (it ships no English text without a language package) as sentences. */
const WHY: Record<string, string> = {
  straightRow: 'Straight rows of keys on the keyboard are easy to guess.',
  keyPattern: 'Short keyboard patterns are easy to guess.',
  simpleRepeat: 'Repeated characters like "aaa" are easy to guess.',
  extendedRepeat: 'Repeated patterns like "abcabcabc" are easy to guess.',
  sequences: 'Common sequences like "abc" or "1234" are easy to guess.',
  recentYears: 'Recent years are easy to guess.',
  dates: 'Dates are easy to guess.',
  topTen: 'This is one of the most used passwords.',
  topHundred: 'This is a very often used password.',
  common: 'This is a commonly used password.',
  similarToCommon: 'This is too close to a commonly used password.',
  wordByItself: 'A single word is easy to guess.',
  namesByThemselves: 'Names and surnames alone are easy to guess.',
  commonNames: 'Common names and surnames are easy to guess.',
  userInputs: 'It should not contain personal or page-related data.',
  pwned: 'This password appeared in a data breach.',
};
const TOO_FEW_GUESSES = 'It is too predictable: add a few more unrelated words.';

let factory: ZxcvbnFactory | undefined;

export function estimatePassphrase(passphrase: string): PassphraseEstimate {
  factory ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });
  // zxcvbn's matchers are quadratic in the length; the first 100 characters decide enough.
  const result = factory.check(passphrase.normalize('NFC').slice(0, 100));
  const warning = result.feedback.warning;
  const why = warning ? (WHY[warning] ?? TOO_FEW_GUESSES) : null;
  return {
    score: result.score,
    guessesLog10: result.guessesLog10,
    why: result.score < MIN_PASSPHRASE_SCORE ? (why ?? TOO_FEW_GUESSES) : why,
  };
}
