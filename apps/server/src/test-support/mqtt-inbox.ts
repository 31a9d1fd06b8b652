import type { MqttClient } from 'mqtt';

export interface Received {
  topic: string;
  text: string;
  retain: boolean;
}

/**
 * The messages one MQTT test client receives, in order. `next` waits (bounded) for the next one;
 * to prove that nothing arrived, a test sends a later legitimate message and checks it is next.
 */
export function inbox(client: MqttClient) {
  const queue: Received[] = [];
  let wake: (() => void) | null = null;
  client.on('message', (topic, payload, packet) => {
    queue.push({ topic, text: payload.toString(), retain: packet.retain });
    wake?.();
  });
  return {
    async next(ms = 5000): Promise<Received> {
      const deadline = Date.now() + ms;
      while (queue.length === 0) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no message within ${ms} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = null;
      }
      return queue.shift()!;
    },
    get pending(): readonly Received[] {
      return queue;
    },
  };
}
