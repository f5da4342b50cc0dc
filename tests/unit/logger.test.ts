import { chooseLogFormat } from '../../server/src/logger';

describe('log format', () => {
  test.each([
    { dev: true, tty: true, format: 'pretty' },
    { dev: true, tty: false, format: 'json' },
    { dev: true, tty: undefined, format: 'json' },
    { dev: false, tty: true, format: 'json' },
    { dev: false, tty: false, format: 'json' },
  ])('when dev is $dev and stdout is a TTY: $tty, then lines are $format', ({ dev, tty, format }) => {
    expect(chooseLogFormat(dev, tty)).toBe(format);
  });
});
