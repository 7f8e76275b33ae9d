/**
 * `warroom export --incident <id> --format md|html|json|csv [--out file] [--data-dir dir | --database-url url] [--tz Zone]`
 * Placeholder until the formatters land: parses nothing yet and reports usage.
 */
export const EXPORT_USAGE =
  'Usage: warroom export --incident <id> --format md|html|json|csv [--out file] [--data-dir dir | --database-url url] [--tz Zone]';

/** Runs the export command; resolves to the process exit code (0 ok, 1 failure, 2 usage). */
export async function runExportCommand(_argv: string[]): Promise<number> {
  process.stderr.write(`${EXPORT_USAGE}\n`);
  return 2;
}
