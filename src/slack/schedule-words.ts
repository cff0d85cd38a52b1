import type { RunRecord } from '../store/types';
import type { ScheduleAnswer } from '../schedule/service';
import { formatInZone } from '../calendar/time-zone';
import { describeWhen, type ScheduleSpecProblem } from '../schedule/spec';
import { adminOnly, programProblem } from './replies';
import { echo } from './text';

export function scheduleUsage(): string {
  return [
    '*Usage:* `/wxa schedule add [digest|summary|retain|visits] [daily|weekly|monthly] [at HH:MM] [on &lt;weekday&gt;] [tz &lt;IANA zone&gt;] [#channel]`',
    '• Defaults: the weekly digest, Mondays at 10:00 Asia/Shanghai, in this channel (daily and monthly schedules post the summary). Monthly reports go out on the 1st; the digest is weekly or daily.',
    '• `/wxa schedule list` · `/wxa schedule remove &lt;id&gt;` · `/wxa schedule run &lt;id&gt;` (post now)',
    '• Example: `/wxa schedule add summary weekly at 09:30 on monday tz Europe/Berlin`',
  ].join('\n');
}

function lastOutcome(r: RunRecord | undefined, tz: string): string {
  if (!r) return 'not run yet';
  const when = formatInZone(new Date(r.updatedAt), tz);
  const words: Record<RunRecord['state'], string> = {
    running: 'running',
    waiting_data: 'waiting for WeChat data',
    retrying: 'summary posted, chart to be retried',
    posted: 'posted',
    not_ready_notice: 'data not ready, notice posted',
    failed: 'failed',
  };
  return `${words[r.state]} ${when}${r.state === 'failed' && r.detail ? ` — ${r.detail}` : ''}`;
}

function specProblem(p: ScheduleSpecProblem): string {
  const given = (g: string | undefined) => (g === undefined ? 'Nothing' : echo(g));
  switch (p.reason) {
    case 'bad_time':
      return `${given(p.given)} after \`at\` is not a time. Use 24-hour HH:MM, e.g. 09:30.`;
    case 'bad_weekday':
      return `${given(p.given)} after \`on\` is not a weekday. Use monday … sunday.`;
    case 'bad_zone':
      return `${given(p.given)} after \`tz\` is not a time zone I know. Use an IANA name such as Asia/Shanghai or America/New_York.`;
    case 'plain_channel':
      return `Pick the channel from Slack's autocomplete so I get its ID (${echo(p.given)} came as plain text).`;
    case 'unknown_word':
      return `${echo(p.given)} is not something I understand in a schedule.`;
    case 'weekday_not_weekly':
      return '`on &lt;weekday&gt;` only applies to weekly schedules.';
    case 'digest_not_monthly':
      return 'The digest is weekly or daily; for a monthly schedule choose summary, retain or visits.';
  }
}

/** The reply to a `/wxa schedule` command, in mrkdwn. */
export function scheduleAnswerText(a: ScheduleAnswer): string {
  switch (a.kind) {
    case 'usage':
      return `${a.unknown !== undefined ? `${echo(a.unknown)} is not a schedule command.` : 'Which schedule command?'}\n\n${scheduleUsage()}`;
    case 'not_admin':
      return adminOnly(`${a.action} schedules`, a.adminsConfigured);
    case 'need_one_id':
      return `Give exactly one schedule id, e.g. \`/wxa schedule ${a.action} s1a2b3c\`. See \`/wxa schedule list\`.`;
    case 'no_such_schedule':
      return `There is no schedule ${echo(a.id)}. See \`/wxa schedule list\`.`;
    case 'removed': {
      const s = a.schedule;
      return `Removed schedule \`${s.id}\` (${s.granularity} ${s.report} ${describeWhen(s)} in <#${s.channel}>).`;
    }
    case 'running': {
      const s = a.schedule;
      return `Posting schedule \`${s.id}\` (${s.granularity} ${s.report}) in <#${s.channel}> now…`;
    }
    case 'bad_spec':
      return `${specProblem(a.problem)}\n\n${scheduleUsage()}`;
    case 'no_program':
      return programProblem(a.problem);
    case 'added': {
      const s = a.schedule;
      const which = a.showApp ? ` for \`${s.app}\`` : '';
      return `:white_check_mark: Scheduled \`${s.id}\`: ${s.granularity} ${s.report}${which}, ${describeWhen(s)}, in <#${s.channel}>. Next: ${formatInZone(a.next, s.timezone)}.`;
    }
    case 'list': {
      if (a.items.length === 0) {
        return 'No schedules yet in this channel. Add one with `/wxa schedule add` (defaults: weekly summary, Mondays at 10:00 Asia/Shanghai, in this channel).';
      }
      const lines = a.items.map(
        ({ schedule: s, next, last }) =>
          `• \`${s.id}\` ${s.granularity} ${s.report}, ${describeWhen(s)}, in <#${s.channel}>\n   next: ${formatInZone(next, s.timezone)} · last: ${lastOutcome(last, s.timezone)}`,
      );
      return `*Schedules in this channel*\n${lines.join('\n')}`;
    }
  }
}
