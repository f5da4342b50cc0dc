import { progressPrinter } from '../../server/src/cli/progress';
import type { ImportProgress } from '../../server/src/modules/imports/import.service';

function fakeStream(isTTY: boolean): { out: NodeJS.WriteStream; written: string[] } {
  const written: string[] = [];
  const out = { isTTY, write: (s: string) => written.push(s) > 0 } as unknown as NodeJS.WriteStream;
  return { out, written };
}

const at = (percent: number, phase: ImportProgress['phase'] = 'write'): ImportProgress => ({
  phase,
  percent,
  threads: 3,
  comments: percent * 10,
  imported: percent * 5,
  bytes: percent,
  totalBytes: 100,
});

describe('import progress', () => {
  test('when stderr is not a terminal, then one line is printed per 10 %', () => {
    const { out, written } = fakeStream(false);
    let now = 0;
    const show = progressPrinter(out, () => now);
    for (let p = 0; p <= 100; p++) {
      now += 100;
      show(at(p, p === 100 ? 'done' : 'write'));
    }
    expect(written).toHaveLength(11);
    expect(written[5]).toMatch(/^import 50%: write \| threads 3 \| comments 500 \(250 written\) \| \d+\/s \| ETA \d+:\d\d\n$/);
  });

  test('when stderr is a terminal, then a bar is redrawn in place and ends with a newline', () => {
    const { out, written } = fakeStream(true);
    let now = 0;
    const show = progressPrinter(out, () => now);
    now = 1000;
    show(at(50));
    now = 1050;
    show(at(51));
    now = 2000;
    show(at(100, 'done'));
    expect(written[0]).toMatch(/^\r\[#{12}\.{12}\] {2}50% write/);
    expect(written.filter((w) => w.startsWith('\r'))).toHaveLength(2);
    expect(written.at(-1)).toBe('\n');
  });
});
