// `fleet history --verify`: every recorded fleet decision decided again from the log and compared
// with what was recorded. A decision's input is the fleet stream folded up to the commit before
// it, the registry and member observations its FleetDecided recorded, and its own time; the
// replayed events (FleetDecided included: the budget it sized) must equal the recorded ones.
// A commit without FleetDecided is an operator's change or an outcome: folded, not decided.
// Linear: the stream is folded once, forward.
import { decideFleet, type FleetInput, type FleetDecision } from './decide';
import type { FleetDecided, FleetEvent } from './events';
import { evolveFleet, initialFleetState } from './state';

export interface FleetMismatch {
  commit: number;
  time: string;
  differences: string[];
}

export interface FleetReplayReport {
  decisions: number;
  mismatches: FleetMismatch[];
}

export function replayFleet(
  commits: readonly { commit: number; events: FleetEvent[] }[],
  decide: (input: FleetInput) => FleetDecision | undefined = decideFleet,
): FleetReplayReport {
  let state = initialFleetState();
  const report: FleetReplayReport = { decisions: 0, mismatches: [] };
  let previous = 0;
  for (const commit of commits) {
    if (commit.commit !== previous + 1) throw new Error(`fleet stream: commit ${commit.commit} follows ${previous}, a gap in the log`);
    previous = commit.commit;
    const recorded = commit.events.find((e): e is FleetDecided => e.type === 'FleetDecided');
    if (recorded) {
      report.decisions++;
      const clusters = recorded.clusters ?? state.decidedOn ?? [];
      const replayed = decide({ state, clusters, observed: recorded.observed, now: new Date(recorded.time) });
      const differences = eventDifferences(commit.events, replayed?.recorded ?? []);
      if (differences.length > 0) report.mismatches.push({ commit: commit.commit, time: recorded.time, differences });
    }
    for (const e of commit.events) state = evolveFleet(state, e);
  }
  return report;
}

/** One line per event that differs, by position: `event 2: recorded FleetClusterStarted prod-a …, replayed none`. */
function eventDifferences(recorded: FleetEvent[], replayed: FleetEvent[]): string[] {
  const differences: string[] = [];
  for (let i = 0; i < Math.max(recorded.length, replayed.length); i++) {
    const [was, is] = [recorded[i], replayed[i]];
    if (JSON.stringify(was) !== JSON.stringify(is)) differences.push(`event ${i + 1}: recorded ${describe(was)}, replayed ${describe(is)}`);
  }
  return differences;
}

function describe(e: FleetEvent | undefined): string {
  if (!e) return 'none';
  const { type, time: _time, ...rest } = e;
  const detail = JSON.stringify(rest);
  return `${type} ${detail.length > 200 ? `${detail.slice(0, 200)}…` : detail}`;
}
