import type { StringTable } from '../index';

/** Engine health (worker crash / restart) and backend speed calibration. */
export const perf: StringTable = {
  en: {
    'engine.crashed': 'The training engine stopped: {reason}',
    'engine.crashedHint':
      'Your settings are kept. Restart the engine to load the data again and go on training.',
    'engine.restart': 'Restart engine',
    'engine.restartTooltip':
      'Start a fresh training worker (the old one is closed), then reload the current data.',
    'speeds.title': 'Backend speeds',
    'speeds.measuring': 'Measuring each backend with a few training steps…',
    'speeds.chosen': 'fastest: {backend}',
    'speeds.unit': '{value} samples/s',
    'speeds.unavailable': 'unavailable',
    'speeds.tooltip':
      'Training samples per second measured at start-up on each backend (a few MMoE steps on a fixed batch); the fastest is chosen automatically. Override it with the Backend select.',
  },
  zh: {
    'engine.crashed': '训练引擎已停止：{reason}',
    'engine.crashedHint': '设置已保留。重启引擎后会重新加载数据，可以继续训练。',
    'engine.restart': '重启引擎',
    'engine.restartTooltip': '启动一个新的训练 Worker（关闭旧的），然后重新加载当前数据。',
    'speeds.title': '后端速度',
    'speeds.measuring': '正在用几步训练测量各个后端……',
    'speeds.chosen': '最快：{backend}',
    'speeds.unit': '每秒 {value} 个样本',
    'speeds.unavailable': '不可用',
    'speeds.tooltip':
      '启动时在每个后端上测得的每秒训练样本数（固定批次上的几步 MMoE 训练）；自动选用最快的后端。可以用“后端”下拉框改选。',
  },
};
