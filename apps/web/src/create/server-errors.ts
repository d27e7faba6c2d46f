import { errorMessage, trpcErrorCode } from '~/api/trpc-error';
import type { FieldErrors } from './form-values';
import { fieldForIssue, type PathIssue } from './issue-field';

/**
 * Places the agent's answer to a create next to the field it is about. Schema issues
 * arrive as JSON in the message, with paths below `spec`; a name clash or a missing
 * image is named by the code, a refused `--ip` by its flag; anything else becomes the
 * form's banner.
 */
export function serverErrorFields(error: unknown): FieldErrors {
  const code = trpcErrorCode(error);
  const message = errorMessage(error);
  if (code === 'BAD_REQUEST') {
    const issues = parseIssues(message);
    if (issues.length > 0) {
      const errors: FieldErrors = {};
      for (const issue of issues) {
        const path = issue.path[0] === 'spec' ? issue.path.slice(1) : issue.path;
        const { field, message: text } = fieldForIssue({ path, message: issue.message });
        errors[field] ??= text;
      }
      return errors;
    }
  }
  if (/^--ip\b/.test(message)) return { networkIp: message };
  if (code === 'CONFLICT' && /name/i.test(message)) return { name: message };
  if (code === 'NOT_FOUND' && /image/i.test(message)) return { image: message };
  return { form: message };
}

function parseIssues(message: string): PathIssue[] {
  try {
    const parsed: unknown = JSON.parse(message);
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (issue): issue is PathIssue =>
        typeof issue === 'object' &&
        issue !== null &&
        Array.isArray(issue.path) &&
        typeof issue.message === 'string',
    );
  } catch {
    return [];
  }
}
