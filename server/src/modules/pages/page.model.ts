import { Schema, type Connection, type Model } from 'mongoose';

/** One discussion, keyed by (siteId, pageId); created on first use. */
export interface PageDoc {
  siteId: string;
  pageId: string;
  locked: boolean;
  visibleCount: number;
  title: string | null;
  url: string | null;
  createdAt: Date;
}

const pageSchema = new Schema<PageDoc>(
  {
    siteId: { type: String, required: true },
    pageId: { type: String, required: true },
    locked: { type: Boolean, default: false },
    visibleCount: { type: Number, default: 0 },
    title: { type: String, default: null },
    url: { type: String, default: null },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
pageSchema.index({ siteId: 1, pageId: 1 }, { unique: true, name: 'site_page' });

/** Registers the Page model on a connection. */
export function pageModel(conn: Connection): Model<PageDoc> {
  return (conn.models.Page as Model<PageDoc>) ?? conn.model<PageDoc>('Page', pageSchema, 'pages');
}
