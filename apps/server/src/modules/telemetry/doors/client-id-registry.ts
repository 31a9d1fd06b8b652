/**
 * Binds MQTT client ids to the credential that holds them (ADR 0018).
 *
 * MQTT lets a new connection with a client id take over the session of that id, disconnecting
 * the current holder (MQTT 3.1.1 §3.1.4-2). Without a binding, any device that learns another's
 * client id can knock it offline and, with clean session off, inherit its queued messages. Here
 * a client id belongs to the credential that holds it (a live connection) or that owns its
 * persistent session; only that credential may take it over.
 */
export class ClientIdRegistry<C extends { closed: boolean }> {
  private readonly holders = new Map<string, { owner: string; client: C }>();
  /** Client ids with a persistent session (clean session off), and whose session it is. */
  private readonly sessions = new Map<string, string>();

  /**
   * Admits `client` under `clientId` for `owner`, or refuses (false) when another credential holds
   * the id or owns its session. Synchronous, so two CONNECTs racing for one id cannot both pass.
   */
  admit(clientId: string, owner: string, client: C, clean: boolean): boolean {
    const holder = this.holders.get(clientId);
    if (holder && holder.owner !== owner && !holder.client.closed) return false;
    const session = this.sessions.get(clientId);
    if (session !== undefined && session !== owner) return false;
    this.holders.set(clientId, { owner, client });
    // A clean connection ends the id's stored session (aedes wipes it); otherwise it is the owner's.
    if (clean) this.sessions.delete(clientId);
    else this.sessions.set(clientId, owner);
    return true;
  }

  /** The connection ended; the id stays bound to its session owner, if any. */
  release(clientId: string, client: C): void {
    if (this.holders.get(clientId)?.client === client) this.holders.delete(clientId);
  }

  /** Whether `clientId` is held by a live connection right now. */
  live(clientId: string): boolean {
    const h = this.holders.get(clientId);
    return !!h && !h.client.closed;
  }
}
