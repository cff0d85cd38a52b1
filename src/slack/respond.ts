import axios from 'axios';

/** How long a private reply through response_url may take. */
const RESPOND_TIMEOUT_MS = 5_000;

/**
 * A private (ephemeral) reply through a command's or click's response_url, from wherever the job
 * runs: a worker has no Bolt request to call `respond` on, only the URL Slack gave with it.
 */
export async function respondPrivately(responseUrl: string, text: string): Promise<void> {
  await axios.post(
    responseUrl,
    { response_type: 'ephemeral', replace_original: false, text },
    { timeout: RESPOND_TIMEOUT_MS, maxRedirects: 0, maxContentLength: 64 * 1024 },
  );
}
