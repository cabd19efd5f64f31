// What `log verify` prints: one line per mismatch (each stream's first), then the summary.
import type { VerifyReport } from '../../checkpoints/verify-log';

export function renderVerifyReport(report: VerifyReport): string {
  const checkpoints = report.lastCheckpoint
    ? `${report.checkpoints} checkpoint(s), the last ${report.lastCheckpoint.name} at ${report.lastCheckpoint.time}`
    : 'no checkpoints';
  const summary = `${report.streams} stream(s), ${report.commits} commit(s) verified; ${checkpoints}`;
  if (report.findings.length === 0) return `OK: ${summary}`;
  return [...report.findings.map((f) => `MISMATCH ${f.message}`), `FAILED: ${report.findings.length} mismatch(es); ${summary}`].join('\n');
}
