/**
 * Registers the service worker (public/sw.js) and hands it the hashed chunks this page already
 * loaded and the reads it needs to start, so the whole grid app opens without network next time. Resolves true once they are cached.
 */
export async function prepareOfflineShell(reads: string[]): Promise<boolean> {
  if (!('serviceWorker' in navigator)) return false;
  await navigator.serviceWorker.register('/sw.js', { scope: '/' });
  const registration = await navigator.serviceWorker.ready;
  const worker = registration.active;
  if (!worker) return false;
  const urls = performance
    .getEntriesByType('resource')
    .map((e) => new URL(e.name))
    .filter((u) => u.origin === location.origin && u.pathname.startsWith('/assets/'))
    .map((u) => u.pathname);
  return new Promise<boolean>((resolve) => {
    const channel = navigator.serviceWorker;
    const onMessage = (event: MessageEvent<{ type?: string; ok?: boolean }>) => {
      if (event.data.type !== 'assets-cached') return;
      channel.removeEventListener('message', onMessage);
      resolve(event.data.ok === true);
    };
    channel.addEventListener('message', onMessage);
    worker.postMessage({ type: 'cache-assets', urls, reads });
  });
}
