import axios from 'axios';

/** How long a private reply through response_url may take. */
const RESPOND_TIMEOUT_MS = 5_000;

/**
 * A private (ephemeral) reply through a command's or click's response_url, from wherever the job
 * runs: a worker has no Bolt request to call `respond` on, only the URL Slack gave with it.
 */
export async function respondPrivately(responseUrl: string, text: string): Promise<void> {
  // The URL came with the job (through Redis in shared mode): only Slack's kind of URL is called.
  if (!isResponseUrl(responseUrl)) throw new Error('not a Slack response_url (https, or a loopback test double)');
  await axios.post(
    responseUrl,
    { response_type: 'ephemeral', replace_original: false, text },
    { timeout: RESPOND_TIMEOUT_MS, maxRedirects: 0, maxContentLength: 64 * 1024 },
  );
}

/** https (Slack's hooks), or http to this machine (the sandbox's and the tests' doubles); nothing else. */
export function isResponseUrl(u: string): boolean {
  try {
    const url = new URL(u);
    if (url.username || url.password) return false;
    if (url.protocol === 'https:') return true;
    return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  } catch {
    return false;
  }
}
