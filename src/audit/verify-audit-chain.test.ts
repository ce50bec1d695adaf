import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AuditEntry, genesisHash } from './audit-entry.js';
import { hashAuditEntry } from './hash-audit-entry.js';
import { redact } from './redact.js';
import { createAuditChainVerifier, verifyAuditChain } from './verify-audit-chain.js';

interface Fields {
  actor: string;
  action: string;
  after: unknown;
}

/** A valid chain of entries 1..n, built as appendAuditEntry builds them. */
function buildChain(fields: readonly Fields[]): AuditEntry[] {
  const chain: AuditEntry[] = [];
  for (const [i, f] of fields.entries()) {
    const unhashed = {
      seq: i + 1,
      at: new Date(1_700_000_000_000 + i * 1000),
      actor: f.actor,
      role: 'maintainer',
      action: f.action,
      subject: { type: 'run', id: String(i) },
      project: 'acme/web',
      before: null,
      after: redact(f.after),
      prevHash: chain.at(-1)?.hash ?? genesisHash,
    };
    chain.push({ ...unhashed, hash: hashAuditEntry(unhashed) });
  }
  return chain;
}

const headOf = (chain: readonly AuditEntry[]) => ({ seq: chain.at(-1)?.seq ?? 0, hash: chain.at(-1)?.hash ?? genesisHash });
const simple = (n: number) => buildChain(Array.from({ length: n }, (_, i) => ({ actor: `a${i}`, action: 'run.trigger', after: { i } })));
const bySeq = (chain: AuditEntry[]) => [...chain].sort((a, b) => a.seq - b.seq);

describe('verifyAuditChain', () => {
  it('accepts an intact chain, an empty one, and one fed a page at a time', () => {
    const chain = simple(7);
    expect(verifyAuditChain(chain, headOf(chain))).toEqual({ ok: true, entries: 7 });
    expect(verifyAuditChain([], { seq: 0, hash: genesisHash })).toEqual({ ok: true, entries: 0 });
    const verifier = createAuditChainVerifier();
    for (let i = 0; i < chain.length; i += 3) expect(verifier.feed(chain.slice(i, i + 3))).toBeUndefined();
    expect(verifier.finish(headOf(chain))).toEqual({ ok: true, entries: 7 });
  });

  it('names an edited entry', () => {
    const chain = simple(5);
    chain[2] = { ...chain[2]!, after: { i: 99 } };
    expect(verifyAuditChain(chain).firstBad).toMatchObject({ seq: 3, reason: 'edited', message: expect.stringMatching(/entry 3 \(run.trigger by a2\) does not match its hash/) });
  });

  it('names the first missing seq of a deletion, in the middle or at the end', () => {
    const chain = simple(5);
    expect(verifyAuditChain([...chain.slice(0, 2), ...chain.slice(3)]).firstBad).toMatchObject({ seq: 3, reason: 'deleted', message: 'entry 3 is missing: the log goes from 2 to 4' });
    expect(verifyAuditChain(chain.slice(0, 3), headOf(chain)).firstBad).toMatchObject({ seq: 4, reason: 'deleted', message: expect.stringMatching(/entries 4–5 are missing from the end/) });
  });

  it('names a swapped pair by the lower seq as reordered, and a renumbering after a deletion too', () => {
    const chain = simple(6);
    const swapped = bySeq(chain.map((e) => (e.seq === 2 ? { ...e, seq: 5 } : e.seq === 5 ? { ...e, seq: 2 } : e)));
    expect(verifyAuditChain(swapped).firstBad).toMatchObject({ seq: 2, reason: 'reordered', message: 'entry 2 was written as entry 5: rows were renumbered or swapped' });
    const renumbered = [...chain.slice(0, 3), ...chain.slice(4).map((e) => ({ ...e, seq: e.seq - 1 }))];
    expect(verifyAuditChain(renumbered).firstBad).toMatchObject({ seq: 4, reason: 'reordered' });
  });

  it('finds a rewrite that was re-hashed by the broken link, and rows written around the head', () => {
    const chain = simple(4);
    const rewritten = { ...chain[1]!, actor: 'mallory' };
    chain[1] = { ...rewritten, hash: hashAuditEntry(rewritten) };
    expect(verifyAuditChain(chain).firstBad).toMatchObject({ seq: 2, reason: 'edited', message: expect.stringMatching(/entry 3 does not link to the hash of entry 2/) });
    const intact = simple(4);
    expect(verifyAuditChain(intact, { seq: 3, hash: intact[2]!.hash }).firstBad).toMatchObject({ seq: 4, reason: 'inserted' });
    const rehashedTail = { ...intact[3]!, actor: 'mallory' };
    const tampered = [...intact.slice(0, 3), { ...rehashedTail, hash: hashAuditEntry(rehashedTail) }];
    expect(verifyAuditChain(tampered, headOf(intact)).firstBad).toMatchObject({ seq: 4, reason: 'edited' });
  });

  it('detects any single edit, delete or swap in a random chain and names the first bad entry', () => {
    const fields = fc.record({
      actor: fc.string({ minLength: 1, maxLength: 8 }),
      action: fc.constantFrom('run.trigger', 'secret.set', 'environment.put'),
      after: fc.jsonValue({ maxDepth: 2 }),
    });
    const tamper = fc.oneof(
      fc.record({ kind: fc.constant('edit' as const), field: fc.constantFrom('actor', 'role', 'action', 'at', 'after', 'project', 'subject') }),
      fc.record({ kind: fc.constant('delete' as const) }),
      fc.record({ kind: fc.constant('swap' as const) }),
    );
    fc.assert(
      fc.property(fc.array(fields, { minLength: 2, maxLength: 20 }), fc.nat(), fc.nat(), tamper, (rows, i, j, change) => {
        const chain = buildChain(rows);
        const head = headOf(chain);
        const a = i % chain.length;
        let tampered: AuditEntry[];
        let expected: { seq: number; reason: string };
        if (change.kind === 'edit') {
          const entry = chain[a]!;
          const edited: AuditEntry =
            change.field === 'at' ? { ...entry, at: new Date(entry.at.getTime() + 1) }
            : change.field === 'after' ? { ...entry, after: { was: entry.after } }
            : change.field === 'subject' ? { ...entry, subject: { ...entry.subject, id: `${entry.subject.id}x` } }
            : { ...entry, [change.field]: `${String(entry[change.field])}x` };
          tampered = chain.map((e, k) => (k === a ? edited : e));
          expected = { seq: a + 1, reason: 'edited' };
        } else if (change.kind === 'delete') {
          tampered = chain.filter((_, k) => k !== a);
          expected = { seq: a + 1, reason: 'deleted' };
        } else {
          const b = (a + 1 + (j % (chain.length - 1))) % chain.length;
          const [lo, hi] = [Math.min(a, b) + 1, Math.max(a, b) + 1];
          tampered = bySeq(chain.map((e) => (e.seq === lo ? { ...e, seq: hi } : e.seq === hi ? { ...e, seq: lo } : e)));
          expected = { seq: lo, reason: 'reordered' };
        }
        const report = verifyAuditChain(tampered, head);
        expect(report.ok).toBe(false);
        expect(report.firstBad).toMatchObject(expected);
      }),
      { numRuns: 300 },
    );
  });
});
