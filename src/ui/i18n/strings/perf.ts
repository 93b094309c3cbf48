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
    'auto.interim':
      'Auto: {backend} for now — {why} The speed check below may pick another backend for the next run.',
    'auto.why.no-gpu':
      'no GPU found (WebGPU: {webgpu}; WebGL: {webgl}), and without one WASM is the fastest.',
    'auto.why.webgpu-gpu': 'a WebGPU adapter on a GPU was found.',
    'auto.why.webgl-gpu': 'a WebGL renderer on a GPU was found (WebGPU: {webgpu}).',
    'auto.kind.none': 'unavailable',
    'auto.kind.software': 'software emulation',
    'auto.kind.hardware': 'GPU',
    'auto.measuring': 'Auto: {backend} until the speed check below has finished.',
    'auto.calibrated': 'Auto: {backend}, the fastest in the speed check below.',
    'auto.nextRun':
      'Auto: the speed check found {fastest} fastest; the next run uses it (the current model is on {backend}).',
    'speeds.title': 'Backend speeds',
    'speeds.measuring': 'Measuring each backend with a few training steps…',
    'speeds.chosen': 'fastest: {backend}',
    'speeds.unit': '{value} samples/s',
    'speeds.unavailable': 'unavailable',
    'speeds.tooltip':
      'Training samples per second measured at start-up on each backend (a few MMoE steps on a fixed batch, in a worker of its own, so Train never waits for it); the fastest is chosen automatically for the next run. Override it with the Backend select.',
  },
  zh: {
    'engine.crashed': '训练引擎已停止：{reason}',
    'engine.crashedHint': '设置已保留。重启引擎后会重新加载数据，可以继续训练。',
    'engine.restart': '重启引擎',
    'engine.restartTooltip': '启动一个新的训练 Worker（关闭旧的），然后重新加载当前数据。',
    'auto.interim': '自动：暂用 {backend}——{why}下方的速度测试可能会为下一次训练换用别的后端。',
    'auto.why.no-gpu': '未发现 GPU（WebGPU：{webgpu}；WebGL：{webgl}），没有 GPU 时 WASM 最快。',
    'auto.why.webgpu-gpu': '发现了基于 GPU 的 WebGPU 适配器。',
    'auto.why.webgl-gpu': '发现了基于 GPU 的 WebGL 渲染器（WebGPU：{webgpu}）。',
    'auto.kind.none': '不可用',
    'auto.kind.software': '软件模拟',
    'auto.kind.hardware': 'GPU',
    'auto.measuring': '自动：在下方速度测试完成之前使用 {backend}。',
    'auto.calibrated': '自动：{backend}，下方速度测试中最快的后端。',
    'auto.nextRun':
      '自动：速度测试发现 {fastest} 最快，下一次训练将使用它（当前模型在 {backend} 上）。',
    'speeds.title': '后端速度',
    'speeds.measuring': '正在用几步训练测量各个后端……',
    'speeds.chosen': '最快：{backend}',
    'speeds.unit': '每秒 {value} 个样本',
    'speeds.unavailable': '不可用',
    'speeds.tooltip':
      '启动时在每个后端上测得的每秒训练样本数（在单独的 Worker 中于固定批次上训练几步 MMoE，训练无需等待它）；下一次训练自动选用最快的后端。可以用“后端”下拉框改选。',
  },
};
