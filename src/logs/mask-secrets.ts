/**
 * Secret masking for one output stream: every occurrence of a secret, of a line of a multi-line
 * secret, and of the secret's base64 and URL-encoded spellings becomes `***`.
 *
 * Matching is Aho-Corasick over UTF-16 code units: one pass over the text whatever the number of
 * secrets, with an automaton built once per masker. Masking is defined per character: a character is
 * masked when any occurrence of any form covers it, and each maximal run of masked characters becomes
 * one `***`. That definition does not depend on where the text was cut into chunks, so streaming output
 * equals one-shot output, and a form without `*` can never appear in the output.
 */

/** What replaces each run of masked text. */
export const secretMask = '***';

/**
 * Secrets, and lines of multi-line secrets, shorter than this (in code points) are not masked: every
 * occurrence of `a` or `42` in a log would vanish, making logs unreadable while hiding nothing that
 * guessing would not reveal. A line of a multi-line secret follows the same rule: it is printed alone
 * whenever a tool prefixes or rewraps output, so a short line such as the password of `user\npass`
 * needs the same protection as a short secret, while the structural lines of PEM and JSON files
 * (`{`, `}`, `},`) stay under it.
 */
export const minSecretLength = 3;

/**
 * A base64 form of a secret that sat at an offset (mod 3) inside a longer encoded value, as in
 * `Authorization: Basic base64(user:password)`, is matched without its partial first and last
 * characters. Below 6 characters such a fragment would hit unrelated base64 text (hashes, ids) too
 * often: 64^-6 per position is negligible, 64^-3 is several hits per megabyte.
 */
const minEmbeddedBase64Length = 6;

export interface SecretMasker {
  /** Returns the text that is safe to emit now; holds back only a tail that may still begin a secret. */
  write(chunk: string): string;
  /** Ends the stream: returns the held-back tail, masked. The masker then starts a new stream. */
  flush(): string;
  /** The given secrets too short to be masked (minSecretLength), for a warning. */
  readonly skipped: readonly string[];
}

export function createSecretMasker(secrets: readonly string[]): SecretMasker {
  const skipped = new Set<string>();
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (codePointLength(secret) < minSecretLength) skipped.add(secret);
    else for (const form of listSecretForms(secret)) forms.add(form);
  }
  const automaton = buildAutomaton([...forms]);

  let state = 0;
  /** Characters written since the stream began. */
  let position = 0;
  /** Written but not yet emitted: the text from `emitted` to `position`. */
  let pending = '';
  let emitted = 0;
  /** Disjoint, non-adjacent, sorted [start, end) ranges of masked characters not yet emitted. */
  let masked: Array<[number, number]> = [];
  /** The last emitted character was masked, so a masked run continuing from it adds no second mask. */
  let inMaskedRun = false;

  const addMasked = (start: number, end: number): void => {
    let last = masked[masked.length - 1];
    while (last && last[1] >= start) {
      start = Math.min(start, last[0]);
      masked.pop();
      last = masked[masked.length - 1];
    }
    masked.push([start, end]);
  };

  /** Emits every character before `final` (whose masking can no longer change), and masked runs after it. */
  const emit = (final: number): string => {
    let out = '';
    for (;;) {
      const run = masked[0];
      // A masked character stays masked whatever follows, so a masked run is emitted even past `final`.
      if (run && run[0] <= emitted) {
        if (!inMaskedRun) out += secretMask;
        inMaskedRun = true;
        emitted = run[1];
        masked.shift();
        continue;
      }
      const stop = Math.min(final, run ? run[0] : final);
      if (stop <= emitted) break;
      out += pending.slice(emitted - (position - pending.length), stop - (position - pending.length));
      inMaskedRun = false;
      emitted = stop;
    }
    pending = pending.slice(pending.length - (position - emitted));
    return out;
  };

  return {
    skipped: [...skipped],
    write(chunk) {
      if (automaton.empty) return chunk;
      for (let i = 0; i < chunk.length; i++) {
        state = automaton.step(state, chunk.charCodeAt(i));
        const length = automaton.matchLength[state]!;
        if (length > 0) addMasked(position + i + 1 - length, position + i + 1);
      }
      position += chunk.length;
      pending += chunk;
      // The last depth characters spell the start of some form: any match still to come begins there.
      return emit(position - automaton.depth[state]!);
    },
    flush() {
      const out = emit(position);
      state = 0;
      position = 0;
      pending = '';
      emitted = 0;
      masked = [];
      inMaskedRun = false;
      return out;
    },
  };
}

/** The strings masked for one secret (of at least minSecretLength code points). */
export function listSecretForms(secret: string): string[] {
  const forms = new Set<string>([secret]);
  for (const line of secret.split(/\r\n|\r|\n/)) forms.add(line.trim());
  for (const value of new Set([secret, secret.trim()])) {
    for (const form of listBase64Forms(Buffer.from(value, 'utf8'))) forms.add(form);
    try {
      forms.add(encodeURIComponent(value));
    } catch {
      // A lone surrogate has no URL encoding, so it cannot be printed URL-encoded either.
    }
  }
  return [...forms].filter((form) => codePointLength(form) >= minSecretLength);
}

/** Standard and url-safe alphabets; the whole value padded and unpadded, and embedded at each offset. */
function listBase64Forms(bytes: Buffer): string[] {
  const forms: string[] = [];
  const whole = bytes.toString('base64');
  forms.push(whole, whole.replace(/=+$/, ''));
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
    // Only characters whose 6 bits all come from the secret: the rest depend on its neighbours.
    const fragment = encoded.slice(Math.ceil((8 * shift) / 6), Math.floor((8 * (shift + bytes.length)) / 6));
    if (fragment.length >= minEmbeddedBase64Length) forms.push(fragment);
  }
  return forms.flatMap((form) => [form, form.replace(/\+/g, '-').replace(/\//g, '_')]);
}

function codePointLength(text: string): number {
  let length = 0;
  for (const _ of text) length++;
  return length;
}

interface Automaton {
  empty: boolean;
  /** The state after reading `code` in `state`. */
  step(state: number, code: number): number;
  /** Per state: the length of the longest form ending here, 0 for none. */
  matchLength: number[];
  /** Per state: the length of the text it stands for, the longest suffix read that begins some form. */
  depth: number[];
}

function buildAutomaton(patterns: string[]): Automaton {
  const next: Array<Map<number, number>> = [new Map()];
  const depth = [0];
  const matchLength = [0];
  const fail = [0];
  for (const pattern of patterns) {
    let state = 0;
    for (let i = 0; i < pattern.length; i++) {
      const code = pattern.charCodeAt(i);
      let child = next[state]!.get(code);
      if (child === undefined) {
        child = next.length;
        next.push(new Map());
        depth.push(i + 1);
        matchLength.push(0);
        fail.push(0);
        next[state]!.set(code, child);
      }
      state = child;
    }
    matchLength[state] = pattern.length;
  }
  // Breadth-first, so a state's fallback (a shorter suffix) is complete before the state itself.
  const queue = [...next[0]!.values()];
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head]!;
    for (const [code, child] of next[state]!) {
      let fallback = fail[state]!;
      while (fallback !== 0 && !next[fallback]!.has(code)) fallback = fail[fallback]!;
      const target = next[fallback]!.get(code);
      fail[child] = target !== undefined && target !== child ? target : 0;
      // A form ending at the fallback also ends here, but is never longer than this state's own.
      if (matchLength[child] === 0) matchLength[child] = matchLength[fail[child]!]!;
      queue.push(child);
    }
  }
  // Most characters of a log are read at, or fall back to, the root: an array index there beats a Map
  // (8 MB of build output, 200 secrets: about 20 MB/s instead of 13 on a busy 2-core machine).
  // Latin-1 only, so a masker stays small: there is one per output stream.
  const root = next[0]!;
  const fromRoot = new Int32Array(0x100);
  for (const [code, child] of root) if (code < 0x100) fromRoot[code] = child;
  return {
    empty: patterns.length === 0,
    step(state, code) {
      let current = state;
      while (current !== 0) {
        const target = next[current]!.get(code);
        if (target !== undefined) return target;
        current = fail[current]!;
      }
      return code < 0x100 ? fromRoot[code]! : (root.get(code) ?? 0);
    },
    matchLength,
    depth,
  };
}
