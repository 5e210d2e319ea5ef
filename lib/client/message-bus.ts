import type { DecodedMessage } from "./types";

type Listener = (m: DecodedMessage) => void;

/** In-process fan-out of messages as they are stored (sent or received). */
export class MessageBus {
  private readonly listeners = new Set<Listener>();

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }

  emit(message: DecodedMessage): void {
    for (const l of this.listeners) l(message);
  }
}
