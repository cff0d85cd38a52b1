// WeChat's documented meaning of the numeric keys in its analytics answers, in English and Chinese.
// These are the API's dictionary (sources: docs/research/wechat-analytics.md), not product wording;
// an unknown key is never dropped: it is shown as "Source N" / "来源 N".

export interface Label {
  en: string;
  zh: string;
}

/** access_source_session_cnt / access_source_visit_uv keys 1-57, as the current docs list them. */
const SOURCES: Record<number, Label> = {
  1: { en: 'Mini Program history list', zh: '小程序历史列表' },
  2: { en: 'Search', zh: '搜索' },
  3: { en: 'Chat', zh: '会话' },
  4: { en: 'Scan QR code', zh: '扫一扫二维码' },
  5: { en: 'Official Account profile', zh: '公众号主页' },
  6: { en: 'Top of chat', zh: '聊天顶部' },
  7: { en: 'Phone home screen', zh: '系统桌面' },
  8: { en: 'Mini Program profile', zh: '小程序主页' },
  9: { en: 'Nearby Mini Programs', zh: '附近的小程序' },
  10: { en: 'Other', zh: '其他' },
  11: { en: 'Template message', zh: '模板消息' },
  12: { en: 'Customer-service message', zh: '客服消息' },
  13: { en: 'Official Account menu', zh: '公众号菜单' },
  14: { en: 'Shared from an app', zh: 'APP分享' },
  15: { en: 'Payment completion page', zh: '支付完成页' },
  16: { en: 'Long-press QR code', zh: '长按识别二维码' },
  17: { en: 'QR code from album', zh: '相册选取二维码' },
  18: { en: 'Official Account article', zh: '公众号文章' },
  19: { en: 'Wallet', zh: '钱包' },
  20: { en: 'Cards & Offers', zh: '卡包' },
  21: { en: 'In-app coupons', zh: '小程序内卡券' },
  22: { en: 'Another Mini Program', zh: '其他小程序' },
  23: { en: 'Back from another Mini Program', zh: '其他小程序返回' },
  24: { en: 'Coupon store list', zh: '卡券适用门店列表' },
  25: { en: 'Search-box shortcut', zh: '搜索框快捷入口' },
  26: { en: 'Mini Program customer-service message', zh: '小程序客服消息' },
  27: { en: 'Sent by Official Account', zh: '公众号下发' },
  28: { en: 'Chat menu', zh: '系统会话菜单' },
  29: { en: 'Task bar: recently used', zh: '任务栏-最近使用' },
  30: { en: 'Long-press menu capsule', zh: '长按小程序菜单圆点' },
  31: { en: 'Wi-Fi connected page', zh: '连wifi成功页' },
  32: { en: 'City Services', zh: '城市服务' },
  33: { en: 'WeChat ads', zh: '微信广告' },
  34: { en: 'Other mobile apps', zh: '其他移动应用' },
  35: { en: 'Discover: My Mini Programs', zh: '发现入口-我的小程序' },
  36: { en: 'Task bar: My Mini Programs', zh: '任务栏-我的小程序' },
  37: { en: 'WeChat Circles', zh: '微信圈子' },
  38: { en: 'Mobile top-up', zh: '手机充值' },
  39: { en: 'Web page (H5)', zh: 'H5' },
  40: { en: 'Plugin', zh: '插件' },
  41: { en: 'Popular with others', zh: '大家在用' },
  42: { en: 'Discover page', zh: '发现页' },
  43: { en: 'Floating window', zh: '浮窗' },
  44: { en: 'People Nearby', zh: '附近的人' },
  45: { en: 'Top Stories', zh: '看一看' },
  46: { en: 'Moments', zh: '朋友圈' },
  47: { en: 'WeCom', zh: '企业微信' },
  48: { en: 'Video / Channels', zh: '视频' },
  49: { en: 'Favorites', zh: '收藏' },
  50: { en: 'WeChat red packet', zh: '微信红包' },
  51: { en: 'WeChat Games', zh: '微信游戏中心' },
  52: { en: 'Shake', zh: '摇一摇' },
  53: { en: 'Official Account shopping-guide message', zh: '公众号导购消息' },
  54: { en: 'Scan to identify objects', zh: '识物' },
  55: { en: 'Mini Program orders', zh: '小程序订单' },
  56: { en: 'Mini Program live stream', zh: '小程序直播' },
  57: { en: 'Group tools', zh: '群工具' },
};

/** access_staytime_info keys 1-8 (the console's non-overlapping wording; the docs' overlaps at 20, 30, 50 s). */
const STAY_TIME: Record<number, Label> = {
  1: { en: '0–2 s', zh: '0-2秒' },
  2: { en: '3–5 s', zh: '3-5秒' },
  3: { en: '6–10 s', zh: '6-10秒' },
  4: { en: '11–20 s', zh: '11-20秒' },
  5: { en: '21–30 s', zh: '21-30秒' },
  6: { en: '31–50 s', zh: '31-50秒' },
  7: { en: '51–100 s', zh: '51-100秒' },
  8: { en: 'over 100 s', zh: '>100秒' },
};

/** access_depth_info keys 1-7 (the docs list 7, not 6). */
const DEPTH: Record<number, Label> = {
  1: { en: '1 page', zh: '1 页' },
  2: { en: '2 pages', zh: '2 页' },
  3: { en: '3 pages', zh: '3 页' },
  4: { en: '4 pages', zh: '4 页' },
  5: { en: '5 pages', zh: '5 页' },
  6: { en: '6–10 pages', zh: '6-10 页' },
  7: { en: 'over 10 pages', zh: '>10 页' },
};

export function sourceLabel(key: number): Label {
  return SOURCES[key] ?? { en: `Source ${key}`, zh: `来源 ${key}` };
}

export function stayTimeLabel(key: number): Label {
  return STAY_TIME[key] ?? { en: `Stay bucket ${key}`, zh: `停留时长 ${key}` };
}

export function depthLabel(key: number): Label {
  return DEPTH[key] ?? { en: `Depth bucket ${key}`, zh: `访问深度 ${key}` };
}

/** Every documented key, for tests and the sandbox. */
export const DOCUMENTED_SOURCE_KEYS: readonly number[] = Object.keys(SOURCES).map(Number);

/** Portrait names WeChat sends in Chinese that have a plain English equivalent; anything else is shown as sent. */
const PORTRAIT_NAMES: Record<string, string> = {
  男: 'Male',
  女: 'Female',
  未知: 'Unknown',
  其他: 'Other',
  '17岁以下': 'Under 18',
  '18-24岁': '18–24',
  '25-29岁': '25–29',
  '30-39岁': '30–39',
  '40-49岁': '40–49',
  '50岁以上': '50 and over',
};

/** A portrait slice's name in English where WeChat's Chinese has a fixed meaning (genders, age bands). */
export function portraitNameEn(name: string): string {
  return PORTRAIT_NAMES[name] ?? name;
}
