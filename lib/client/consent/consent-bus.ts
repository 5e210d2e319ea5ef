import type { ConsentRecord } from "../../storage";

type Listener = (r: ConsentRecord) => void;

/** In-process fan-out of consent records as they are stored (local choices and merged ones). */
export class ConsentBus {
  private readonly listeners = new Set<Listener>();

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(record: ConsentRecord): void {
    for (const l of this.listeners) l(record);
  }
}
