import { type ImageSummary, ImageSummarySchema } from '@cove/shared';
import { imageImportPath } from './agent-urls';
import { redirectToSignIn } from './sign-in-redirect';

export interface ImportProgress {
  sentBytes: number;
  totalBytes: number;
}

/**
 * Uploads an image tarball as the raw request body. XMLHttpRequest rather than fetch:
 * only it reports upload progress, and a tarball can take a while.
 */
export function importImage(
  reference: string,
  file: File,
  onProgress: (progress: ImportProgress) => void,
  signal: AbortSignal,
): Promise<ImageSummary> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', imageImportPath(reference));
    request.setRequestHeader('Content-Type', 'application/octet-stream');
    request.responseType = 'text';
    request.upload.onprogress = (event) =>
      onProgress({ sentBytes: event.loaded, totalBytes: event.total || file.size });
    request.onload = () => {
      const body = parseJson(request.responseText);
      if (request.status >= 200 && request.status < 300) {
        const summary = ImageSummarySchema.safeParse(body);
        if (summary.success) resolve(summary.data);
        else reject(new Error('The agent imported the image but answered in an unknown shape'));
        return;
      }
      if (request.status === 401) redirectToSignIn();
      reject(
        new Error(errorMessage(body) ?? `Import failed: ${request.status} ${request.statusText}`),
      );
    };
    request.onerror = () => reject(new Error('The upload was interrupted: is the agent running?'));
    request.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
    signal.addEventListener('abort', () => request.abort(), { once: true });
    request.send(file);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function errorMessage(body: unknown): string | undefined {
  if (body && typeof body === 'object' && 'error' in body && typeof body.error === 'string') {
    return body.error;
  }
  return undefined;
}
