import type { StringTable } from '../index';

/** Strings shared by the whole page (header, language switch). */
export const common: StringTable = {
  en: {
    'app.title': 'Multi-task recommendation playground',
    'lang.label': 'Language',
    'lang.tooltip': 'Switch the interface between English and Chinese',
    'common.loading': 'Loading…',
  },
  zh: {
    'app.title': '多任务推荐模型训练场',
    'lang.label': '语言',
    'lang.tooltip': '在中文和英文界面之间切换',
    'common.loading': '正在加载…',
  },
};
