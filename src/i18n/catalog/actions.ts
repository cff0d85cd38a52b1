// Buttons and menus on report messages, and the replies to clicks.

export const en = {
  'nav.previous': '◀ Previous',
  'nav.next': 'Next ▶',
  'nav.granularity.daily': 'Daily',
  'nav.granularity.weekly': 'Weekly',
  'nav.granularity.monthly': 'Monthly',
  'nav.other': 'Other reports',
  'nav.tampered':
    'That button no longer makes sense to me (its data was changed or is from an older version of the bot). Nothing was fetched. Type the command instead, e.g. `/retain weekly`.',
  'nav.working': ':hourglass_flowing_sand: Preparing the {{title}} in the thread.',
  'report.preparing': ':hourglass_flowing_sand: Preparing the {{title}} for {{app}}.',
  'report.queued': ':hourglass: Busy: your report is in the queue ({{count}} waiting). It will follow.',
  'report.slow_wechat':
    ':hourglass: Still working: WeChat is answering slowly. The report will follow, or I will tell you what went wrong.',
  'report.slow_slack':
    ':hourglass: Still working: the report is ready but Slack is answering slowly (it may be rate-limiting the bot). It will follow, or I will tell you what went wrong.',
  'lang.set': 'Reports and replies in this channel are now in English.',
  'lang.current': 'This channel gets its reports in English. An admin can switch with `/wxa lang zh`.',
  'lang.usage': 'Usage: `/wxa lang zh` (简体中文) or `/wxa lang en` (English).',
} as const;

export const zh: Record<keyof typeof en, string> = {
  'nav.previous': '◀ 上一期',
  'nav.next': '下一期 ▶',
  'nav.granularity.daily': '按日',
  'nav.granularity.weekly': '按周',
  'nav.granularity.monthly': '按月',
  'nav.other': '其他报表',
  'nav.tampered': '这个按钮的数据无效（被修改过，或来自旧版本的机器人），没有查询任何数据。请直接输入命令，例如 `/retain weekly`。',
  'nav.working': ':hourglass_flowing_sand: 正在准备{{title}}，将发在此消息串中。',
  'report.preparing': ':hourglass_flowing_sand: 正在为{{app}}准备{{title}}。',
  'report.queued': ':hourglass: 繁忙：你的报表正在排队（前面有 {{count}} 个），稍后送达。',
  'report.slow_wechat': ':hourglass: 仍在处理：微信接口响应较慢。报表稍后送达；如果失败，我会告诉你原因。',
  'report.slow_slack': ':hourglass: 仍在处理：报表已生成，但 Slack 响应较慢（可能在限流）。报表稍后送达；如果失败，我会告诉你原因。',
  'lang.set': '此频道的报表和回复已切换为简体中文。',
  'lang.current': '此频道的报表为简体中文。管理员可用 `/wxa lang en` 切换为英文。',
  'lang.usage': '用法：`/wxa lang zh`（简体中文）或 `/wxa lang en`（English）。',
};
