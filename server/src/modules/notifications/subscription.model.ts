import { Schema, type Connection, type Model } from 'mongoose';

/** A reader's wish to hear about replies to one of their comments. */
export interface SubscriptionDoc {
  siteId: string;
  pageId: string;
  /** The comment whose replies are mailed (one subscription per comment: its author's). */
  commentId: string;
  userId: string;
  email: string;
  /** Keyed hash of (site, address): gathers mails per reader without putting the address in Redis. */
  reader: string;
  createdAt: Date;
}

/** A standing "no more mail" from one address: a thread (`scope` = pageId), the whole site (`*`) or moderator alerts (`mod`). */
export interface OptOutDoc {
  /** `<reader>|<scope>`: one top-level equality finds it. */
  key: string;
  siteId: string;
  reader: string;
  scope: string;
  createdAt: Date;
}

const subscriptionSchema = new Schema<SubscriptionDoc>(
  {
    siteId: { type: String, required: true },
    pageId: { type: String, required: true },
    commentId: { type: String, required: true },
    userId: { type: String, required: true },
    email: { type: String, required: true },
    reader: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
subscriptionSchema.index({ commentId: 1 }, { unique: true, name: 'sub_comment' });
subscriptionSchema.index({ siteId: 1, reader: 1 }, { name: 'sub_reader' });
subscriptionSchema.index({ siteId: 1, userId: 1 }, { name: 'sub_user' });

const optOutSchema = new Schema<OptOutDoc>(
  {
    key: { type: String, required: true },
    siteId: { type: String, required: true },
    reader: { type: String, required: true },
    scope: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
optOutSchema.index({ key: 1 }, { unique: true, name: 'optout_key' });

/** Registers the subscription model on a connection. */
export function subscriptionModel(conn: Connection): Model<SubscriptionDoc> {
  return (
    (conn.models.NotifySubscription as Model<SubscriptionDoc>) ??
    conn.model<SubscriptionDoc>('NotifySubscription', subscriptionSchema, 'notify_subscriptions')
  );
}

/** Registers the opt-out model on a connection. */
export function optOutModel(conn: Connection): Model<OptOutDoc> {
  return (conn.models.NotifyOptOut as Model<OptOutDoc>) ?? conn.model<OptOutDoc>('NotifyOptOut', optOutSchema, 'notify_optouts');
}
