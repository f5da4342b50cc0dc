/**
 * The socket lifecycle both clients share: one socket at a time (replaced
 * when the auth changes), idempotent `connect()`, waiters that settle on the
 * next connect or refusal even if the socket was replaced meanwhile, and a
 * single stream of connection-state changes.
 */
import type { Socket } from 'socket.io-client';
import { UnavailableError, type ParleyError } from './errors';
import type { AckData, AckEventName, EventPayload, HandshakeAuth } from './protocol';
import { call, connectErrorToParley, openSocket, type NamespaceSocket, type Transport } from './socket';

/** Where the connection stands. */
export type ConnectionState = 'connected' | 'disconnected' | 'reconnecting';

/** Payload of the `connection` event: the new state and, when connected, whether the session was recovered. */
export interface ConnectionChange {
  state: ConnectionState;
  /** True when Socket.IO restored the previous session, so no event was missed. */
  recovered: boolean;
}

/** What a {@link Connection} needs from its client; `S` is the namespace's server→client map. */
export interface ConnectionDeps<S extends object> {
  url: string;
  auth: () => HandshakeAuth;
  transports: Transport[];
  timeoutMs: number;
  /** Server events to forward, attached to every socket the connection opens. */
  handlers: Partial<S>;
  onState: (change: ConnectionChange) => void;
}

interface Waiter {
  resolve: () => void;
  reject: (err: ParleyError) => void;
}

/** One client's socket, its lifecycle and its state events, typed by the namespace's maps (`S` server→client, `C` client→server). */
export class Connection<S extends object, C extends object> {
  private socket: NamespaceSocket<S, C> | null = null;
  private detach: (() => void) | null = null;
  private readonly waiters = new Set<Waiter>();
  /** Whether the application asked to be connected (set by `connect`, cleared by `close`). */
  private wanted = false;
  constructor(private readonly deps: ConnectionDeps<S>) {}

  /** Current state of the connection. */
  get state(): ConnectionState {
    if (this.socket?.connected) return 'connected';
    return this.socket?.active ? 'reconnecting' : 'disconnected';
  }

  /** Opens the socket if needed and resolves once connected; rejects on the next refusal. */
  connect(): Promise<void> {
    this.wanted = true;
    if (this.socket?.connected) return Promise.resolve();
    const socket = this.socket ?? this.open();
    const pending = new Promise<void>((resolve, reject) => this.waiters.add({ resolve, reject }));
    // An inactive socket was refused or kicked by the server and will not retry by itself.
    if (!socket.active) socket.connect();
    return pending;
  }

  /** Resolves true once connected, false after `ms` or if the connection gives up. */
  waitConnected(ms: number): Promise<boolean> {
    if (this.socket?.connected) return Promise.resolve(true);
    if (!this.socket?.active) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        resolve: () => done(true),
        // A failed attempt while Socket.IO keeps retrying is not the end: keep waiting for the next one.
        reject: () => (this.socket?.active ? this.waiters.add(waiter) : done(false)),
      };
      const timer = setTimeout(() => done(false), ms);
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve(ok);
      };
      this.waiters.add(waiter);
    });
  }

  /** Sends an acknowledged event once connected (connecting first if needed). */
  async call<E extends AckEventName<C>>(event: E, payload: EventPayload<C, E>): Promise<AckData<C, E>> {
    await this.connect();
    return call<C, E>(this.socket!, this.deps.timeoutMs, event, payload);
  }

  /** Sends an acknowledged event only if connected right now (returns null otherwise). */
  callIfConnected<E extends AckEventName<C>>(event: E, payload: EventPayload<C, E>): Promise<AckData<C, E>> | null {
    return this.socket?.connected ? call<C, E>(this.socket, this.deps.timeoutMs, event, payload) : null;
  }

  /**
   * Replaces the socket with one that uses the current auth when the application
   * wants to be connected — even if the old auth was refused, so a new token retries.
   */
  restart(): void {
    this.drop();
    if (!this.wanted) return;
    this.deps.onState({ state: 'reconnecting', recovered: false });
    // A fresh socket carries no session id, so the server cannot restore the old identity.
    this.open().connect();
  }

  /** Closes the socket and removes every listener this connection added to it. */
  close(): void {
    const wasOpen = !!this.socket && (this.socket.connected || this.socket.active);
    this.wanted = false;
    this.drop();
    this.settle(new UnavailableError('unavailable', 'the client was disconnected'));
    if (wasOpen) this.deps.onState({ state: 'disconnected', recovered: false });
  }

  private drop(): void {
    this.detach?.();
    this.detach = null;
    this.socket?.disconnect();
    this.socket = null;
  }

  private open(): NamespaceSocket<S, C> {
    const socket = openSocket<S, C>(this.deps.url, this.deps.auth(), this.deps.transports, this.deps.timeoutMs);
    const own: Record<string, (...args: never[]) => void> = {
      ...this.deps.handlers,
      connect: () => {
        this.settle(null);
        this.deps.onState({ state: 'connected', recovered: socket.recovered });
      },
      disconnect: () => this.deps.onState({ state: socket.active ? 'reconnecting' : 'disconnected', recovered: false }),
      connect_error: (err: Error) => {
        this.settle(connectErrorToParley(err));
        if (!socket.active) this.deps.onState({ state: 'disconnected', recovered: false });
      },
    };
    // The handlers were typed against `S` above; registering them walks the map by name.
    const raw = socket as unknown as Socket;
    for (const [event, fn] of Object.entries(own)) raw.on(event, fn as (...args: unknown[]) => void);
    this.detach = () => {
      for (const [event, fn] of Object.entries(own)) raw.off(event, fn as (...args: unknown[]) => void);
    };
    this.socket = socket;
    return socket;
  }

  private settle(err: ParleyError | null): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const w of waiters) {
      if (err) w.reject(err);
      else w.resolve();
    }
  }
}
