import { randomInt } from 'node:crypto';

const adjectives = [
  'brave',
  'calm',
  'eager',
  'fond',
  'gentle',
  'happy',
  'keen',
  'lucid',
  'merry',
  'nimble',
  'proud',
  'quiet',
  'swift',
  'tidy',
  'vivid',
  'witty',
];
const nouns = [
  'badger',
  'crane',
  'dingo',
  'egret',
  'finch',
  'gecko',
  'heron',
  'ibis',
  'koala',
  'lynx',
  'marten',
  'newt',
  'otter',
  'puffin',
  'quail',
  'wren',
];

/** A readable default name, `adjective_animal_NNNN`, as Docker gives one. */
export function generateContainerName(): string {
  const pick = (words: string[]) => words[randomInt(words.length)];
  return `${pick(adjectives)}_${pick(nouns)}_${randomInt(10000).toString().padStart(4, '0')}`;
}
