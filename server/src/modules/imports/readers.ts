import { readCommento } from './formats/commento';
import { readDisqus } from './formats/disqus';
import { readParley } from './formats/parley';
import { readRemark42 } from './formats/remark42';
import { readWordpress } from './formats/wordpress';
import type { ImportFormat, SourceReader } from './source';

/** The reader of each import format. */
export const READERS: Record<ImportFormat, SourceReader> = {
  disqus: readDisqus,
  wordpress: readWordpress,
  commento: readCommento,
  remark42: readRemark42,
  parley: readParley,
};
