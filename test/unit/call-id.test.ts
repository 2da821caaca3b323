import { deriveCallId, newId, sha256Hex } from '../../functions/core/call-id';

describe('deriveCallId', () => {
  it('is call_ + 26 lowercase hex characters', () => {
    expect(deriveCallId('agt_1', '62515', '123')).toMatch(/^call_[0-9a-f]{26}$/);
  });

  it('is the same for the same (agent, portal, contact): a redelivery maps onto the stored call', () => {
    expect(deriveCallId('agt_1', '62515', '123')).toBe(deriveCallId('agt_1', '62515', '123'));
  });

  it('differs when any part differs', () => {
    const base = deriveCallId('agt_1', '62515', '123');
    expect(deriveCallId('agt_2', '62515', '123')).not.toBe(base);
    expect(deriveCallId('agt_1', '62516', '123')).not.toBe(base);
    expect(deriveCallId('agt_1', '62515', '124')).not.toBe(base);
  });

  it('cannot be forged by moving characters between parts', () => {
    expect(deriveCallId('a', 'bc', 'd')).not.toBe(deriveCallId('ab', 'c', 'd'));
    expect(deriveCallId('a', 'b', 'cd')).not.toBe(deriveCallId('a', 'bc', 'd'));
    expect(deriveCallId('a|b', 'c', 'd')).not.toBe(deriveCallId('a', 'b|c', 'd'));
    expect(deriveCallId('a","b', 'c', 'd')).not.toBe(deriveCallId('a', 'b","c', 'd'));
  });
});

describe('newId', () => {
  it('is the prefix + 20 url-safe characters, different every time', () => {
    const ids = new Set(Array.from({ length: 200 }, () => newId('agt_')));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^agt_[A-Za-z0-9_-]{20}$/);
  });
});

describe('sha256Hex', () => {
  it('matches the known SHA-256 of "abc"', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
