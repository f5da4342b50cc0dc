import { Schema, type Connection, type Model } from 'mongoose';
import type { WebhookEventType } from '@parley/protocol';

/** A registered webhook endpoint (its signing secret sealed with SecretBox). */
export interface WebhookDoc {
  siteId: string;
  url: string;
  events: WebhookEventType[];
  secretSealed: string;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** One delivery attempt (kept short: a response excerpt, never the whole body). */
export interface DeliveryDoc {
  webhookId: string;
  siteId: string;
  deliveryId: string;
  eventId: string;
  type: WebhookEventType;
  attempt: number;
  at: Date;
  status: number | null;
  ok: boolean;
  durationMs: number;
  excerpt: string;
}

const webhookSchema = new Schema<WebhookDoc>(
  {
    siteId: { type: String, required: true },
    url: { type: String, required: true },
    events: { type: [String], required: true },
    secretSealed: { type: String, required: true },
    active: { type: Boolean, default: true },
  },
  { timestamps: true, versionKey: false },
);
webhookSchema.index({ siteId: 1 }, { name: 'webhook_site' });

const deliverySchema = new Schema<DeliveryDoc>(
  {
    webhookId: { type: String, required: true },
    siteId: { type: String, required: true },
    deliveryId: { type: String, required: true },
    eventId: { type: String, required: true },
    type: { type: String, required: true },
    attempt: { type: Number, required: true },
    at: { type: Date, required: true },
    status: { type: Number, default: null },
    ok: { type: Boolean, required: true },
    durationMs: { type: Number, required: true },
    excerpt: { type: String, default: '' },
  },
  { versionKey: false },
);
deliverySchema.index({ webhookId: 1 }, { name: 'delivery_webhook' });

/** Registers the webhook model on a connection. */
export function webhookModel(conn: Connection): Model<WebhookDoc> {
  return (conn.models.Webhook as Model<WebhookDoc>) ?? conn.model<WebhookDoc>('Webhook', webhookSchema, 'webhooks');
}

/** Registers the delivery-attempt model on a connection. */
export function deliveryModel(conn: Connection): Model<DeliveryDoc> {
  return (
    (conn.models.WebhookDelivery as Model<DeliveryDoc>) ??
    conn.model<DeliveryDoc>('WebhookDelivery', deliverySchema, 'webhook_deliveries')
  );
}
