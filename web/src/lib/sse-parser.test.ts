import { describe, expect, it } from 'vitest';
import { createSseParser, type ServerSentEvent } from './sse-parser';

const parse = (chunks: string[]) => {
  const events: ServerSentEvent[] = [];
  const push = createSseParser((e) => events.push(e));
  chunks.forEach(push);
  return events;
};

describe('createSseParser', () => {
  it('reads named events with JSON data, as the seat map stream sends them', () => {
    expect(parse(['event: snapshot\ndata: {"a":1}\n\nevent: seats\ndata: {"changes":[]}\n\n'])).toEqual([
      { event: 'snapshot', data: '{"a":1}' },
      { event: 'seats', data: '{"changes":[]}' },
    ]);
  });

  it('joins events split anywhere across chunks, \\r\\n included', () => {
    expect(parse(['event: posi', 'tion\r', '\ndata: {"position":3}\r\n', '\r\n'])).toEqual([{ event: 'position', data: '{"position":3}' }]);
  });

  it('skips heartbeats and joins multi-line data; unnamed events are "message"', () => {
    expect(parse([': ping\n\n', 'data: one\ndata: two\n\n'])).toEqual([{ event: 'message', data: 'one\ntwo' }]);
  });

  it('sends nothing for an event not yet ended by a blank line', () => {
    expect(parse(['event: seats\ndata: {}\n'])).toEqual([]);
  });
});
