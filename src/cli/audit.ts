import type { Config } from '../server/core/config.js';
import { verifyAuditChain } from '../server/core/audit.js';
import { CliError, describeDatabase, openExisting, out, withDatabase } from './common.js';

const REASONS: Record<string, string> = {
  content: "the event's content does not match its hash (edited)",
  link: "the event does not link to the previous event's hash (edited, inserted or reordered)",
  gap: 'the sequence has a gap (an event was deleted)',
  head: 'the chain head does not match the last event (events removed from the end, or the head edited)',
};

/** `slussa audit verify`: walks the hash chain; exit code 2 when it is broken. */
export async function auditVerifyCommand(config: Config): Promise<void> {
  await withDatabase(openExisting(config), async (h) => {
    let result;
    try {
      result = await verifyAuditChain(h.db);
    } catch (err) {
      throw new CliError(
        `Could not read the audit trail of ${describeDatabase(config)}: ${err instanceof Error ? err.message : String(err)} (is it a migrated Slussa database?)`,
      );
    }
    if (result.ok) {
      out(`ok: ${result.checked} events (${describeDatabase(config)})`);
      return;
    }
    const reason = result.reason ?? 'content';
    throw new CliError(
      `audit chain broken at seq ${result.brokenAt ?? '?'} (${reason}): ${REASONS[reason] ?? reason}. ` +
        `${result.checked} events before it verified. (${describeDatabase(config)})`,
      2,
    );
  });
}
