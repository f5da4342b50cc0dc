import { Types, type Connection, type Model } from 'mongoose';
import type { Webhook, WebhookDelivery, WebhookEventType } from '@parley/protocol';
import { initCollections, type IndexPolicy } from '../../infra/mongo';
import { deliveryModel, webhookModel, type DeliveryDoc, type WebhookDoc } from './webhook.model';

/** A webhook as the services see it (secret still sealed). */
export type WebhookRecord = Omit<Webhook, 'createdAt' | 'updatedAt'> & { secretSealed: string; createdAt: Date; updatedAt: Date };

/** Attempts kept per webhook for `GET …/deliveries`. */
export const DELIVERIES_KEPT = 100;

function toRecord(d: WebhookDoc & { _id: Types.ObjectId }): WebhookRecord {
  return {
    id: d._id.toHexString(),
    siteId: d.siteId,
    url: d.url,
    events: d.events,
    active: d.active !== false,
    secretSealed: d.secretSealed,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  };
}

/** Persistence of webhooks and their recent delivery attempts (queries by top-level equality only). */
export class WebhooksRepository {
  private readonly Hook: Model<WebhookDoc>;
  private readonly Delivery: Model<DeliveryDoc>;
  constructor(conn: Connection) {
    this.Hook = webhookModel(conn);
    this.Delivery = deliveryModel(conn);
  }

  /** Creates the collections and indexes. */
  init(policy: IndexPolicy = 'all'): Promise<void> {
    return initCollections([this.Hook, this.Delivery] as Model<unknown>[], policy);
  }

  /** Stores a new webhook. */
  async insert(input: { siteId: string; url: string; events: WebhookEventType[]; secretSealed: string }): Promise<WebhookRecord> {
    const doc = await this.Hook.create({ ...input, active: true });
    return toRecord(doc.toObject() as WebhookDoc & { _id: Types.ObjectId });
  }

  /** The webhooks of a site. */
  async ofSite(siteId: string): Promise<WebhookRecord[]> {
    const docs = await this.Hook.find({ siteId }).sort({ _id: 1 }).lean<(WebhookDoc & { _id: Types.ObjectId })[]>();
    return docs.map(toRecord);
  }

  /** One webhook of a site, or null. */
  async find(siteId: string, id: string): Promise<WebhookRecord | null> {
    if (!Types.ObjectId.isValid(id)) return null;
    const d = await this.Hook.findOne({ _id: new Types.ObjectId(id) }).lean<WebhookDoc & { _id: Types.ObjectId }>();
    return d && d.siteId === siteId ? toRecord(d) : null;
  }

  /** Changes fields of a webhook; null when it is gone. */
  async update(
    siteId: string,
    id: string,
    set: Partial<Pick<WebhookDoc, 'url' | 'events' | 'active'>>,
  ): Promise<WebhookRecord | null> {
    if (!(await this.find(siteId, id))) return null;
    const d = await this.Hook.findOneAndUpdate({ _id: new Types.ObjectId(id) }, { $set: set }, { new: true }).lean<
      WebhookDoc & { _id: Types.ObjectId }
    >();
    return d ? toRecord(d) : null;
  }

  /** Removes a webhook and its attempts; false when there was none. */
  async remove(siteId: string, id: string): Promise<boolean> {
    if (!(await this.find(siteId, id))) return false;
    await this.Hook.deleteOne({ _id: new Types.ObjectId(id) });
    await this.Delivery.deleteMany({ webhookId: id });
    return true;
  }

  /** Records one attempt, dropping the oldest past {@link DELIVERIES_KEPT}. */
  async recordAttempt(a: DeliveryDoc): Promise<void> {
    await this.Delivery.create(a);
    const ids = await this.Delivery.find({ webhookId: a.webhookId }, { _id: 1 })
      .sort({ _id: -1 })
      .skip(DELIVERIES_KEPT)
      .lean<{ _id: Types.ObjectId }[]>();
    for (const { _id } of ids) await this.Delivery.deleteOne({ _id });
  }

  /** Recent attempts, newest first. */
  async deliveries(webhookId: string, limit: number): Promise<WebhookDelivery[]> {
    const docs = await this.Delivery.find({ webhookId }).sort({ _id: -1 }).limit(limit).lean<DeliveryDoc[]>();
    return docs.map((d) => ({
      deliveryId: d.deliveryId,
      eventId: d.eventId,
      type: d.type,
      attempt: d.attempt,
      at: d.at.toISOString(),
      status: d.status,
      ok: d.ok,
      durationMs: d.durationMs,
      excerpt: d.excerpt,
    }));
  }

  /** Removes everything of a deleted site. */
  async purgeSite(siteId: string): Promise<void> {
    await Promise.all([this.Hook.deleteMany({ siteId }), this.Delivery.deleteMany({ siteId })]);
  }
}
