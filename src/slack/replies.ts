import type { ProgramProblem } from '../apps/directory';
import { type Language, translator } from '../i18n';
import { echo } from './text';

/** Why no mini program could be chosen, in words for the person who asked. */
export function programProblem(p: ProgramProblem, lang: Language = 'en'): string {
  const t = translator(lang);
  switch (p.reason) {
    case 'unknown':
      return t('reply.program.unknown', {
        name: echo(p.name),
        choices: p.choices.join(t('reply.list.sep')) || t('reply.program.noChoices'),
      });
    case 'not_here':
      return t('reply.program.notHere', { name: p.name });
    case 'none_here':
      return t('reply.program.noneHere');
    case 'ambiguous':
      return t('reply.program.ambiguous', { choices: p.choices.map((c) => `\`app:${c}\``).join(t('reply.list.sep')) });
  }
}

/** What only SLACK_ADMIN_USERS may do. */
export type AdminAction = 'lang' | 'default' | 'add' | 'remove' | 'run' | 'alert.add' | 'alert.remove' | 'alert.mute';

const ADMIN_ACTIONS: readonly string[] = ['lang', 'default', 'add', 'remove', 'run'];

export function isAdminAction(s: string): s is AdminAction {
  return ADMIN_ACTIONS.includes(s);
}

/** The refusal for what only SLACK_ADMIN_USERS may do (schedule changes, channel defaults, the language). */
export function adminOnly(what: AdminAction, adminsConfigured: boolean, lang: Language = 'en'): string {
  const t = translator(lang);
  const how = adminsConfigured ? t('reply.admin.ask') : t('reply.admin.none');
  return t('reply.admin', { what: t(`reply.admin.${what}`), how });
}
