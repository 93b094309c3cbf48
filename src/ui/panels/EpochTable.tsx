/** The numbers behind the chart: validation AUC and train loss per task, per epoch. */
import { useI18n } from '../i18n';
import type { EpochEvent, SplitMetrics } from '../../engine/train/types';
import { formatMetric } from '../format';

interface Props {
  tasks: string[];
  epochs: EpochEvent[];
  /** Test metrics of the best epoch, once training is done. */
  test?: SplitMetrics;
  bestEpoch?: number;
}

export function EpochTable({ tasks, epochs, test, bestEpoch }: Props) {
  const { t: tr } = useI18n();
  return (
    <table className="numbers">
      <caption>{tr('epochs.caption')}</caption>
      <thead>
        <tr>
          <th scope="col">{tr('epochs.epoch')}</th>
          {tasks.map((t) => (
            <th scope="col" key={`auc-${t}`}>
              {tr('epochs.auc', { task: t })}
            </th>
          ))}
          {tasks.map((t) => (
            <th scope="col" key={`loss-${t}`}>
              {tr('epochs.loss', { task: t })}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {epochs.map((e) => (
          <tr key={e.epoch} className={e.epoch === bestEpoch ? 'best' : undefined}>
            <th scope="row">
              {e.epoch}
              {e.epoch === bestEpoch ? tr('epochs.best') : ''}
            </th>
            {tasks.map((t, i) => (
              <td key={`auc-${t}`}>{formatMetric(e.val?.tasks[i]?.auc)}</td>
            ))}
            {tasks.map((t, i) => (
              <td key={`loss-${t}`}>{formatMetric(e.trainLoss[i])}</td>
            ))}
          </tr>
        ))}
        {test !== undefined && (
          <tr className="test">
            <th scope="row">{tr('epochs.test')}</th>
            {tasks.map((t, i) => (
              <td key={`test-${t}`}>{formatMetric(test.tasks[i]?.auc)}</td>
            ))}
            {tasks.map((t) => (
              <td key={`test-loss-${t}`} />
            ))}
          </tr>
        )}
      </tbody>
    </table>
  );
}
